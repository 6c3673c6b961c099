"""DNS catch-all for the captive portal: every A/IN query is answered with one
address; AAAA and other types get NOERROR without answers; malformed packets
(responses, other opcodes, several questions, compressed or overlong names) are
dropped."""
import asyncio
import socket

from .request import _ready


def answer(q, ip4, ttl=60):
    """The reply to query packet q (bytes), or None to drop it."""
    n = len(q)
    if n < 17 or n > 512 or q[2] & 0xF8 or q[4:10] != b"\0\1\0\0\0\0":
        return None                               # a response, not QUERY, or not 1 question
    i = 12
    while q[i]:
        if q[i] & 0xC0 or i > 12 + 253:
            return None
        i += 1 + q[i]
        if i >= n:
            return None
    i += 5
    if i > n:
        return None
    a = q[i - 4:i] == b"\0\1\0\1"                 # type A, class IN
    head = q[:2] + b"\x81\x80\0\1\0" + (b"\1" if a else b"\0") + b"\0\0\0\0"
    if not a:
        return head + q[12:i]
    return head + q[12:i] + b"\xc0\x0c\0\1\0\1" + ttl.to_bytes(4, "big") + b"\0\4" + ip4


class DNSServer:
    def __init__(self, ip, port=53):
        self.ip4 = bytes(int(x) for x in ip.split("."))
        self.port = port
        self._sock = None
        self._task = None

    def start(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(socket.getaddrinfo("0.0.0.0", self.port)[0][-1])
        s.setblocking(False)
        self._sock = s
        self._task = asyncio.create_task(self._serve())

    def stop(self):
        if self._task:
            self._task.cancel()
            self._task = None
        if self._sock:
            self._sock.close()
            self._sock = None

    async def _serve(self):
        s = self._sock
        while True:
            await _ready(s, False)
            try:
                q, addr = s.recvfrom(512)
                r = answer(q, self.ip4)
                if r:
                    s.sendto(r, addr)
            except (OSError, IndexError):
                pass
