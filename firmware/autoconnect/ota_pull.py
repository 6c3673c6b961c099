"""AutoConnectUpdate: the board pulls an update from an update server. attach(portal)
adds AutoConnect's pages (/_ac/update lists the catalog, /_ac/update_act shows the
progress, /_ac/update_result the outcome, /_ac/update_progress the polling protocol)
and the "Update" menu item while the station is connected. For programs: check(),
update(name) and auto(minutes)."""
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
        self.buf = bytearray(1024)  # the downloads' one buffer
        self._auto = None

    def attach(self, portal):
        """Serve AutoConnect's update pages on the portal."""
        if portal.config.ota:
            raise ValueError("AC_OTA_BUILTIN and AutoConnectUpdate both own /_ac/update")
        portal.update = self
        on, pull, get_post = portal.server.on, "autoconnect.page_pull", ["GET", "POST"]
        on("/_ac/update", "autoconnect.page_catalog", get_post)
        on("/_ac/update_act", pull, get_post)
        on("/_ac/update_progress", pull,           # the progress protocol: every method
           ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
        on("/_ac/update_result", pull, get_post)
        import hashlib
        from . import warm_up
        warm_up("page_catalog catalog page_pull pull_api pull_job bundle" +
                ("" if hasattr(hashlib, "md5") else " md5"))
        return self

    def types(self):
        """The catalog entry types this board can install."""
        from os import uname
        return ["bin", "bundle"] if uname()[0] == "esp32" else ["bundle"]

    def __getattr__(self, name):
        # check(), update(), run(), auto(), reboot(): from pull_api.py, for the call;
        # the on_*() setters: Updater's
        from . import api
        try:
            return api(self, name, "pull_api")
        except AttributeError:
            return Updater.__getattr__(self, name)

    def progress(self, amount, size):
        self.amount, self.size = amount, size
        self.fire("progress", amount, size)
        if self.wdt:
            self.wdt.feed()

    async def catalog(self):
        """A Catalog reading the server's list (entry() gives the next one); raises
        OTAError with AutoConnect's texts when the server cannot be asked."""
        from .httpc import get
        path = self.uri
        if path != ".":                     # AutoConnect's default needs no escapes
            from .urlenc import quote
            path = quote(path)
        c = await get(self.host, self.port, "/_catalog?op=list&path=" + path,
                      (("User-Agent", "AutoConnect"),), self.buf, self.timeout_ms)
        if c.status != 200:
            why = bytes(await c.chunk())[:80]
            c.close()
            raise OTAError("Update server responds (%d):%s" % (c.status, str(why, "utf-8")))
        from .catalog import Catalog        # once the server answers
        return Catalog(c, self.types())
