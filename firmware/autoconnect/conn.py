"""One client connection: a non-blocking socket and one preallocated buffer.

The buffer holds a window [start:end) of received, unconsumed bytes; request
lines and headers are parsed in place, body bytes are handed out from it first."""
from asyncio import core, sleep_ms
from time import ticks_ms

_FAIR = 16      # direct socket operations before yielding to other tasks


class HTTPError(Exception):
    """A request that cannot be served: answered with `status` and closed."""

    def __init__(self, status, reason=""):
        super().__init__(status, reason)
        self.status = status
        self.reason = reason


class ClientGone(Exception):
    """The client closed the connection early."""


def wait_read(s):
    yield core._io_queue.queue_read(s)


def _wait_write(s):
    yield core._io_queue.queue_write(s)


class Conn:
    def __init__(self, sock, peer, size):
        self.sock = sock
        self.peer = peer
        self.buf = bytearray(size)
        self.mv = memoryview(self.buf)
        self.start = self.end = 0
        self.t0 = ticks_ms()    # when the current request (or the wait for it) began
        self.since = None       # when the current socket wait began, None when not waiting
        self.busy = False       # a request is being handled
        self.task = None
        self._ops = 0

    async def _fair(self):
        self._ops += 1
        if self._ops >= _FAIR:
            self._ops = 0
            await sleep_ms(0)

    async def recv_into(self, mv):
        """Read from the socket into mv; 0 means the peer closed."""
        await self._fair()
        n = self.sock.readinto(mv)
        if n is None:
            self.since = ticks_ms()
            while n is None:
                await wait_read(self.sock)
                n = self.sock.readinto(mv)
            self.since = None
        return n

    async def send(self, data):
        """Write all of data to the socket."""
        mv = memoryview(data)
        off = 0
        while off < len(mv):
            await self._fair()
            n = self.sock.write(mv[off:])
            if n is None:
                self.since = ticks_ms()
                await _wait_write(self.sock)
                self.since = None
            else:
                off += n

    def pending(self):
        return self.end - self.start

    def compact(self):
        """Move the unconsumed window to the front of the buffer."""
        n = self.end - self.start
        if self.start:
            if n:
                self.buf[:n] = bytes(self.mv[self.start:self.end])
            self.start, self.end = 0, n

    async def line(self, status):
        """The next CRLF- (or LF-) terminated line without its terminator, as bytes.

        A line longer than the buffer raises HTTPError(status); EOF raises ClientGone."""
        buf = self.buf
        scanned = self.start
        while True:
            i = buf.find(b"\n", scanned, self.end)
            if i >= 0:
                j = i - 1 if i > self.start and buf[i - 1] == 13 else i
                out = bytes(self.mv[self.start:j])
                self.start = i + 1
                return out
            if self.end == len(buf):
                if self.start == 0:
                    raise HTTPError(status)
                scanned -= self.start
                self.compact()
            else:
                scanned = self.end
            n = await self.recv_into(self.mv[self.end:])
            if not n:
                raise ClientGone()
            self.end += n

    async def read_into(self, mv):
        """Body bytes: first from the window, then straight from the socket."""
        n = self.end - self.start
        if n:
            n = min(n, len(mv))
            mv[:n] = self.mv[self.start:self.start + n]
            self.start += n
            return n
        return await self.recv_into(mv)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
