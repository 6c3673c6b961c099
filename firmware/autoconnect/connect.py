"""Joining networks: saved credentials, the portal's choice, background retries, and
the disconnect and reset the portal's pages start. Loaded while a join runs."""
import asyncio
from time import ticks_diff, ticks_ms

import network
from micropython import const

from .scan import mac, match

_ESTABLISHED = const(0x01)
_AUTORECONNECT = const(0x02)
_CAPTIVEPORTAL = const(0x40)
_RSSI = const(1)
_SAVE_AUTO = const(1)
_SAVE_ALWAYS = const(2)


def _stat_name(code):
    for name in dir(network):
        if name.startswith("STAT_") and getattr(network, name) == code:
            return name
    return "STAT_UNKNOWN"


async def begin(portal, ssid, passphrase, timeout_ms):
    """AutoConnect's begin() before the portal: the given network, else the saved ones."""
    cfg = portal.config
    portal.sta.active(True)
    if not (cfg.preserve_ap_mode and not cfg.auto_rise):
        portal.ap.active(False)
    if cfg.host_name:
        network.hostname(cfg.host_name)
    if ssid is not None:
        return await join(portal, {"ssid": ssid, "password": passphrase or ""},
                          timeout_ms or cfg.begin_timeout)
    return not cfg.immediate_start and await first_join(portal)


def open_portal(portal):
    """Soft AP, then (unless on_detect says no) the DNS catch-all."""
    cfg = portal.config
    ap = portal.ap
    ap.active(True)
    ap.ifconfig((cfg.apip, cfg.netmask, cfg.gateway, cfg.gateway))
    ap.config(essid=cfg.apid, password=cfg.psk, channel=cfg.channel, hidden=bool(cfg.hidden),
              authmode=network.AUTH_WPA_WPA2_PSK if cfg.psk else network.AUTH_OPEN)
    hook = portal.hooks.get("detect")
    if hook and hook(cfg.apip) is False:
        return False
    from .dns import DNSServer
    portal.dns = DNSServer(cfg.apip)
    portal.dns.start()
    portal.status_bits |= _CAPTIVEPORTAL
    return True


def close_portal(portal):
    if portal.dns:
        portal.dns.stop()
        portal.dns = None
    portal.ap.active(False)
    portal.status_bits &= ~_CAPTIVEPORTAL
    portal.joined_at = None


def seek(portal, scan):
    """(entry, bssid) of the saved network to join, or None: RECENT takes the most
    recently connected in sight, RSSI the strongest."""
    from .credential import store
    best = None
    for entry in store(portal).items():
        hit = match(portal, entry, scan)
        if hit is None:
            continue
        if portal.config.principle != _RSSI:
            return entry, hit[1]
        if best is None or hit[3] > best[1][3]:
            best = (entry, hit)
    return best and (best[0], best[1][1])


async def join(portal, entry, timeout_ms, bssid=None):
    """Connect the station to entry ({"ssid", "password", static IP fields}); the
    outcome goes to portal.attempt; returns whether it connected."""
    cfg = portal.config
    sta = portal.sta
    a = portal.attempt
    if not (a and a[1] is None and a[0] == entry["ssid"]):
        a = portal.attempt = [entry["ssid"], None]
    if sta.isconnected():
        sta.disconnect()
    if entry.get("dhcp", True) is False:
        sta.ifconfig((entry["ip"], entry["netmask"], entry["gateway"], entry["dns1"]))
    elif cfg.staip != "0.0.0.0":
        sta.ifconfig((cfg.staip, cfg.sta_netmask, cfg.sta_gateway, cfg.dns1))
    elif not cfg.preserve_ip:
        sta.ifconfig("dhcp")
    sta.connect(entry["ssid"], entry.get("password", ""), bssid=bssid)
    t0 = ticks_ms()
    hook = portal.hooks.get("connecting")
    while True:
        st = sta.status()
        if st == network.STAT_GOT_IP:
            break
        late = ticks_diff(ticks_ms(), t0) > timeout_ms
        if st != network.STAT_CONNECTING or late or hook and hook(entry["ssid"]) is False:
            sta.disconnect()
            a[1] = "(%d) %s%s" % (st, _stat_name(st), ", timed out" if late else "")
            return False
        await asyncio.sleep_ms(100)
    portal.status_bits |= _ESTABLISHED
    a[1] = True
    hook = portal.hooks.get("connect")
    if hook:
        hook(sta.ifconfig()[0])
    return True


async def first_join(portal):
    """begin()'s first attempt: the most recently connected network (with
    AC_PRINCIPLE_RSSI, the strongest saved one in sight); then, with auto_reconnect,
    any saved network in sight."""
    cfg = portal.config
    try:
        import os
        os.remove(cfg.credential_file + ".nojoin")
        skip = True                                 # the user disconnected: portal first
    except OSError:
        skip = False
    ok = False
    if not skip and cfg.principle != _RSSI:
        from .credential import store
        entry = store(portal).load(0)
        ok = entry is not None and await join(portal, entry, cfg.begin_timeout)
    if not ok and (cfg.auto_reconnect or cfg.principle == _RSSI and not skip):
        ok = await rejoin(portal)
    return ok


async def rejoin(portal):
    """Scan, choose a saved network by the configured principle, join it."""
    try:
        scan = portal.sta.scan()
    except OSError:
        return False
    pick = seek(portal, scan)
    scan = None
    if pick is None:
        return False
    ok = await join(portal, pick[0], portal.config.begin_timeout, pick[1])
    if ok:
        portal.status_bits |= _AUTORECONNECT
    return ok


async def portal_join(portal, entry, stored):
    """The join a portal page asked for; saves the network as auto_save says (a saved
    network only becomes the most recent)."""
    try:
        await asyncio.sleep_ms(200)                 # let the "connecting" page go out first
        hit = match(portal, entry, portal.scan_cache or ())
        ok = await join(portal, entry, portal.config.begin_timeout, hit and hit[1])
        if ok and hit:
            entry["bssid"] = mac(hit[1])
        policy = portal.config.auto_save
        from .credential import store
        creds = store(portal)
        if stored:
            if ok:
                creds.touch(entry["ssid"], entry.get("bssid") or None)
        elif policy == _SAVE_ALWAYS or policy == _SAVE_AUTO and ok:
            creds.save(entry)
    finally:
        # a finished task still holds its coroutine, whose locals hold the credential
        # store and, through its functions, this module: let them go, however it ended
        if portal.join_task is asyncio.current_task():
            portal.join_task = None


def start_join(portal, entry, stored):
    if portal.join_task:
        portal.join_task.cancel()
    portal.attempt = [entry["ssid"], None]
    portal.join_task = asyncio.create_task(portal_join(portal, entry, stored))


async def outcome(portal):
    """The page a portal connection attempt leads to, once it has ended."""
    a = portal.attempt
    t0 = ticks_ms()
    while a and a[1] is None and ticks_diff(ticks_ms(), t0) < portal.config.begin_timeout + 5000:
        await asyncio.sleep_ms(100)
    if not a:
        return "/_ac"
    return "/_ac/success" if a[1] is True else "/_ac/result" if a[1] is None else "/_ac/fail"


async def disconnect(portal):
    await asyncio.sleep_ms(500)                     # the page goes out first
    portal.sta.disconnect()
    portal.status_bits &= ~_ESTABLISHED
    with open(portal.config.credential_file + ".nojoin", "w"):
        pass                                        # the next begin() opens the portal
    if portal.status_bits & _CAPTIVEPORTAL and not portal.config.retain_portal:
        close_portal(portal)
    if portal.config.auto_reset:
        await asyncio.sleep_ms(1000)
        import machine
        machine.reset()


async def reset(portal):
    await asyncio.sleep_ms(1000)
    close_portal(portal)
    import machine
    machine.reset()
