"""Receiving an upload (multipart) for the update pages: firmware into the next OTA
slot, an application bundle onto the filesystem. Loaded for the upload."""
from micropython import const

from .ota import OTAError, Updater

_SLACK = const(65536)       # multipart framing around the file in Content-Length
BUSY = "another update is in progress"


async def reboot():
    """Reset the board in a second (so the answer goes out first)."""
    import asyncio
    await asyncio.sleep_ms(1000)
    import machine
    machine.reset()


def open_sink(what, size, md5, folder=None, name=None):
    """Where an update's bytes go: "bundle" staged, "file" stored in folder under
    name, "firmware" into the next OTA slot (size: about how many bytes, or None)."""
    if what == "bundle":
        from .bundle import Stager
        return Stager(md5)
    if what == "file":
        from .file_store import FileSink
        return FileSink(folder, name)
    from .sysinfo import chip
    if chip() != "esp32":
        raise OTAError("this board has no OTA slots: upload an application bundle "
                       "instead of a firmware image")
    from .ota_image import writer
    return writer().begin(size, md5)


async def receive(owner, req, kind, folder="/uploads"):
    """Stream an upload's first file part where kind(part) says: "firmware" (into the
    next OTA slot), "bundle" (staged) or "file" (into folder). Returns (None or the
    reason it failed, the kind, the file name). owner: fire(event, ...) and wdt."""
    total = int(req.headers.get("content-length", "0") or 0)
    md5 = req.headers.get("x-md5")
    mp = req.multipart()
    done = sink = what = name = None
    if Updater.busy:
        await _drain(mp)
        return BUSY, None, None
    Updater.busy = True
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
            sink = open_sink(what, total - _SLACK if total > _SLACK else None, md5, folder, name)
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
        Updater.busy = False
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
