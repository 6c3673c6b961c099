"""/_ac (statistics), /_ac/success, /_ac/fail and /_ac/status (JSON)."""
import gc

from micropython import const

_CAPTIVEPORTAL = const(0x40)


def _mac(b):
    return ":".join("%02X" % x for x in b)


def _wifi(portal, full):
    sta, ap = portal.sta, portal.ap
    on = sta.isconnected()
    ipc = sta.ifconfig() if on else ("0.0.0.0",) * 4
    mode = ("AP_STA" if ap.active() else "STA") if sta.active() else ("AP" if ap.active() else "OFF")
    out = ["PAGESTATS_ESTABLISHEDCONNECTION", sta.config("essid") if on else "N/A",
           "PAGESTATS_MODE", "%s(%d)" % (mode, sta.status()), "PAGESTATS_IP", ipc[0],
           "PAGESTATS_GATEWAY", ipc[2], "PAGESTATS_SUBNETMASK", ipc[1]]
    if full:
        out += ["PAGESTATS_SOFTAPIP", ap.ifconfig()[0] if ap.active() else "0.0.0.0",
                "PAGESTATS_APMAC", _mac(ap.config("mac")),
                "PAGESTATS_STAMAC", _mac(sta.config("mac"))]
    out += ["PAGESTATS_CHANNEL", sta.config("channel") if on else ap.config("channel"),
            "PAGESTATS_DBM", sta.status("rssi") if on else "N/A"]
    return out


def _system():
    import esp
    import machine
    from .server import uptime_ms
    ms = uptime_ms()
    up = "%dm " % (ms // 60000 % 60) + ("%dh " % (ms // 3600000 % 24) if ms >= 3600000 else "") + \
        ("%dd " % (ms // 86400000) if ms >= 86400000 else "")
    gc.collect()
    return ["PAGESTATS_CHIPID", int.from_bytes(machine.unique_id()[-4:], "big"),
            "PAGESTATS_CPUFREQ", "%dMHz" % (machine.freq() // 1000000),
            "PAGESTATS_FLASHSIZE", esp.flash_size(), "PAGESTATS_FREEMEM", gc.mem_free(),
            "PAGESTATS_SYSTEM_UPTIME", up]


def handle(req):
    portal = req.app
    if req.path == "/_ac/status":
        from .status import info
        return info(bool(portal.status_bits & _CAPTIVEPORTAL))
    from .page import Labels, page, rows   # not for the JSON status
    lbl = Labels(portal)
    # the rows: label names and values, in one list (the labels are read as they are
    # written), and nothing of this module's: it goes while the page is written
    if req.path == "/_ac/fail":
        a = portal.attempt
        reason = a[1] if a and isinstance(a[1], str) else "N/A"
        return page(portal, lbl, "PAGETITLE_CONNECTIONFAILED", "table",
                    {"rows": rows(lbl, ["PAGECONNECTIONFAILED_CONNECTIONFAILED", reason])},
                    "MENUTEXT_FAILED")
    full = req.path == "/_ac"
    flat = _wifi(portal, full) + (_system() if full else [])
    return page(portal, lbl, "PAGETITLE_STATISTICS", "table", {"rows": rows(lbl, flat)})
