"""A client connection and the request it currently carries.

One preallocated buffer per connection holds a window [start:end) of received,
unconsumed bytes: the request line and headers are parsed in place, body bytes
are handed out from it first, then read straight from the socket (Content-Length
or chunked). Limits: a line must fit the buffer (else 414/431), at most
MAX_HEADERS headers and MAX_HEADER_BYTES of them (else 431)."""
from asyncio import core, sleep_ms  # type: ignore[attr-defined]  # asyncio.core: not in the stubs
from time import ticks_ms

import micropython

MAX_HEADERS = 32
MAX_HEADER_BYTES = 4096
_TCHAR = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_HEX = b"0123456789abcdefABCDEF"
_CL = "content-length"
_TE = "transfer-encoding"


class HTTPError(Exception):
    """HTTPError(status, reason): the request is answered with status and closed."""


@micropython.viper
def move(buf, dst: int, src: int, n: int):
    """Copy n bytes of buf from src down to dst (dst < src) in place, allocating nothing."""
    p = ptr8(buf)
    i = 0
    while i < n:
        p[dst + i] = p[src + i]
        i += 1


def _ready(sock, write):
    yield (core._io_queue.queue_write if write else core._io_queue.queue_read)(sock)


class Request:
    def __init__(self, sock, peer, buf):
        self.sock = sock
        self.peer = peer
        self.buf = buf
        self.mv = memoryview(self.buf)
        self.start = self.end = 0
        self.t0 = ticks_ms()    # when the current request (or the wait for it) began
        self.since = None       # when the current socket wait began; None when not waiting
        self.busy = False       # a request is being handled
        self.task = None
        self._ops = 0

    # socket I/O

    async def recv(self, mv):
        """Read into mv from the socket; 0 when the peer closed."""
        self._ops += 1
        if self._ops & 15 == 0:
            await sleep_ms(0)           # stay fair to other tasks during long transfers
        n = self.sock.readinto(mv)
        while n is None:
            await self.wait(False)
            n = self.sock.readinto(mv)
        return n

    def put(self, data):
        """Write what the socket takes of data now; returns the rest (a memoryview, empty
        when all went)."""
        mv = memoryview(data)
        return mv[self.sock.write(mv) or 0:]

    async def send(self, data):
        """Write all of data."""
        mv = memoryview(data)
        off = 0
        while off < len(mv):
            n = self.sock.write(mv[off:])
            if n is None:
                await self.wait(True)
            else:
                off += n

    async def wait(self, write):
        """Until the socket can be read (or written); `since` tells the server's sweep
        how long this connection has been waiting."""
        self.since = ticks_ms()
        await _ready(self.sock, write)
        self.since = None

    def free(self):
        """Move the unconsumed window to the front; returns where free space begins."""
        n = self.end - self.start
        if self.start:
            move(self.buf, 0, self.start, n)
            self.start, self.end = 0, n
        return n

    async def line(self, status):
        """The next line without CRLF/LF, as bytes; HTTPError(status) if longer than the
        buffer, EOFError at end of stream."""
        buf = self.buf
        seen = self.start
        while True:
            i = buf.find(b"\n", seen, self.end)
            if i >= 0:
                j = i - 1 if i > self.start and buf[i - 1] == 13 else i
                out = bytes(self.mv[self.start:j])
                self.start = i + 1
                return out
            if self.end == len(buf):
                if not self.start:
                    raise HTTPError(status, "")
                seen -= self.start
                self.free()
            else:
                seen = self.end
            n = await self.recv(self.mv[self.end:])
            if not n:
                raise EOFError
            self.end += n

    # the request

    async def head(self):
        """Read the request line and headers; False when the client closed cleanly."""
        try:
            line = await self.line(414)
            if not line:                    # one empty line between requests is tolerated
                line = await self.line(414)
        except EOFError:
            if self.end > self.start:
                raise HTTPError(400, "incomplete request")
            return False
        parts = line.split(b" ")
        if len(parts) != 3 or not parts[0] or parts[0].strip(_TCHAR) or not parts[1]:
            raise HTTPError(400, "bad request line")
        if parts[2] != b"HTTP/1.1" and parts[2] != b"HTTP/1.0":
            raise HTTPError(505 if parts[2].startswith(b"HTTP/") else 400, "bad version")
        h = {}
        total = 0
        try:
            self.method, target, self.version = (str(p, "utf-8") for p in parts)
            while True:
                line = await self.line(431)
                if not line:
                    break
                total += len(line)
                if len(h) >= MAX_HEADERS or total > MAX_HEADER_BYTES:
                    raise HTTPError(431, "")
                k, sep, v = line.partition(b":")
                if not sep or not k or k.strip(_TCHAR):
                    raise HTTPError(400, "bad header")
                k = str(k, "utf-8").lower()
                v = str(v.strip(), "utf-8")
                if k in h:
                    if k == _CL or k == _TE or k == "host":
                        raise HTTPError(400, "duplicate " + k)
                    v = h[k] + ", " + v
                h[k] = v
        except EOFError:
            raise HTTPError(400, "incomplete headers")
        except UnicodeError:
            raise HTTPError(400, "bad encoding")
        self.headers = h
        path, _, self.query = target.partition("?")
        if path[:7] == "http://":             # absolute-form target
            path = "/" + path[7:].partition("/")[2]
        self.path = path
        # normpath() (urlenc.py, loaded then) only for a path it would change: escapes,
        # dot or empty segments, a trailing slash, no leading one
        if path != "*" and (path[:1] != "/" or "%" in path or "\0" in path or "//" in path
                            or "/." in path or path[-1] == "/" and path != "/"):
            from .urlenc import normpath
            try:
                self.path = normpath(path)
            except ValueError as e:
                raise HTTPError(400, str(e))
        self._args = None
        self._seen = self._done = self.chunked = False
        self._left = 0
        self._continue = h.get("expect", "").lower() == "100-continue"
        te, cl = h.get(_TE), h.get(_CL)
        if te is not None:
            if cl is not None:
                raise HTTPError(400, "both Content-Length and Transfer-Encoding")
            if te.lower() != "chunked":
                raise HTTPError(501, "unsupported Transfer-Encoding")
            self.chunked = True
        elif cl is not None:
            if not cl.isdigit() or len(cl) > 12:
                raise HTTPError(400, "bad Content-Length")
            self._left = int(cl)
        return True

    @property
    def args(self):
        """The query string's fields (dict; the first value of a name wins)."""
        if self._args is None and not self.query:
            self._args = {}
        elif self._args is None:
            from .urlenc import parse_qs
            try:
                self._args = parse_qs(self.query)
            except ValueError:
                raise HTTPError(400, "bad query string")
        return self._args

    def has_body(self):
        return self.chunked or self._left > 0

    # the body

    async def readinto(self, mv):
        """Read body bytes into mv; 0 at the end of the body."""
        if self._continue:
            self._continue = False
            await self.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        if self.chunked and not self._left and not self._done:
            if self._seen and await self.line(400):
                raise HTTPError(400, "bad chunk")
            self._seen = True
            size = (await self.line(400)).partition(b";")[0].strip()
            if not size or len(size) > 8 or size.strip(_HEX):
                raise HTTPError(400, "bad chunk size")
            self._left = int(size, 16)
            if not self._left:
                self._done = True
                for _ in range(MAX_HEADERS + 1):    # trailers up to an empty line
                    if not await self.line(400):
                        break
                else:
                    raise HTTPError(400, "too many trailers")
        n = min(len(mv), self._left)
        if not n:
            return 0
        k = self.end - self.start
        if k:
            n = min(n, k)
            mv[:n] = self.mv[self.start:self.start + n]
            self.start += n
        else:
            n = await self.recv(mv if n == len(mv) else memoryview(mv)[:n])
            if not n:
                raise EOFError
        self._left -= n
        return n

    async def read(self, limit=4096):
        """The whole body as bytes; HTTPError(413) when longer than limit."""
        from .form import read
        return await read(self, limit)

    async def form(self, limit=4096, on_file=None):
        """Posted fields (urlencoded, or the text fields of multipart) over the query's;
        file parts go to `await on_file(part)` when given."""
        from .form import form
        return await form(self, limit, on_file)

    def multipart(self):
        """A streaming reader of the multipart/form-data body (see multipart.py)."""
        from .multipart import Multipart
        return Multipart(self)

    async def discard(self, limit=65536):
        """Skip what the handler left of the body; False when the connection cannot be
        reused (too much left, or a 100-continue body never asked for)."""
        if not self.has_body() or self._done:
            return True
        if self._continue or self._left > limit:
            return False
        sink = self.mv[self.free():]
        total = 0
        while total <= limit:
            n = await self.readinto(sink) if len(sink) else 0
            if not n:
                return len(sink) > 0
            total += n
        return False
