"""Stand-in for socket: ports 80 and 53 map to the simulator's ports, listeners bind
to loopback, and nothing connects or sends outside 127.0.0.0/8."""
import os

import _ext

_s = _ext.builtin("socket")
for _n in dir(_s):
    if not _n.startswith("__"):
        globals()[_n] = getattr(_s, _n)
del _n

_PORTS = {80: int(os.getenv("SIM_HTTP_PORT") or 8080), 53: int(os.getenv("SIM_DNS_PORT") or 8053)}


def _sockaddr(addr):
    if isinstance(addr, tuple):
        return _s.getaddrinfo(addr[0], addr[1])[0][-1]
    return addr


def _outgoing(addr):
    addr = _sockaddr(addr)
    if len(addr) >= 8 and addr[0] == _s.AF_INET and addr[4] != 127:
        raise OSError(113, "EHOSTUNREACH: the simulator only reaches 127.0.0.0/8")
    return addr


class socket(_s.socket):
    def bind(self, addr):
        addr = bytearray(_sockaddr(addr))
        if len(addr) >= 8 and addr[0] == _s.AF_INET:
            port = _PORTS.get(addr[2] << 8 | addr[3])
            if port:
                addr[2], addr[3] = port >> 8, port & 0xFF
            if addr[4:8] == b"\0\0\0\0":
                addr[4:8] = b"\x7f\0\0\x01"
        super().bind(addr)

    def connect(self, addr):
        super().connect(_outgoing(addr))

    def sendto(self, data, addr):
        return super().sendto(data, _outgoing(addr))
