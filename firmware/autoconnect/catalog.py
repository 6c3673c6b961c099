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
        while True:
            w = bytes(c.mv[c.start:min(c.end, c.start + _MAX)])
            i = 0
            while i < len(w) and w[i] in _SKIP:
                i += 1
            c.start += i
            w = w[i:]
            if not w:
                await self._more("the list ends early")
                continue
            if not self.began:
                if w[0] != 0x5B:                    # [
                    raise OTAError(INVALID + "not a JSON array")
                self.began = True
                c.start += 1
                continue
            if w[0] == 0x5D:                        # ]
                return None
            if w[0] != 0x7B:                        # {
                raise OTAError(INVALID + "not an object list")
            e = _parse(w)
            if e is not None:
                c.start += e[1]
                return e[0]
            if len(w) >= _MAX:
                raise OTAError(INVALID + "an entry is longer than %d bytes" % _MAX)
            await self._more("an entry is cut short")

    async def _more(self, why):
        if not await self.c.fill():
            raise OTAError(INVALID + why)


def _parse(w):
    """(the object at the start of w, its length), or None when w holds only part of it
    (a "}" inside a string makes the JSON invalid, so the next one is tried)."""
    j = w.find(b"}")
    while j >= 0:
        try:
            e = json.loads(w[:j + 1])
        except ValueError:
            j = w.find(b"}", j + 1)
            continue
        if not isinstance(e, dict):
            raise OTAError(INVALID + "not an object list")
        return e, j + 1
    return None
