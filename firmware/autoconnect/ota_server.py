"""HTTPUpdateServer: ESP8266HTTPUpdateServer's /update page and upload protocol; the
page (page_upload.py) loads for each request."""
from .ota import Updater


class HTTPUpdateServer(Updater):
    """setup(portal, path="/update", username="", password=""): a browser uploads a
    firmware image (any file part but "filesystem") into the next OTA slot, or an
    application bundle as "filesystem"; an MD5 comes as the field "md5" or the header
    x-MD5. With credentials set, every request but OPTIONS needs them.
    Callbacks: on_start(fn()), on_progress(fn(amount, size)), on_end(fn()),
    on_error(fn(message)); reboot_on_update (True); wdt: a machine.WDT to feed."""

    def setup(self, portal, path="/update", username="", password=""):
        self.username, self.password = username, password
        server = getattr(portal, "server", portal)
        server.on(path, self._handle, ["GET", "POST", "OPTIONS"])
        # An ESP32 loads what an upload needs now, while its heap is in one piece; an
        # ESP8266 (one page at a time in a small heap, collected before each request)
        # only stores their names now and loads them for the upload, so that they do
        # not weigh on every page
        from os import uname
        if uname()[0] == "esp32":
            from . import multipart, ota_job  # noqa: F401
            from .ota_image import writer
            writer()
        else:
            from . import warm_up
            warm_up("page_upload multipart ota_job bundle")

    def _handle(self, req):
        from . import unload
        from .page_upload import handle
        try:
            return handle(self, req)
        finally:                            # the page's module goes after the request
            unload(".page_upload")
