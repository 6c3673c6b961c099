"""AutoConnectUpdate: the board pulls an update from an update server. attach(portal)
adds AutoConnect's pages (/_ac/update lists the catalog, /_ac/update_act shows the
progress, /_ac/update_result the outcome, /_ac/update_progress the polling protocol)
and the "Update" menu item while the station is connected. For programs: check(),
update(name) and auto(minutes)."""
import asyncio

from .ota import OTAError, Updater

# one statement each, and lists, not constant tuples (in a .mpy, an object per item)
IDLE = 0
PROGRESS = 1
SUCCESS = 2
NOAVAIL = 3
FAIL = 4
RESET = 5


class AutoConnectUpdate(Updater):
    def __init__(self, host="", port=8000, uri=".", timeout_ms=8000):
        super().__init__()
        self.host, self.port, self.uri, self.timeout_ms = host, port, uri, timeout_ms
        self.state = IDLE
        self.bin = None             # the file picked in the catalog
        self.amount = self.size = 0
        self.result = None          # why the last update failed
        self.ended = None           # how it ended (NOAVAIL, FAIL), once #e told the page
        self.sketch = None          # (size, MD5) of the running application
        self.portal = None
        self.buf = bytearray(1024)  # the downloads' one buffer
        self._auto = None

    def attach(self, portal):
        """Serve AutoConnect's update pages on the portal."""
        if portal.config.ota:
            raise ValueError("AC_OTA_BUILTIN and AutoConnectUpdate both own /_ac/update")
        self.portal = portal
        portal.update = self
        on, pull, get_post = portal.server.on, "autoconnect.page_pull", ["GET", "POST"]
        on("/_ac/update", "autoconnect.page_catalog", get_post)
        on("/_ac/update_act", pull, get_post)
        on("/_ac/update_progress", pull,           # the progress protocol: every method
           ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
        on("/_ac/update_result", pull, get_post)
        import hashlib
        from . import warm_up
        warm_up("page_catalog catalog page_pull pull_job bundle" +
                ("" if hasattr(hashlib, "md5") else " md5"))
        return self

    def types(self):
        """The catalog entry types this board can install."""
        from .sysinfo import chip
        return ["bin", "bundle"] if chip() == "esp32" else ["bundle"]

    def progress(self, amount, size):
        self.amount, self.size = amount, size
        self.fire("progress", amount, size)
        if self.wdt:
            self.wdt.feed()

    async def catalog(self):
        """A Catalog reading the server's list (entry() gives the next one); raises
        OTAError with AutoConnect's texts when the server cannot be asked."""
        from .catalog import Catalog
        from .httpc import get
        from .urlenc import quote
        c = await get(self.host, self.port, "/_catalog?op=list&path=" + quote(self.uri),
                      (("User-Agent", "AutoConnect"),), self.buf, self.timeout_ms)
        if c.status != 200:
            why = bytes(await c.chunk())[:80]
            c.close()
            raise OTAError("Update server responds (%d):%s" % (c.status, str(why, "utf-8")))
        return Catalog(c, self.types())

    async def check(self, limit=16):
        """The installable entries of the catalog (dicts: name, type, date, time, size)."""
        cat = await self.catalog()
        out = []
        try:
            while len(out) < limit:
                e = await cat.entry()
                if e is None:
                    break
                out.append(e)
        finally:
            cat.c.close()
        return out

    async def run(self, name, version=None):
        """Download name and put it in place; returns the new version, or None when
        there is no update. Failures set state FAIL and result, and raise OTAError."""
        from .ota_job import BUSY
        from .pull_job import download
        if Updater.busy:
            raise OTAError(BUSY)
        Updater.busy = True
        self.state, self.amount, self.size, self.result = PROGRESS, 0, 0, None
        self.fire("start")
        try:
            got = await download(self, name, version)
        except Exception as e:
            self.state, self.result = FAIL, str(e) if isinstance(e, OTAError) else repr(e)
            self.fire("error", self.result)
            raise OTAError(self.result)
        finally:
            Updater.busy = False
        if got is None:
            self.state = NOAVAIL
            return None
        self.state = SUCCESS
        self.fire("end")
        return got

    async def update(self, name, version=None):
        """run(), then reboot into the new version (unless reboot_on_update is False)."""
        got = await self.run(name, version)
        if got is not None and self.reboot_on_update:
            self.reboot()
        return got

    def reboot(self):
        from .ota_job import reboot
        self.state = RESET
        asyncio.create_task(reboot())

    def auto(self, minutes):
        """Every `minutes`, ask the server for the newest installable entry with the
        running version and install it when it is newer (0 stops)."""
        if self._auto:
            self._auto.cancel()
            self._auto = None
        if minutes:
            self._auto = asyncio.create_task(self._poll(int(minutes * 60000)))

    async def _poll(self, period_ms):
        from . import sysinfo
        while True:
            await asyncio.sleep_ms(period_ms)
            if self.state in (PROGRESS, SUCCESS, RESET):
                continue
            try:
                newest = None
                for e in await self.check(64):
                    if newest is None or _when(e) > _when(newest):
                        newest = e
                if newest is not None:
                    await self.update(newest["name"], sysinfo.app_version() or "0")
            except OTAError as e:
                print("auto update:", e)


def _when(e):
    """An entry's date and time (MM/DD/YY HH:MM:SS) in sortable order."""
    d = str(e.get("date", ""))
    return ("19" if d[6:8] >= "70" else "20") + d[6:8] + d[0:2] + d[3:5] + str(e.get("time", ""))
