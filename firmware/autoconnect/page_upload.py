"""HTTPUpdateServer's page (ota_server.py): the /update form and the upload, with
ESP8266HTTPUpdateServer's protocol and texts. Loaded for the request."""
import asyncio

from .response import HTML, TEXT, Response

SUCCESS = '<META http-equiv="refresh" content="15;URL=/">Update Success! Rebooting...\n'
_FORM = ("<html><body><form method='POST' action='' enctype='multipart/form-data'>Firmware:<br>"
         "<input type='file' accept='.bin,.bin.gz' name='firmware'><input type='submit' "
         "value='Update Firmware'></form><form method='POST' action='' "
         "enctype='multipart/form-data'>FileSystem:<br><input type='file' accept='.bin,.acb' "
         "name='filesystem'><input type='submit' value='Update FileSystem'></form></body></html>")


def handle(up, req):
    """The answer of HTTPUpdateServer `up` to req."""
    if req.method == "OPTIONS":
        return Response("y", 200, {"Access-Control-Allow-Headers": "*",
                                   "Access-Control-Allow-Origin": "*"}, TEXT)
    if up.username or up.password:
        from . import unload
        from .auth import challenge, check_basic
        ok = check_basic(req, up.username, up.password)
        unload(".auth")
        if not ok:
            return challenge("Login Required")
    if req.method != "POST":
        return Response(_FORM)
    origin = req.headers.get("origin")
    if origin is not None and origin.split("://", 1)[-1].rstrip("/") != req.headers.get("host"):
        return Response("Forbidden: cross-site request", 403, None, TEXT)
    return _upload(up, req)


async def _upload(up, req):
    from .ota_job import reboot, receive
    reason, _, _ = await receive(up, req, _kind)
    if reason:
        return Response("Update error: " + reason, 200, None, HTML)
    if up.reboot_on_update:
        asyncio.create_task(reboot())
    return Response(SUCCESS, 200, None, HTML)


def _kind(part):
    """ESP8266HTTPUpdateServer's rule: the part "filesystem" carries the filesystem
    (here an application bundle), any other file part the firmware."""
    return "bundle" if part.name == "filesystem" else "firmware"
