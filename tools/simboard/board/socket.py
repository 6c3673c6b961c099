"""Stand-in for socket. Sockets are the unix port's own (so poll works on them); the
simulation lives in getaddrinfo, which portable firmware uses to build addresses:
- the board's own addresses (the wildcard, the soft AP's 172.217.28.1, the station's)
  resolve to 127.0.0.1, with port 80 mapped to the simulator's HTTP port and 53 to
  its DNS port;
- any other address outside 127.0.0.0/8 is refused with OSError (EHOSTUNREACH)."""
import os
import sys

import _ext

_s = _ext.builtin("socket")
for _n in dir(_s):
    if not _n.startswith("__"):
        globals()[_n] = getattr(_s, _n)
del _n

_PORTS = {80: int(os.getenv("SIM_HTTP_PORT") or 8080), 53: int(os.getenv("SIM_DNS_PORT") or 8053)}
_SELF = ("", "0.0.0.0", "172.217.28.1")


def _me(host):
    """Whether host is the board itself: any address, the soft AP's or the station's."""
    if host in _SELF:
        return True
    net = sys.modules.get("network")
    return net is not None and net.WLAN(net.STA_IF).ifconfig()[0] == host


def getaddrinfo(host, port, *args):
    if _me(host):
        return _s.getaddrinfo("127.0.0.1", _PORTS.get(port, port), *args)
    out = _s.getaddrinfo(host, port, *args)
    for ai in out:
        addr = ai[-1]
        if len(addr) >= 8 and addr[0] == _s.AF_INET and addr[4] != 127:
            raise OSError(113, "EHOSTUNREACH: the simulator only reaches 127.0.0.0/8")
    return out
