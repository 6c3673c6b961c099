"""Streaming multipart/form-data reader: parts arrive as chunks of at most one
buffer (the connection's, or 8 KB where memory is plentiful); a boundary split across
reads is found; no part is held whole in RAM."""
from .request import HTTPError, move

BUFSIZE = 1024
_pool = []          # one spare buffer, reused by the next upload


class Part:
    """One part: `name`, `filename` (None for a plain field), `content_type`."""

    def __init__(self, mp, name, filename, ctype):
        self._mp = mp
        self.name = name
        self.filename = filename
        self.content_type = ctype

    async def read(self):
        """The next chunk (a memoryview valid until the next call); empty at the end."""
        return await self._mp.read()

    async def text(self, limit=1024):
        """The whole part as str; HTTPError 413 beyond limit bytes."""
        out = bytearray()
        while True:
            chunk = await self.read()
            if not chunk:
                try:
                    return str(out, "utf-8")
                except UnicodeError:
                    raise HTTPError(400, "bad field encoding")
            if len(out) + len(chunk) > limit:
                raise HTTPError(413, "")
            out.extend(chunk)


def _param(header, key):
    """A parameter of a header value such as `form-data; name="x"; filename="y"`
    (quoted strings may hold ';' and backslash escapes)."""
    rest = header
    while True:
        i = rest.find(";")
        if i < 0:
            return None
        rest = rest[i + 1:]
        e = rest.find("=")
        if e < 0:
            return None
        if 0 <= rest.find(";") < e:          # a parameter without a value
            continue
        k, v = rest[:e], rest[e + 1:].lstrip()
        if v[:1] == '"':
            out, j = [], 1
            while j < len(v) and v[j] != '"':
                if v[j] == "\\" and v[j + 1:j + 2] in ('"', "\\"):
                    j += 1                      # only \" and \\ are escapes (paths keep theirs)
                out.append(v[j])
                j += 1
            val, rest = "".join(out), v[j + 1:]
        else:
            j = v.find(";")
            val, rest = (v, "") if j < 0 else (v[:j], v[j:])
            val = val.strip()
        if k.strip().lower() == key:
            return val


class Multipart:
    def __init__(self, req):
        boundary = _param(req.headers.get("content-type", ""), "boundary")
        if not boundary or len(boundary) > 70:
            raise HTTPError(400, "bad multipart boundary")
        self._req = req
        self._delim = b"\r\n--" + boundary.encode()
        n = req.end - req.start
        from . import roomy
        big = roomy(8192)
        if big is None and not req.chunked and n <= req._left:
            # parse in the connection's own buffer: its window holds the body's start
            req.free()
            req.start = req.end = 0
            req._left -= n
            self.buf, self.mv = req.buf, req.mv
            self.start, self.end = 0, n
        else:
            self.buf = big or (_pool.pop() if _pool else bytearray(BUFSIZE))
            self.mv = memoryview(self.buf)
            self.start = self.end = 0
        self._eof = False
        self._in_data = False
        self._first = True
        self._last = False

    def release(self):
        """Return a separate 1 KB buffer to the pool (done at the final boundary)."""
        if len(self.buf) == BUFSIZE and self.buf is not self._req.buf and not _pool:
            _pool.append(self.buf)

    async def _fill(self):
        if self._eof:
            raise HTTPError(400, "truncated multipart body")
        n = self.end - self.start
        if self.start:
            move(self.buf, 0, self.start, n)
            self.start, self.end = 0, n
        if self.end == len(self.buf):
            raise HTTPError(400, "multipart line too long")
        k = await self._req.readinto(self.mv[self.end:])
        if not k:
            self._eof = True
        self.end += k

    async def read(self):
        if not self._in_data:
            return self.mv[:0]
        d = self._delim
        while True:
            i = self.buf.find(d, self.start, self.end)
            if i >= 0:
                if i > self.start:
                    chunk = self.mv[self.start:i]
                    self.start = i
                    return chunk
                self.start = i + len(d)
                self._in_data = False
                return self.mv[:0]
            safe = self.end - len(d) + 1
            if safe > self.start:
                chunk = self.mv[self.start:safe]
                self.start = safe
                return chunk
            await self._fill()

    async def _line(self):
        cap = len(self._req.buf)            # lines as long as the connection's buffer holds
        while True:
            i = self.buf.find(b"\r\n", self.start, min(self.end, self.start + cap))
            if i >= 0:
                out = bytes(self.mv[self.start:i])
                self.start = i + 2
                return out
            if self.end - self.start >= cap:
                raise HTTPError(400, "multipart line too long")
            await self._fill()

    async def next(self):
        """The next Part, or None after the closing boundary."""
        if self._last:
            return None
        if self._first:                          # skip any preamble up to the first boundary
            self._first = False
            d = self._delim
            while True:
                while self.end - self.start < len(d) - 2 and not self._eof:
                    await self._fill()
                if self.buf[self.start:self.start + len(d) - 2] == d[2:]:
                    self.start += len(d) - 2
                    break
                i = self.buf.find(d, self.start, self.end)
                if i >= 0:
                    self.start = i + len(d)
                    break
                self.start = max(self.start, self.end - len(d) + 1)
                await self._fill()
        while await self.read():
            pass
        while self.end - self.start < 2:
            await self._fill()
        if self.buf[self.start:self.start + 2] == b"--":
            self._last = True
            self.release()
            return None
        if (await self._line()).strip():
            raise HTTPError(400, "bad multipart boundary line")
        name = filename = None
        ctype = "text/plain"
        for _ in range(8):
            line = await self._line()
            if not line:
                break
            try:
                k, _, v = line.decode().partition(":")
            except UnicodeError:
                raise HTTPError(400, "bad part header")
            k = k.strip().lower()
            if k == "content-disposition":
                name = _param(v, "name")
                filename = _param(v, "filename")
            elif k == "content-type":
                ctype = v.strip()
        else:
            raise HTTPError(400, "too many part headers")
        if name is None:
            raise HTTPError(400, "part without a name")
        self._in_data = True
        return Part(self, name, filename, ctype)
