"""POST /_ac/rollback: boot the other slot again when it holds a valid image."""
import asyncio
import struct

from .page import Labels, page
from .response import TEXT, Response

_ABORTED = (3, 4)                   # INVALID, ABORTED


def _refused(other, slots):
    """Why the other slot cannot be booted, or None."""
    from esp32 import Partition  # type: ignore[import-not-found]  # ESP32 only: handle() guards
    data = Partition.find(Partition.TYPE_DATA, 0)       # otadata
    if data:
        rec = bytearray(32)
        for sector in (0, 1):
            data[0].readblocks(sector, rec)
            seq, state = struct.unpack_from("<I", rec)[0], struct.unpack_from("<I", rec, 24)[0]
            if seq != 0xFFFFFFFF and slots[(seq - 1) % len(slots)] == other.info()[4] and \
                    state in _ABORTED:
                return "the image in %s failed and was rolled back" % other.info()[4]
    return None


def handle(req):
    if req.method != "POST":
        return Response("Method Not Allowed", 405, {"Allow": "POST"}, TEXT)
    try:
        from esp32 import Partition  # type: ignore[import-not-found]  # guarded: ESP32 only
    except ImportError:
        return Response("no OTA slots on this board", 409, None, TEXT)
    run = Partition(Partition.RUNNING)  # type: ignore[arg-type]  # stubs: id may be RUNNING
    try:
        other = run.get_next_update()
    except OSError:
        return Response("no OTA slots on this board", 409, None, TEXT)
    slots = [p.info()[4] for p in Partition.find(Partition.TYPE_APP)]
    reason = _refused(other, slots)
    head = bytearray(80)
    other.readblocks(0, head)
    if reason is None:
        try:
            other.set_boot()
        except OSError:
            reason = "%s holds no valid image" % other.info()[4]
    if reason:
        return Response("Rollback refused: " + reason, 409, None, TEXT)
    version = str(bytes(head[48:80]).split(b"\0", 1)[0], "utf-8")
    from . import connect
    asyncio.create_task(connect.reset(req.app))
    text = "Rolling back to %s (%s), rebooting..." % (version, other.info()[4])
    return page(req.app, Labels(req.app), "PAGETITLE_RESETTING", "confirm",
                {"action": "/_ac", "text": text, "button": "OK"})
