"""AutoConnect: AutoConnect's begin()/handleClient() logic as asyncio tasks.

begin() joins a saved network, else opens the soft AP with a DNS catch-all and
the portal pages until a network is configured, portal_timeout passes or
while_captive_portal() returns False. A supervisor task then keeps the board
connected: it retries saved networks (auto_reconnect), takes the soft AP down
ap_grace_ms after a connection (unless retain_portal) and raises it again when
the connection is lost (retain_portal with auto_rise). Only this dispatcher stays
in memory: joining (connect.py) and the pages (page_*.py) load for the job."""
import asyncio
import sys
from time import ticks_diff, ticks_ms

import network
from micropython import const

from . import api, unload, warm_aux, warm_up
from .config import AutoConnectConfig
from .response import TEXT, Response
from .server import _GEN, WebServer

_ESTABLISHED = const(0x01)
_TIMEOUT = const(0x04)
_INTERRUPT = const(0x08)
_CAPTIVEPORTAL = const(0x40)
_SCOPE_AC = const(0x0004)
_OPENSSIDS = const(0x02)
_DELETESSID = const(0x80)
_TICK_MS = const(500)
_RETRY_MS = const(30000)
_BUSY_MS = const(60000)

WWW = __file__.rsplit("/", 1)[0] + "/www/"
# The portal's URIs: "|<uri> <module serving it> <gate>", the gate being the menu items
# that enable the URI (0: always) + 0x100 when protected under the AC scope, 0x200
# under any scope (AutoConnect gives its update page the portal's own auth); "-": none.
# One string, not dicts and routes: those cost a 64 KB heap about 2 KB.
_TABLE = ("|/_ac page_stat 100|/_ac/config page_config 101|/_ac/connect page_join 103"
          "|/_ac/open page_saved 102|/_ac/del page_saved 180|/_ac/disc page_leave 104"
          "|/_ac/reset page_leave 108|/_ac/status page_stat 100|/_ac/result page_join 0"
          "|/_ac/success page_stat 0|/_ac/fail page_stat 0|/_ac/rollback page_rollback 100"
          "|/_ac/update page_update 200|/_ac/update_act page_update 200"
          "|/_ac/update_progress - 200|/_ac/update_result - 200|/_ac/worker aux_post -"
          "|/_ac/ac.css static -|/_ac/ac.js static -|")
_GET_POST = ("GET", "POST")
_AUX_PAGE = "autoconnect.aux_page"


def _entry(path):
    """[module, gate] of a portal URI, or None."""
    if " " in path or "|" in path:
        return None
    i = _TABLE.find("|%s " % path)
    return None if i < 0 else _TABLE[i + len(path) + 2:_TABLE.find("|", i + 1)].split()


class AutoConnect:
    def __init__(self, config=None):
        self.config = config or AutoConnectConfig()
        self.server = s = WebServer()
        self.sta = network.WLAN(network.STA_IF)
        self.ap = network.WLAN(network.AP_IF)
        self.status_bits = 0
        self.hooks = {}
        self.attempt = None     # [ssid, result]: result None while pending, True, or a reason
        self.scan_cache = None
        self.join_task = None
        self.del_failed = None
        self.aux_pages = []
        self.where_uri = ""
        self.dns = None
        self.joined_at = None   # when the station connected while the portal was up
        self.seen = self.retry = ticks_ms()
        self._menu = self.config.menu_items
        self._task = None
        self.ota = None         # the built-in update page's Updater (config.ota)
        self.update = None      # an attached AutoConnectUpdate
        self._attach_ota()
        if self.config.ota:
            warm_up("page_update ota_job")
        s.app = self
        s.before = self._check
        s.not_found = self._not_found
        s.route = self._route

    # --- AutoConnect's API (the rest is in portal_api.py) ---

    def __getattr__(self, name):
        # on_detect(), portal_status(), end()...: from portal_api.py, for the call
        return api(self, name, "portal_api")

    def menu_items(self):
        return self._menu

    def aux(self, uri):
        """The joined page at uri, or None."""
        for p in self.aux_pages:
            if p.uri == uri:
                return p
        return None

    def join(self, pages):
        """Add custom pages (an AutoConnectAux or a list) to the portal and its menu."""
        warm_aux()                          # what serves custom pages, once
        for aux in pages if isinstance(pages, (list, tuple)) else (pages,):
            if not aux.uri.startswith("/") or aux.uri.startswith("/_ac"):
                raise ValueError("page '%s': uri must start with / and not be under /_ac" % aux.uri)
            self.aux_pages = [p for p in self.aux_pages if p.uri != aux.uri]
            aux.portal = self
            self.aux_pages.append(aux)
            route = self.server.routes.get(aux.uri)
            if route is None or route[0] == _AUX_PAGE:
                self.server.on(aux.uri, _AUX_PAGE, _GET_POST)
            # else the application's own handler (e.g. HTTPUpdateServer) keeps the URI
            # and the page only adds its menu item, as in AutoConnect's WebUpdate example
            if aux.persist:
                try:
                    aux.load_element(aux.persist)
                except ValueError:
                    pass                    # nothing kept yet

    def on(self, uri, fn, order=1):
        """Register fn(aux, args) -> str on the joined page at uri (see AutoConnectAux.on)."""
        page = self.aux(uri)
        if page is None:
            raise ValueError("no page joined at %s" % uri)
        page.on(fn, order)

    def load(self, src):
        """Join pages from AutoConnect's JSON: one page or an array (text or a file). Every
        good page is joined; then one ValueError names every problem of the others."""
        from .aux import json_job
        json_job("load_pages", self, src)

    def _attach_ota(self):
        if self.config.ota and self.ota is None:
            if self.update:
                raise ValueError("AC_OTA_BUILTIN and AutoConnectUpdate both own /_ac/update")
            from .ota import Updater
            self.ota = Updater()

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

    async def begin_async(self, ssid=None, passphrase=None, timeout_ms=None):
        self._attach_ota()
        if self.server._sock is None:
            await self.server.start()
        ok = await self._job("begin", ssid, passphrase, timeout_ms)
        if self._task is None:              # retries run during the portal wait too
            self._task = asyncio.create_task(self._supervise())
        if not ok and self.config.auto_rise:
            ok = await self._portal_wait()
        return ok

    async def _job(self, name, *args):
        """Run a function of connect.py (loaded for the job, unloaded after it)."""
        from . import connect
        res = getattr(connect, name)(self, *args)
        if type(res) is _GEN:
            res = await res  # type: ignore[misc]  # mypy takes _GEN for None
        unload(".connect", ".scan", ".credential", ".cred_file", ".dns")
        return res

    async def _portal_wait(self):
        """begin()'s portal loop: until connected, timed out or interrupted."""
        cfg = self.config
        if not await self._job("open_portal"):
            return False
        t0 = ticks_ms()
        hook = self.hooks.get("portal")
        while not self.sta.isconnected():
            if hook and hook() is False:
                self.status_bits |= _INTERRUPT
                break
            if cfg.portal_timeout:          # it counts only while nobody is there
                now = ticks_ms()
                if ticks_diff(self.seen, t0) > 0 or self.ap.isconnected():
                    t0 = now
                if ticks_diff(now, t0) > cfg.portal_timeout:
                    self.status_bits |= _TIMEOUT
                    break
            await asyncio.sleep_ms(100)
        else:
            return True
        if not cfg.retain_portal:
            await self._job("close_portal")
        return False

    # --- housekeeping ---

    async def _supervise(self):
        had = "autoconnect.ota" in sys.modules
        from .ota import confirm
        confirm()                           # running and serving: keep this image
        if not had:                         # loaded for this alone: not kept
            unload(".ota", force=True)
        while True:
            await asyncio.sleep_ms(_TICK_MS)
            try:
                job = self._due()
                if job:
                    await self._job(job)
            except Exception as e:          # keep supervising whatever a hook does
                sys.print_exception(e)

    def _due(self):
        """The connect.py job due now, if any."""
        cfg = self.config
        now = ticks_ms()
        if self.sta.isconnected():
            self.status_bits |= _ESTABLISHED
            if self.status_bits & _CAPTIVEPORTAL and not cfg.retain_portal:
                if self.joined_at is None:
                    self.joined_at = now
                elif ticks_diff(now, self.joined_at) > cfg.ap_grace_ms:
                    return "close_portal"
            return None
        self.status_bits &= ~_ESTABLISHED
        self.joined_at = None
        if self.attempt and self.attempt[1] is None:
            return None
        if cfg.retain_portal and cfg.auto_rise and not self.status_bits & _CAPTIVEPORTAL:
            return "open_portal"
        if cfg.auto_reconnect and \
                ticks_diff(now, self.retry) >= _RETRY_MS * max(1, cfg.reconnect_interval) and \
                not (ticks_diff(now, self.seen) < _BUSY_MS and self.ap.isconnected()):
            # not while a phone on the soft AP uses the portal (asked only when a retry is
            # due: the interface is not polled every tick)
            self.retry = now
            return "rejoin"
        return None

    # --- requests ---

    def boot_path(self):
        cfg = self.config
        return (cfg.home_uri or "/") if cfg.boot_uri else "/_ac"

    def _route(self, path):
        """The server's route for path: the application's, else the portal's page."""
        r = self.server.routes.get(path)
        if r is None:
            e = _entry(path)
            if e and e[0] != "-":
                r = ("autoconnect." + e[0], _GET_POST)
        return r

    def _check(self, req):
        """The portal's rules before its own pages: disabled menu items are 404,
        protected pages need authentication, cross-site POSTs are refused."""
        e = _entry(req.path)
        if e is None or e[1] == "-":
            return None
        gate = int(e[1], 16)
        self.seen = ticks_ms()
        items = gate & 0xFF
        if items and not self._menu & items or items == _DELETESSID and not self._menu & _OPENSSIDS:
            return Response("Not found", 404, None, TEXT)
        if gate & 0x300 and self.config.auth:
            from .auth_portal import portal_allows
            if not portal_allows(self, req, 0x0007 if gate & 0x200 else _SCOPE_AC):
                from .auth import challenge
                return challenge("AUTOCONNECT")
        if req.method == "POST" and self.cross_site(req):
            return Response("Forbidden: cross-site request", 403, None, TEXT)
        return None

    def cross_site(self, req):
        """Whether req carries an Origin of another host:port than its Host (or null)."""
        origin = req.headers.get("origin")
        return origin is not None and \
            origin.split("://", 1)[-1].rstrip("/") != req.headers.get("host", "")

    def _not_found(self, req):
        if self.status_bits & _CAPTIVEPORTAL:
            from .captive import answer
            res = answer(self, req)
            unload(".captive")
            if res:
                self.seen = ticks_ms()
                return res
        hook = self.hooks.get("not_found")
        if hook:
            return hook(req)
        return Response("404 Not found", 404, {"Cache-Control": "no-cache, no-store, must-revalidate",
                                               "Pragma": "no-cache", "Expires": "-1"}, TEXT)


async def _pause():
    await asyncio.sleep_ms(10)
