"""Reading an update server's catalog (a JSON array of small flat objects) one entry
at a time from the connection's buffer, so memory stays bounded whatever its length.
Loaded for the job."""
import json

from micropython import const

from .ota import OTAError

_MAX = const(256)           # AutoConnect's per-entry buffer
_SKIP = b" \t\r\n,"
INVALID = "Invalid catalog list:"


class Catalog:
    """entry() returns the next entry (a dict) whose "type" is in types, else None."""

    def __init__(self, conn, types):
        self.c, self.types, self.began = conn, types, False

    async def entry(self):
        while True:
            e = await self._object()
            if e is None or e.get("type") in self.types:
                return e

    async def _object(self):
        c = self.c
        buf = c.buf
        while True:
            i = c.start
            while i < c.end and buf[i] in _SKIP:
                i += 1
            c.start = i
            if i == c.end:
                await self._more("the list ends early")
                continue
            if not self.began:
                if buf[i] != 0x5B:                  # [
                    raise OTAError(INVALID + "not a JSON array")
                self.began = True
                c.start += 1
                continue
            if buf[i] == 0x5D:                      # ]
                return None
            if buf[i] != 0x7B:                      # {
                raise OTAError(INVALID + "not an object list")
            end = min(c.end, i + _MAX)
            e = _parse(c, i, end)
            if e is not None:
                c.start = e[1]
                return e[0]
            if end - i >= _MAX:
                raise OTAError(INVALID + "an entry is longer than %d bytes" % _MAX)
            await self._more("an entry is cut short")

    async def _more(self, why):
        if not await self.c.fill():
            raise OTAError(INVALID + why)


def _parse(c, i, end):
    """(the object starting at c.buf[i], the index after it), or None when buf[i:end]
    holds only part of it (a "}" inside a string makes the JSON invalid, so the next one
    is tried); parsed where it lies."""
    j = c.buf.find(b"}", i, end)
    while j >= 0:
        try:
            e = json.loads(c.mv[i:j + 1])
        except ValueError:
            j = c.buf.find(b"}", j + 1, end)
            continue
        if not isinstance(e, dict):
            raise OTAError(INVALID + "not an object list")
        return e, j + 1
    return None
