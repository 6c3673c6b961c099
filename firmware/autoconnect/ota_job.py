"""Receiving an upload (multipart) for the update pages: firmware into the next OTA
slot, an application bundle onto the filesystem. Loaded for the upload."""
from micropython import const

from .ota import OTAError

_SLACK = const(65536)       # multipart framing around the file in Content-Length


def _chip():
    import os
    return os.uname().sysname


async def receive(owner, req, kind, folder="/uploads"):
    """Stream an upload's first file part where kind(part) says: "firmware" (into the
    next OTA slot), "bundle" (staged) or "file" (into folder). Returns (None or the
    reason it failed, the kind, the file name). owner: fire(event, ...) and wdt."""
    total = int(req.headers.get("content-length", "0") or 0)
    md5 = req.headers.get("x-md5")
    mp = req.multipart()
    done = sink = what = name = None
    if owner.busy:
        await _drain(mp)
        return "another update is in progress", None, None
    owner.busy = True
    try:
        while True:
            part = await mp.next()
            if part is None:
                break
            if part.filename is None:
                if part.name == "md5":
                    md5 = (await part.text(64)).strip() or md5
                continue
            if done is not None:
                continue                    # one file per request
            what, name = kind(part), part.filename
            owner.fire("start")
            if what == "bundle":
                from .bundle import Stager
                sink = Stager(md5)
            elif what == "file":
                from .file_store import FileSink
                sink = FileSink(folder, name)
            elif _chip() != "esp32":
                raise OTAError("this board has no OTA slots: upload an application bundle "
                               "instead of a firmware image")
            else:
                from .ota_image import writer
                sink = writer().begin(total - _SLACK if total > _SLACK else None, md5)
            got = 0
            while True:
                chunk = await part.read()
                if not chunk:
                    break
                sink.write(chunk)
                got += len(chunk)
                owner.fire("progress", got, total)
                if owner.wdt:
                    owner.wdt.feed()
            done = sink.finish()
        if done is None:
            raise OTAError("no file in the upload")
    except OTAError as e:
        if sink is not None:
            sink.abort()
        await _drain(mp)
        owner.fire("error", str(e))
        return str(e), what, name
    finally:
        owner.busy = False
    owner.fire("end")
    return None, what, name


async def _drain(mp):
    """Read what is left of the upload so the browser gets the answer."""
    try:
        while True:
            while await mp.read():
                pass
            if await mp.next() is None:
                return
    except Exception:
        pass
