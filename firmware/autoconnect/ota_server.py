"""HTTPUpdateServer: ESP8266HTTPUpdateServer's /update page and upload protocol."""
import asyncio

from .ota import Updater
from .response import HTML, TEXT, Response

SUCCESS = '<META http-equiv="refresh" content="15;URL=/">Update Success! Rebooting...\n'
_FORM = ("<html><body><form method='POST' action='' enctype='multipart/form-data'>Firmware:<br>"
         "<input type='file' accept='.bin,.bin.gz' name='firmware'><input type='submit' "
         "value='Update Firmware'></form><form method='POST' action='' "
         "enctype='multipart/form-data'>FileSystem:<br><input type='file' accept='.bin,.acb' "
         "name='filesystem'><input type='submit' value='Update FileSystem'></form></body></html>")


class HTTPUpdateServer(Updater):
    """setup(portal, path="/update", username="", password=""): a browser uploads a
    firmware image (any file part but "filesystem") into the next OTA slot, or an
    application bundle as "filesystem"; an MD5 comes as the field "md5" or the header
    x-MD5. With credentials set, every request but OPTIONS needs them.
    Callbacks: on_start(fn()), on_progress(fn(amount, size)), on_end(fn()),
    on_error(fn(message)); reboot_on_update (True); wdt: a machine.WDT to feed."""

    def __init__(self):
        super().__init__()
        self.portal = None

    def setup(self, portal, path="/update", username="", password=""):
        self.portal = portal
        self.path = path
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
            warm_up("multipart ota_job bundle")

    def _handle(self, req):
        if req.method == "OPTIONS":
            return Response("y", 200, {"Access-Control-Allow-Headers": "*",
                                       "Access-Control-Allow-Origin": "*"}, TEXT)
        if self.username or self.password:
            from . import unload
            from .auth import challenge, check_basic
            ok = check_basic(req, self.username, self.password)
            unload(".auth")                 # loaded for the check (a route, not a page)
            if not ok:
                return challenge("Login Required")
        if req.method != "POST":
            return Response(_FORM)
        origin = req.headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1].rstrip("/") != req.headers.get("host"):
            return Response("Forbidden: cross-site request", 403, None, TEXT)
        return self._upload(req)

    async def _upload(self, req):
        from .ota_job import reboot, receive
        reason, _, _ = await receive(self, req, _kind)
        if reason:
            return Response("Update error: " + reason, 200, None, HTML)
        if self.reboot_on_update:
            asyncio.create_task(reboot())
        return Response(SUCCESS, 200, None, HTML)


def _kind(part):
    """ESP8266HTTPUpdateServer's rule: the part "filesystem" carries the filesystem
    (here an application bundle), any other file part the firmware."""
    return "bundle" if part.name == "filesystem" else "firmware"
