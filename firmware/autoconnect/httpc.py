"""A small HTTP/1.0 client for the update agent: one GET, the status line and headers
read in bounded lines through the caller's buffer, the body read by the caller.
Loaded for the job."""
import asyncio

from .ota import OTAError

_KEEP = ("content-length", "x-md5", "x-version", "location")


class Conn:
    """A GET's answer: status, headers (the few the agent uses, lowercase names) and
    the body through readinto(); every read waits at most timeout_ms."""

    def __init__(self, reader, writer, buf, timeout_ms):
        self.r, self.w, self.mv, self.t = reader, writer, memoryview(buf), timeout_ms
        self.start = self.end = 0
        self.status = 0
        self.headers = {}

    async def _read(self, mv):
        try:
            return await asyncio.wait_for_ms(self.r.readinto(mv), self.t) or 0
        except asyncio.TimeoutError:
            raise OTAError("Timeout: the server sent nothing for %d ms" % self.t)
        except OSError as e:
            raise OTAError("Connection lost: %s" % e)

    async def fill(self):
        """Read more into the buffer (moving what is unread to its start); returns
        how many bytes came, 0 at the end of the body."""
        if self.start:
            n = self.end - self.start
            self.mv[:n] = self.mv[self.start:self.end]
            self.start, self.end = 0, n
        if self.end == len(self.mv):
            return 0
        n = await self._read(self.mv[self.end:])
        self.end += n
        return n

    async def line(self):
        """The next line of the head, without its CRLF; a line that does not fit in
        the buffer is an error."""
        while True:
            i = bytes(self.mv[self.start:self.end]).find(b"\n")
            if i >= 0:
                s = str(bytes(self.mv[self.start:self.start + i]), "utf-8").rstrip("\r")
                self.start += i + 1
                return s
            if not await self.fill():
                raise OTAError("Invalid response: the header is too long or cut short")

    async def chunk(self):
        """The next piece of the body (a view into the buffer, valid until the next
        call); empty at the end."""
        if self.end > self.start:
            v = self.mv[self.start:self.end]
            self.start = self.end
            return v
        self.start = self.end = 0
        return self.mv[:await self._read(self.mv)]

    def close(self):
        self.w.close()


async def get(host, port, target, headers, buf, timeout_ms):
    """GET target from host:port with headers ((name, value) pairs); returns a Conn
    whose status and headers are read."""
    try:
        r, w = await asyncio.wait_for_ms(asyncio.open_connection(host, port), timeout_ms)
    except (OSError, asyncio.TimeoutError):
        raise OTAError("http failed connect to %s:%d" % (host, port))
    c = Conn(r, w, buf, timeout_ms)
    try:
        w.write("GET %s HTTP/1.0\r\nHost: %s\r\n" % (target, host if port == 80 else
                                                        "%s:%d" % (host, port)))
        for k, v in headers:
            w.write("%s: %s\r\n" % (k, v))
        w.write("Connection: close\r\n\r\n")
        await asyncio.wait_for_ms(w.drain(), timeout_ms)
        first = (await c.line()).split(None, 2)
        if len(first) < 2 or not first[0].startswith("HTTP/") or not first[1].isdigit():
            raise OTAError("Invalid response from %s:%d" % (host, port))
        c.status = int(first[1])
        for _ in range(64):
            line = await c.line()
            if not line:
                return c
            k, _, v = line.partition(":")
            k = k.strip().lower()
            if k in _KEEP:
                c.headers[k] = v.strip()[:200]
        raise OTAError("Invalid response: too many header lines")
    except Exception as e:
        c.close()
        if isinstance(e, asyncio.TimeoutError):
            raise OTAError("Timeout: no answer from %s:%d" % (host, port))
        if not c.end and not str(e).startswith("Timeout"):   # refused before a byte came
            raise OTAError("http failed connect to %s:%d" % (host, port))
        if isinstance(e, OSError):
            raise OTAError("Connection lost: %s" % e)
        raise
