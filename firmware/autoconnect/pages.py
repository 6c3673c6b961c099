"""The portal's built-in pages, rendered piece by piece from www/pages.html.

Loaded on demand. Labels come from www/labels.json, overridden by config.labels;
every value put into the HTML is escaped."""
import gc
import json

from . import (AC_CAPTIVEPORTAL, AC_MENUITEM_CONFIGNEW, AC_MENUITEM_DELETESSID,
               AC_MENUITEM_DEVINFO, AC_MENUITEM_DISCONNECT, AC_MENUITEM_HOME,
               AC_MENUITEM_OPENSSIDS, AC_MENUITEM_RESET, __version__)
from .portal import WWW
from .response import TEXT, Response, redirect

_HEAD = ('<!DOCTYPE html><html><head><meta charset="UTF-8"><meta name="viewport" '
         'content="width=device-width,initial-scale=1"><title>')
_BODY = '<link rel="stylesheet" href="/_ac/ac.css?v=%s"></head><body><div class="container">' % __version__
_FOOT = '</div><script src="/_ac/ac.js?v=%s"></script></body></html>' % __version__
_IP = "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$"
_PER_PAGE = 5


def esc(s):
    """s as HTML text or attribute value."""
    s = str(s)
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        if a in s:
            s = s.replace(a, b)
    return s


def text(b):
    """An SSID (bytes) as str, byte for byte when it is not UTF-8."""
    try:
        return str(b, "utf-8")
    except UnicodeError:
        return "".join(chr(c) for c in b)


def labels(portal):
    with open(WWW + "labels.json") as f:
        d = json.load(f)
    d.update(portal.config.labels or {})
    return d


def _fill(line, values, lbl):
    """One template line with {{key}} replaced: callables give pieces of HTML, other
    values are escaped; UPPER_CASE keys are labels."""
    i = 0
    while True:
        j = line.find("{{", i)
        if j < 0:
            yield line[i:] if i else line
            return
        k = line.find("}}", j)
        yield line[i:j]
        key = line[j + 2:k]
        v = values.get(key, lbl.get(key, ""))
        if callable(v):
            yield from v()
        else:
            yield esc(v)
        i = k + 2


def _section(name, values, lbl):
    with open(WWW + "pages.html") as f:
        inside = False
        for line in f:
            if line[:2] == "@@":
                if inside:
                    return
                inside = line[2:].strip() == name
            elif inside:
                yield from _fill(line, values, lbl)


def page(portal, title, section, values, brand=None, menu=True, extra=""):
    """A Response streaming a whole page: head, menu, the template section, scripts."""
    lbl = labels(portal)

    def gen():
        yield _HEAD
        yield esc(lbl.get(title, title))
        yield "</title>"
        yield extra
        yield _BODY
        if menu:
            yield from _menu(portal, lbl, brand)
        yield from _section(section, values, lbl)
        yield _FOOT
    return Response(gen())


def _menu(portal, lbl, brand):
    cfg = portal.config
    m = portal.menu_items()
    ssid = portal.sta.config("essid") if portal.sta.isconnected() else "N/A"
    item = '<li class="lb-item"><a href="%s">%s</a></li>'
    lab = lambda k: esc(lbl[k].replace("{{CUR_SSID}}", ssid))
    yield ('<header id="lb"><input type="checkbox" class="lb-cb" id="lb-cb"><div class="lb-menu">'
           '<ul class="lb-navigation"><li class="lb-header"><a href="%s" class="lb-brand">%s</a>'
           '<label class="lb-burger" for="lb-cb"><span></span></label></li>'
           % (esc(portal.boot_path()), esc(lbl.get(brand, cfg.title) if brand else cfg.title)))
    if m & AC_MENUITEM_CONFIGNEW:
        yield item % ("/_ac/config", lab("MENULABEL_CONFIGNEW"))
    if m & AC_MENUITEM_OPENSSIDS:
        yield item % ("/_ac/open", lab("MENULABEL_OPENSSIDS"))
    if m & AC_MENUITEM_DISCONNECT:
        yield ('<li class="lb-item"><form method="post" action="/_ac/disc"><button>%s</button>'
               '</form></li>' % lab("MENULABEL_DISCONNECT"))
    if m & AC_MENUITEM_RESET:
        yield '<li class="lb-item" id="reset"><a href="#rdlg">%s</a></li>' % lab("MENULABEL_RESET")
    for uri, title in portal.menu_pages():
        yield item % (esc(uri), esc(title))
    if m & AC_MENUITEM_HOME:
        yield item % (esc(cfg.home_uri or "/"), lab("MENULABEL_HOME"))
    if m & AC_MENUITEM_DEVINFO:
        yield item % ("/_ac", lab("MENULABEL_DEVINFO"))
    yield "</ul></div>"
    if m & AC_MENUITEM_RESET:
        yield ('<div class="lap" id="rdlg"><a href="#reset" class="overlap"></a><form method="post" '
               'action="/_ac/reset"><button class="modal_button">%s</button></form></div>'
               % esc(lbl["BUTTONLABEL_RESET"]))
    yield "</header>"


def _rows(rows):
    def gen():
        for k, v in rows:
            yield "<tr><td>%s</td><td>%s</td></tr>" % (esc(k), esc(v))
    return gen


def _mac(b):
    return ":".join("%02X" % x for x in b)


def _quality(rssi):
    return 0 if rssi <= -100 or rssi == 31 else 100 if rssi >= -50 else 2 * (rssi + 100)


def _wifi_rows(portal, lbl, full):
    sta, ap = portal.sta, portal.ap
    on = sta.isconnected()
    ipc = sta.ifconfig() if on else ("0.0.0.0",) * 4
    mode = ("AP_STA" if ap.active() else "STA") if sta.active() else ("AP" if ap.active() else "OFF")
    rows = [(lbl["PAGESTATS_ESTABLISHEDCONNECTION"], sta.config("essid") if on else "N/A"),
            (lbl["PAGESTATS_MODE"], "%s(%d)" % (mode, sta.status())),
            (lbl["PAGESTATS_IP"], ipc[0]), (lbl["PAGESTATS_GATEWAY"], ipc[2]),
            (lbl["PAGESTATS_SUBNETMASK"], ipc[1])]
    if full:
        rows += [(lbl["PAGESTATS_SOFTAPIP"], ap.ifconfig()[0] if ap.active() else "0.0.0.0"),
                 (lbl["PAGESTATS_APMAC"], _mac(ap.config("mac"))),
                 (lbl["PAGESTATS_STAMAC"], _mac(sta.config("mac")))]
    rows += [(lbl["PAGESTATS_CHANNEL"], sta.config("channel") if on else ap.config("channel")),
             (lbl["PAGESTATS_DBM"], sta.status("rssi") if on else "N/A")]
    return rows


def stat(portal, req):
    import esp
    import machine
    from .clock import uptime_ms
    lbl = labels(portal)
    rows = _wifi_rows(portal, lbl, True)
    ms = uptime_ms()
    up = "%dm " % (ms // 60000 % 60) + ("%dh " % (ms // 3600000 % 24) if ms >= 3600000 else "") + \
        ("%dd " % (ms // 86400000) if ms >= 86400000 else "")
    gc.collect()
    rows += [(lbl["PAGESTATS_CHIPID"], int.from_bytes(machine.unique_id()[-4:], "big")),
             (lbl["PAGESTATS_CPUFREQ"], "%dMHz" % (machine.freq() // 1000000)),
             (lbl["PAGESTATS_FLASHSIZE"], esp.flash_size()),
             (lbl["PAGESTATS_FREEMEM"], gc.mem_free()),
             (lbl["PAGESTATS_SYSTEM_UPTIME"], up)]
    return page(portal, "PAGETITLE_STATISTICS", "table", {"rows": _rows(rows)})


def success(portal, req):
    rows = _wifi_rows(portal, labels(portal), False)
    return page(portal, "PAGETITLE_STATISTICS", "table", {"rows": _rows(rows)})


def fail(portal, req):
    a = portal.attempt
    reason = a[1] if a and isinstance(a[1], str) else "N/A"
    rows = [(labels(portal)["PAGECONNECTIONFAILED_CONNECTIONFAILED"], reason)]
    return page(portal, "PAGETITLE_CONNECTIONFAILED", "table", {"rows": _rows(rows)},
                "MENUTEXT_FAILED")


async def config(portal, req):
    args = await req.form() if req.method == "POST" else req.args
    try:
        p = max(0, int(args.get("page", "")))
    except ValueError:
        p = None
    if p is None or portal.scan_cache is None:
        portal.rescan()
        p = 0
    scan = portal.scan_cache
    named = [s for s in scan if s[0]]
    lbl = labels(portal)

    def items():
        for ssid, _, ch, rssi, auth, _ in named[p * _PER_PAGE:(p + 1) * _PER_PAGE]:
            yield ('<input type="button" onclick="onFocus(this.getAttribute(\'value\'))" value="%s">'
                   '<label class="slist">%d&#037;&ensp;Ch.%d</label>%s<br>'
                   % (esc(text(ssid)), _quality(rssi), ch, '<span class="img-lock"></span>' if auth else ""))
        nav = '<button type="submit" name="page" value="%d" formaction="/_ac/config" formnovalidate>%s</button>&emsp;'
        if p:
            yield nav % (p - 1, esc(lbl["PAGECONFIG_PREVIOUS"]))
        if len(named) > (p + 1) * _PER_PAGE:
            yield nav % (p + 1, esc(lbl["PAGECONFIG_NEXT"]))

    def static():
        cfg = portal.config
        for key, name, val in (("PAGECONFIG_IPADDRESS", "sip", cfg.staip),
                               ("PAGECONFIG_GATEWAY", "gw", cfg.sta_gateway),
                               ("PAGECONFIG_NETMASK", "nm", cfg.sta_netmask),
                               ("PAGECONFIG_DNS1", "ns1", cfg.dns1), ("PAGECONFIG_DNS2", "ns2", cfg.dns2)):
            yield ('<li class="exp"><label for="%s">%s</label><input id="%s" type="text" name="%s" '
                   'value="%s" placeholder="0.0.0.0" pattern="%s"></li>'
                   % (name, esc(lbl[key]), name, name, esc(val), _IP))
    return page(portal, "PAGETITLE_CONFIG", "config",
                {"list": items, "static": static, "total": len(scan),
                 "hidden": len(scan) - len(named)})


def _ipv4(s):
    parts = s.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) < 256 for p in parts)


async def connect(portal, req):
    if req.method != "POST":
        return Response("Method Not Allowed", 405, {"Allow": "POST"}, TEXT)
    form = await req.form()
    cred = form.get("Credential")
    if cred is not None:
        entry = portal.credential().load(cred)
        if entry is None:
            return Response("Unknown credential", 400, None, TEXT)
    else:
        ssid = form.get("SSID", "")
        if not 0 < len(ssid.encode()) <= 32 or len(form.get("Passphrase", "").encode()) > 64:
            return Response("SSID must be 1 to 32 bytes, Passphrase at most 64", 400, None, TEXT)
        entry = {"ssid": ssid, "password": form.get("Passphrase", ""), "dhcp": "dhcp" in form}
        if not entry["dhcp"]:
            for name, key in (("sip", "ip"), ("gw", "gateway"), ("nm", "netmask"),
                              ("ns1", "dns1"), ("ns2", "dns2")):
                v = form.get(name) or "0.0.0.0"
                if not _ipv4(v):
                    return Response("Invalid IPv4 address: " + name, 400, None, TEXT)
                entry[key] = v
    portal.start_join(entry, cred is not None)
    return page(portal, "PAGETITLE_CONNECTING", "connect", {"ssid": entry["ssid"]},
                "MENUTEXT_CONNECTING")


async def result(portal, req):
    target = await portal.join_outcome()
    return redirect(portal.self_url(req) + target)


def open_ssids(portal, req):
    lbl = labels(portal)
    entries = portal.credential().items()
    scan = portal.rescan() if entries else []
    trash = portal.menu_items() & AC_MENUITEM_DELETESSID

    def items():
        if portal.del_failed:
            yield '<div class="err">%s %s</div>' % (esc(portal.del_failed), esc(lbl["TEXT_COULDNOTDELETED"]))
            portal.del_failed = None
        if not entries:
            yield "<p><b>%s</b></p>" % esc(lbl["TEXT_NOSAVEDCREDENTIALS"])
        for e in entries:
            hit = portal.match(e, scan)
            sig = "%d&#037;&ensp;Ch.%d" % (_quality(hit[3]), hit[2]) if hit else "N/A"
            yield ('<input id="sb" type="submit" name="Credential" value="%s"><label class="slist">%s'
                   '</label>%s%s<br>' % (esc(e["ssid"]), sig,
                                         '<a onclick="crdel(this.dataset.s)" data-s="%s" class="img-trash"></a>'
                                         % esc(e["ssid"]) if trash else "",
                                         '<span class="img-lock"></span>' if hit and hit[4] else ""))
    return page(portal, "PAGETITLE_CREDENTIALS", "open", {"list": items})


async def delete(portal, req):
    if req.method != "POST":
        return Response("Method Not Allowed", 405, {"Allow": "POST"}, TEXT)
    ssid = (await req.form()).get("del", "")
    if not portal.credential().delete(ssid):
        portal.del_failed = ssid
    return redirect(portal.self_url(req) + "/_ac/open")


def _confirm(portal, title, action, text_key, button_key, brand=None):
    lbl = labels(portal)
    return page(portal, title, "confirm", {"action": action, "text": lbl[text_key],
                                           "button": lbl[button_key]}, brand)


def disconnect(portal, req):
    if req.method != "POST":
        return _confirm(portal, "PAGETITLE_DISCONNECTED", "/_ac/disc", "TEXT_DISCONNECT",
                        "MENULABEL_DISCONNECT", "MENUTEXT_DISCONNECT")
    portal.start_disconnect()
    return page(portal, "PAGETITLE_DISCONNECTED", "empty", {}, "MENUTEXT_DISCONNECT")


def reset(portal, req):
    if req.method != "POST":
        return _confirm(portal, "PAGETITLE_RESETTING", "/_ac/reset", "TEXT_RESET",
                        "BUTTONLABEL_RESET")
    cfg = portal.config
    portal.start_reset()
    return page(portal, "PAGETITLE_RESETTING", "reset", {"uptime": cfg.uptime}, menu=False,
                extra='<meta http-equiv="refresh" content="%d;url=%s">'
                % (cfg.uptime, esc(portal.boot_url(req))))


def status(portal, req):
    from .status import info
    return info(bool(portal.portal_status() & AC_CAPTIVEPORTAL))
