"""AutoConnect: AutoConnect's begin()/handleClient() logic as asyncio tasks.

begin() joins a saved network, else opens the soft AP with a DNS catch-all and
the portal pages until a network is configured, portal_timeout passes or
while_captive_portal() returns False. A supervisor task then keeps the board
connected: it retries saved networks (auto_reconnect), takes the soft AP down
ap_grace_ms after a connection (unless retain_portal) and raises it again when
the connection is lost (retain_portal with auto_rise)."""
import asyncio
from time import ticks_diff, ticks_ms

import network

from . import (AC_AUTH_NONE, AC_AUTHSCOPE_AC, AC_AUTHSCOPE_WITHCP, AC_AUTORECONNECT,
               AC_CAPTIVEPORTAL, AC_ESTABLISHED, AC_INTERRUPT, AC_MENUITEM_CONFIGNEW,
               AC_MENUITEM_DELETESSID, AC_MENUITEM_DISCONNECT, AC_MENUITEM_OPENSSIDS,
               AC_MENUITEM_RESET, AC_ONBOOTURI_HOME, AC_PRINCIPLE_RSSI,
               AC_SAVECREDENTIAL_ALWAYS, AC_SAVECREDENTIAL_AUTO, AC_TIMEOUT)
from .config import AutoConnectConfig
from .response import TEXT, Response
from .server import _GEN, WebServer

WWW = __file__.rsplit("/", 1)[0] + "/www/"
# URI: (menu items that enable it (0: always), protected by AC-scope auth, page function)
ROUTES = {
    "/_ac": (0, True, "stat"), "/_ac/config": (AC_MENUITEM_CONFIGNEW, True, "config"),
    "/_ac/connect": (AC_MENUITEM_CONFIGNEW | AC_MENUITEM_OPENSSIDS, True, "connect"),
    "/_ac/open": (AC_MENUITEM_OPENSSIDS, True, "open_ssids"),
    "/_ac/del": (AC_MENUITEM_DELETESSID, True, "delete"),
    "/_ac/disc": (AC_MENUITEM_DISCONNECT, True, "disconnect"),
    "/_ac/reset": (AC_MENUITEM_RESET, True, "reset"),
    "/_ac/result": (0, False, "result"), "/_ac/success": (0, False, "success"),
    "/_ac/fail": (0, False, "fail"), "/_ac/status": (0, True, "status"),
}
_TICK_MS = 500
_RETRY_MS = 30000


class AutoConnect:
    def __init__(self, config=None):
        self.config = config or AutoConnectConfig()
        self.server = WebServer()
        self.sta = network.WLAN(network.STA_IF)
        self.ap = network.WLAN(network.AP_IF)
        self.attempt = None     # [ssid, result]: result None while pending, True, or a reason
        self.scan_cache = None
        self.aux_pages = []
        self.del_failed = None
        self._join_task = None
        self._status = 0
        self._menu = self.config.menu_items
        self._dns = None
        self._hooks = {}
        self._task = None
        self._joined_at = None  # when the station connected while the portal was up
        self._seen = ticks_ms()  # last request to the portal
        self._retry = ticks_ms()
        self.server.not_found = self._not_found
        for path in ROUTES:
            self.server.on(path, self._page, ("GET", "POST"))
        self.server.static("/_ac/ac.css", WWW + "ac.css", "text/css", 604800)
        self.server.static("/_ac/ac.js", WWW + "ac.js", "text/javascript", 604800)

    # --- AutoConnect's API ---

    def on_detect(self, fn):
        """fn(softap_ip) before the portal starts; returning False skips DNS and the portal."""
        self._hooks["detect"] = fn

    def on_connect(self, fn):
        """fn(ip) once the station has connected."""
        self._hooks["connect"] = fn

    def while_captive_portal(self, fn):
        """fn() repeatedly while begin() waits in the portal; False ends the wait."""
        self._hooks["portal"] = fn

    def while_connecting(self, fn):
        """fn(ssid) repeatedly while a connection is attempted; False abandons it."""
        self._hooks["connecting"] = fn

    def on_not_found(self, fn):
        """fn(request) for requests nothing else claims."""
        self._hooks["not_found"] = fn

    def enable_menu(self, items):
        self._menu |= items

    def disable_menu(self, items):
        self._menu &= ~items

    def menu_items(self):
        return self._menu

    def portal_status(self):
        """AC_ESTABLISHED, AC_AUTORECONNECT, AC_TIMEOUT, AC_INTERRUPT, AC_CAPTIVEPORTAL,
        AC_INPROGRESS bits."""
        return self._status

    def is_portal_available(self):
        return bool(self._status & AC_CAPTIVEPORTAL)

    def credential(self):
        """The credential store (AutoConnectCredential) this portal uses."""
        from .credential import AutoConnectCredential
        return AutoConnectCredential(self.config.credential_file, self.config.max_credentials)

    def begin(self, ssid=None, passphrase=None, timeout_ms=None):
        """AutoConnect's begin(): blocks until connected, or until the portal times out or
        is interrupted; returns whether the station is connected."""
        return asyncio.run(self.begin_async(ssid, passphrase, timeout_ms))

    def handle_client(self):
        """Serve pending requests and run the portal's housekeeping for a moment."""
        asyncio.run(_pause())

    async def serve(self):
        """begin() and then keep serving, as asyncio tasks beside the application's."""
        await self.begin_async()
        while True:
            await asyncio.sleep(3600)

    def end(self):
        """Stop the portal, the web server and the housekeeping; free what they hold."""
        if self._task:
            self._task.cancel()
            self._task = None
        self._close_portal()
        self.server.stop()

    async def begin_async(self, ssid=None, passphrase=None, timeout_ms=None):
        cfg = self.config
        self.sta.active(True)
        if not (cfg.preserve_ap_mode and not cfg.auto_rise):
            self.ap.active(False)
        if cfg.host_name:
            network.hostname(cfg.host_name)
        if self.server._sock is None:
            await self.server.start()
        ok = False
        if ssid is not None:
            ok = await self.join({"ssid": ssid, "password": passphrase or ""},
                                 timeout_ms or cfg.begin_timeout)
        elif not cfg.immediate_start:
            ok = await self._first_join()
            if not ok and cfg.auto_reconnect:
                ok = await self._rejoin()
        if not ok and cfg.auto_rise:
            ok = await self._portal_wait()
        if self._task is None:
            self._task = asyncio.create_task(self._supervise())
        return ok

    # --- joining networks ---

    async def _first_join(self):
        """The first attempt: the most recently connected network (or, with
        AC_PRINCIPLE_RSSI, the strongest saved one in sight)."""
        if self.config.principle == AC_PRINCIPLE_RSSI:
            return await self._rejoin()
        try:
            import os
            os.remove(self.config.credential_file + ".nojoin")
            return False                            # the user disconnected: portal first
        except OSError:
            pass
        entry = self.credential().load(0)
        return entry is not None and await self.join(entry, self.config.begin_timeout)

    async def _rejoin(self):
        """Scan, choose a saved network by the configured principle, join it."""
        try:
            scan = self.sta.scan()
        except OSError:
            return False
        pick = self.seek(scan)
        if pick is None:
            return False
        ok = await self.join(pick[0], self.config.begin_timeout, pick[1])
        if ok:
            self._status |= AC_AUTORECONNECT
        return ok

    def match(self, entry, scan):
        """The scan result (ssid, bssid, channel, rssi, security, hidden) a saved entry
        matches: its BSSID, else the strongest with its SSID, at or above min_rssi."""
        hit = None
        name = entry["ssid"].encode()
        for ap in scan:
            if ap[3] < self.config.min_rssi:
                continue
            if _mac(ap[1]) == entry.get("bssid"):
                return ap
            if ap[0] == name and (hit is None or ap[3] > hit[3]):
                hit = ap
        return hit

    def seek(self, scan):
        """(entry, bssid) of the saved network to join, or None: RECENT takes the most
        recently connected in sight, RSSI the strongest."""
        best = None
        for entry in self.credential().items():
            hit = self.match(entry, scan)
            if hit is None:
                continue
            if self.config.principle != AC_PRINCIPLE_RSSI:
                return entry, hit[1]
            if best is None or hit[3] > best[1][3]:
                best = (entry, hit)
        return best and (best[0], best[1][1])

    def rescan(self):
        """Scan for networks (kept in scan_cache for paging and matching)."""
        try:
            self.scan_cache = self.sta.scan()
        except OSError:
            self.scan_cache = []
        return self.scan_cache

    async def join(self, entry, timeout_ms, bssid=None):
        """Connect the station to entry ({"ssid", "password", static IP fields});
        records the outcome in self.attempt and returns whether it connected."""
        cfg = self.config
        sta = self.sta
        if not (self.attempt and self.attempt[1] is None and self.attempt[0] == entry["ssid"]):
            self.attempt = [entry["ssid"], None]
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
        hook = self._hooks.get("connecting")
        a = self.attempt
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
        self._status |= AC_ESTABLISHED
        a[1] = True
        hook = self._hooks.get("connect")
        if hook:
            hook(sta.ifconfig()[0])
        return True

    # --- what the portal pages start ---

    def start_join(self, entry, stored):
        """Join a network chosen in the portal, in the background; saves it as
        auto_save says (a stored entry only becomes the most recent)."""
        if self._join_task:
            self._join_task.cancel()
        self.attempt = [entry["ssid"], None]
        self._join_task = asyncio.create_task(self._portal_join(entry, stored))

    async def _portal_join(self, entry, stored):
        await asyncio.sleep_ms(200)                 # let the "connecting" page go out first
        hit = self.match(entry, self.scan_cache or ())
        ok = await self.join(entry, self.config.begin_timeout, hit and hit[1])
        if ok and hit:
            entry["bssid"] = _mac(hit[1])
        policy = self.config.auto_save
        store = self.credential()
        if stored:
            if ok:
                store.touch(entry["ssid"], entry.get("bssid") or None)
        elif policy == AC_SAVECREDENTIAL_ALWAYS or policy == AC_SAVECREDENTIAL_AUTO and ok:
            store.save(entry)

    async def join_outcome(self):
        """The page a portal connection attempt leads to, once it has ended."""
        a = self.attempt
        t0 = ticks_ms()
        while a and a[1] is None and ticks_diff(ticks_ms(), t0) < self.config.begin_timeout + 5000:
            await asyncio.sleep_ms(100)
        if not a:
            return "/_ac"
        return "/_ac/success" if a[1] is True else "/_ac/result" if a[1] is None else "/_ac/fail"

    def start_disconnect(self):
        asyncio.create_task(self._disconnect())

    async def _disconnect(self):
        await asyncio.sleep_ms(500)
        self.sta.disconnect()
        self._status &= ~AC_ESTABLISHED
        with open(self.config.credential_file + ".nojoin", "w"):
            pass                                    # the next begin() starts with the portal
        if self.is_portal_available() and not self.config.retain_portal:
            self._close_portal()
        if self.config.auto_reset:
            await asyncio.sleep_ms(1000)
            import machine
            machine.reset()

    def start_reset(self):
        asyncio.create_task(self._reset())

    async def _reset(self):
        await asyncio.sleep_ms(1000)
        self._close_portal()
        import machine
        machine.reset()

    def menu_pages(self):
        """(uri, title) of the joined pages shown in the menu, in join order."""
        return [(p.uri, p.title) for p in self.aux_pages if p.menu]

    # --- the portal ---

    def _open_portal(self):
        cfg = self.config
        self.ap.active(True)
        self.ap.ifconfig((cfg.apip, cfg.netmask, cfg.gateway, cfg.gateway))
        self.ap.config(essid=cfg.apid, password=cfg.psk, channel=cfg.channel,
                       hidden=bool(cfg.hidden),
                       authmode=network.AUTH_WPA_WPA2_PSK if cfg.psk else network.AUTH_OPEN)
        hook = self._hooks.get("detect")
        if hook and hook(cfg.apip) is False:
            return False
        from .dns import DNSServer
        self._dns = DNSServer(cfg.apip)
        self._dns.start()
        self._status |= AC_CAPTIVEPORTAL
        return True

    def _close_portal(self):
        if self._dns:
            self._dns.stop()
            self._dns = None
        self.ap.active(False)
        self._status &= ~AC_CAPTIVEPORTAL
        self._joined_at = None

    async def _portal_wait(self):
        """begin()'s portal loop: until connected, timed out or interrupted."""
        cfg = self.config
        if not self._open_portal():
            return False
        t0 = ticks_ms()
        hook = self._hooks.get("portal")
        while not self.sta.isconnected():
            if hook and hook() is False:
                self._status |= AC_INTERRUPT
                break
            now = ticks_ms()
            if self.ap.isconnected() or ticks_diff(self._seen, t0) > 0:
                t0 = now                    # the timeout counts only while nobody is there
            if cfg.portal_timeout and ticks_diff(now, t0) > cfg.portal_timeout:
                self._status |= AC_TIMEOUT
                break
            await asyncio.sleep_ms(100)
        else:
            return True
        if not cfg.retain_portal:
            self._close_portal()
        return False

    async def _supervise(self):
        while True:
            await asyncio.sleep_ms(_TICK_MS)
            try:
                await self._housekeeping()
            except Exception as e:          # keep supervising whatever a hook does
                import sys
                sys.print_exception(e)

    async def _housekeeping(self):
        cfg = self.config
        now = ticks_ms()
        if self.sta.isconnected():
            self._status |= AC_ESTABLISHED
            if self._status & AC_CAPTIVEPORTAL and not cfg.retain_portal:
                if self._joined_at is None:
                    self._joined_at = now
                elif ticks_diff(now, self._joined_at) > cfg.ap_grace_ms:
                    self._close_portal()
            return
        self._status &= ~AC_ESTABLISHED
        self._joined_at = None
        if self.attempt and self.attempt[1] is None:
            return
        if cfg.retain_portal and cfg.auto_rise and not self._status & AC_CAPTIVEPORTAL:
            self._open_portal()
        busy = self.ap.isconnected() and ticks_diff(now, self._seen) < 60000
        if cfg.auto_reconnect and not busy and ticks_diff(now, self._retry) >= _RETRY_MS * max(
                1, cfg.reconnect_interval):
            self._retry = now
            await self._rejoin()

    # --- requests ---

    def via_ap(self, req):
        """Whether a request came through the soft AP (always, while the station is down)."""
        if not self.sta.isconnected():
            return True
        host = req.headers.get("host", "").split(":")[0]
        return host == self.config.apip or host.endswith(".local") or \
            req.peer and _peer_ip(req.peer).startswith(self.config.apip.rsplit(".", 1)[0] + ".")

    def authorized(self, req, scope=AC_AUTHSCOPE_AC):
        """Whether req may see a page under the configured authentication scope."""
        cfg = self.config
        if cfg.auth == AC_AUTH_NONE or not cfg.auth_scope & scope:
            return True
        if not cfg.auth_scope & AC_AUTHSCOPE_WITHCP and self.via_ap(req):
            return True
        from .auth import check_basic
        return check_basic(req, cfg.username or cfg.apid, cfg.password or cfg.psk)

    def self_url(self, req):
        """http://<the address the client connected to>: the Host when it is an address,
        else the soft AP's (as clients reach it)."""
        host = req.headers.get("host", "")
        if not _is_name(host) or host.split(":")[0].endswith(".local"):
            return "http://" + host
        import socket
        ip = self.config.apip if self.ap.active() or not self.sta.isconnected() \
            else self.sta.ifconfig()[0]
        return "http://" + _addr_text(socket.getaddrinfo(ip, 80)[0][-1])

    async def _page(self, req):
        self._seen = ticks_ms()
        gate, protected, name = ROUTES[req.path]
        if gate and not self._menu & gate or gate == AC_MENUITEM_DELETESSID and not \
                self._menu & AC_MENUITEM_OPENSSIDS:
            return Response("Not found", 404, None, TEXT)
        if protected and not self.authorized(req):
            from .auth import challenge
            return challenge("AUTOCONNECT")
        if req.method == "POST" and not same_origin(req):
            return Response("Forbidden: cross-site request", 403, None, TEXT)
        from . import pages
        res = getattr(pages, name)(self, req)
        return await res if type(res) is _GEN else res

    def _not_found(self, req):
        if self._status & AC_CAPTIVEPORTAL and _is_name(req.headers.get("host", "")):
            self._seen = ticks_ms()
            from .captive import answer
            return answer(self, req)
        hook = self._hooks.get("not_found")
        if hook:
            return hook(req)
        return Response("404 Not found", 404, {"Cache-Control": "no-cache, no-store, must-revalidate",
                                               "Pragma": "no-cache", "Expires": "-1"}, TEXT)

    def boot_path(self):
        cfg = self.config
        return (cfg.home_uri or "/") if cfg.boot_uri == AC_ONBOOTURI_HOME else "/_ac"

    def boot_url(self, req):
        return self.self_url(req) + self.boot_path()


async def _pause():
    await asyncio.sleep_ms(10)


def same_origin(req):
    """False for a request whose Origin names another host:port than its Host (or null)."""
    origin = req.headers.get("origin")
    if origin is None:
        return True
    return origin.split("://", 1)[-1].rstrip("/") == req.headers.get("host", "")


def _is_name(host):
    """Whether a Host header holds a name (not an IP literal, with or without a port)."""
    h = host.split(":")[0] if host[:1] != "[" else ""
    return bool(h) and not h.replace(".", "").isdigit()


def _mac(b):
    return ":".join("%02x" % x for x in b)


def _peer_ip(peer):
    return peer[0] if isinstance(peer, tuple) else "%d.%d.%d.%d" % tuple(peer[4:8])


def _addr_text(addr):
    """host[:port] of a socket address (a tuple on boards, sockaddr bytes on unix)."""
    if isinstance(addr, tuple):
        ip, port = addr[0], addr[1]
    else:
        ip, port = _peer_ip(addr), addr[2] << 8 | addr[3]
    return ip if port == 80 else "%s:%d" % (ip, port)


def _stat_name(code):
    for name in dir(network):
        if name.startswith("STAT_") and getattr(network, name) == code:
            return name
    return "STAT_UNKNOWN"
