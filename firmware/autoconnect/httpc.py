"""A small HTTP/1.0 client for the update agent: one GET on a non-blocking socket, the
status line and headers read in bounded lines through the caller's buffer (as the web
server reads requests), the body read by the caller. Loaded for the job."""
import select
import socket
from asyncio import sleep_ms
from errno import EINPROGRESS
from time import ticks_diff, ticks_ms

from .ota import OTAError
from .request import HTTPError, Request

_KEEP = ("content-length", "x-md5", "x-version", "location")


class Conn(Request):
    """A GET's answer: status, headers (the few the agent uses, lowercase names) and
    the body through fill() and chunk(); every socket wait lasts at most timeout_ms."""

    def __init__(self, sock, buf, timeout_ms, refused):
        # what line(), recv() and send() use of a Request: not the server's fields
        self.sock, self.buf, self.mv = sock, buf, memoryview(buf)
        self.start = self.end = self._ops = 0
        self.t = timeout_ms
        self.refused = refused      # the error until the request is sent and answered
        self.sent = self.heard = False
        self.status = 0
        self.headers = {}
        self.poll = select.poll()
        self.poll.register(sock)

    async def wait(self, write):
        """Until the socket is ready, polled without allocating (asyncio's wait_for
        allocates more than a catalog page on a 64 KB heap has to spare): at every turn
        of the event loop for 2 ms, then every 2 ms."""
        self.poll.modify(self.sock, select.POLLOUT if write else select.POLLIN)
        t0 = ticks_ms()
        while True:
            for _ in self.poll.ipoll(0):
                return
            waited = ticks_diff(ticks_ms(), t0)
            if waited > self.t:
                raise OTAError("Timeout: the server sent nothing for %d ms" % self.t
                               if self.sent else self.refused)
            await sleep_ms(0 if waited < 2 else 2)

    async def recv(self, mv):
        try:
            n = await Request.recv(self, mv)
        except OSError as e:
            raise OTAError("Connection lost: %s" % e if self.heard else self.refused)
        self.heard = self.heard or n > 0
        return n

    async def fill(self):
        """Read more into the buffer (moving what is unread to its start); returns
        how many bytes came, 0 at the end of the body."""
        n = self.free()
        if n == len(self.mv):
            return 0
        n = await self.recv(self.mv[n:])
        self.end += n
        return n

    async def chunk(self):
        """The next piece of the body (a view into the buffer, valid until the next
        call); empty at the end."""
        if self.end > self.start:
            v = self.mv[self.start:self.end]
            self.start = self.end
            return v
        self.start = self.end = 0
        return self.mv[:await self.recv(self.mv)]

    async def head_line(self):
        """The next line of the answer's head, as text."""
        try:
            return str(await self.line(0), "utf-8")
        except EOFError:                    # closed before a byte: it never answered
            if not self.heard:
                raise OTAError(self.refused)
            raise OTAError("Invalid response: the header is cut short")
        except (HTTPError, UnicodeError):
            raise OTAError("Invalid response: the header is too long or not text")

    def close(self):
        self.sock.close()


async def get(host, port, target, headers, buf, timeout_ms):
    """GET target from host:port with headers ((name, value) pairs); returns a Conn
    whose status and headers are read."""
    refused = "http failed connect to %s:%d" % (host, port)
    try:
        ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
        s = socket.socket(ai[0], ai[1], ai[2])
    except OSError:
        raise OTAError(refused)
    c = Conn(s, buf, timeout_ms, refused)
    try:
        s.setblocking(False)
        try:
            s.connect(ai[-1])
        except OSError as e:
            if e.args[0] != EINPROGRESS:
                raise OTAError(refused)
        await c.send(("GET %s HTTP/1.0\r\nHost: %s\r\n%sConnection: close\r\n\r\n" % (
            target, host if port == 80 else "%s:%d" % (host, port),
            "".join("%s: %s\r\n" % kv for kv in headers))).encode())
        c.sent = True
        first = (await c.head_line()).split(None, 2)
        if len(first) < 2 or not first[0].startswith("HTTP/") or not first[1].isdigit():
            raise OTAError("Invalid response from %s:%d" % (host, port))
        c.status = int(first[1])
        for _ in range(64):
            line = await c.head_line()
            if not line:
                return c
            k, _, v = line.partition(":")
            k = k.strip().lower()
            if k in _KEEP:
                c.headers[k] = v.strip()[:200]
        raise OTAError("Invalid response: too many header lines")
    except OSError:
        c.close()
        raise OTAError(refused)
    except BaseException:
        c.close()
        raise
