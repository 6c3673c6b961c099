"""AutoConnect's built-in update page (config.ota = AC_OTA_BUILTIN): /_ac/update, a
file field "bin" sent by XHR with a progress bar, and /_ac/update_act, which takes
the upload: a name ending in .bin is firmware for the next OTA slot, in .acb an
application bundle, anything else a file stored under config.upload_dir. The answer
carries the elements bin, result and rc ("0": rebooting, "255": updated without a
reboot, "L": a file stored, "1": failed). Loaded for the request."""
import asyncio

from .page import Labels, esc, page
from .response import TEXT, Response

_OK = "#3d7e9a"
_FAIL = "#e66157"


def _kind(part):
    n = part.filename.lower()
    return "firmware" if n.endswith(".bin") else "bundle" if n.endswith(".acb") else "file"


def handle(req):
    portal = req.app
    if portal.ota is None:
        return Response("Not found", 404, None, TEXT)
    if req.path == "/_ac/update":
        return _form(portal)
    if req.method == "POST":
        return _act(req, portal)
    if portal.ota.last is None:
        return Response("", 302, {"Location": "/_ac/update"}, TEXT)
    return _result(portal, portal.ota.last)


def _form(portal):
    extra = portal.config.ota_extra_caption

    def caption():
        if extra:
            yield '<span class="s_cap">%s</span>' % esc(extra)
    return page(portal, Labels(portal), "MENULABEL_UPDATE", "update", {"caption": caption})


async def _act(req, portal):
    from .ota_job import reboot, receive
    ota, lbl = portal.ota, Labels(portal)
    reason, what, name = await receive(ota, req, _kind, portal.config.upload_dir)
    if reason:
        rc, text = "1", lbl["TEXT_OTAFAILURE"] + reason
    elif what == "file":
        rc, text = "L", lbl["TEXT_OTAUPLOADED"]
    elif ota.reboot_on_update:
        rc, text = "0", lbl["TEXT_OTASUCCESS"]
        asyncio.create_task(reboot())
    else:
        rc, text = "255", lbl["TEXT_OTAUPLOADED"]
    ota.last = (name or "", text, rc)
    return _result(portal, ota.last, lbl)


def _result(portal, last, lbl=None):
    name, text, rc = last
    return page(portal, lbl or Labels(portal), "MENULABEL_UPDATE", "updated",
                {"bin": name, "result": text, "rc": rc,
                 "color": _FAIL if rc == "1" else _OK})
