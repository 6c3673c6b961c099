"""Answers for captive-portal detection. While the board is unconfigured, every
unclaimed request on a named Host is sent to the portal, so phones and laptops
show their sign-in sheet; once the station is connected, the OS probes get the
answer that tells the OS it is online, so the sheet closes by itself."""
from .response import HTML, TEXT, Response

_NO_CACHE = {"Cache-Control": "no-cache, no-store, must-revalidate", "Pragma": "no-cache",
             "Expires": "-1"}
_APPLE = "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"
# probe path: the answer meaning "online" (status, body, content type)
ONLINE = {
    "/generate_204": (204, "", None), "/gen_204": (204, "", None),
    "/hotspot-detect.html": (200, _APPLE, HTML), "/library/test/success.html": (200, _APPLE, HTML),
    "/connecttest.txt": (200, "Microsoft Connect Test", TEXT),
    "/ncsi.txt": (200, "Microsoft NCSI", TEXT),
    "/success.txt": (200, "success\n", TEXT),
    "/canonical.html": (200, '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>', HTML),
}


def answer(portal, req):
    """The captive portal's answer to an unclaimed request, or None when its Host is
    not a name (an IP literal or an mDNS name get the plain not-found answer)."""
    host = req.headers.get("host", "")
    if not is_name(host) or host.split(":")[0].endswith(".local"):
        return None
    probe = ONLINE.get(req.path)
    if probe and portal.sta.isconnected():
        return Response(probe[1], probe[0], dict(_NO_CACHE), probe[2])
    url = self_url(portal, req) + portal.boot_path()
    if req.path in ("/generate_204", "/gen_204"):
        # some Android builds do not follow a 302 from generate_204: a page that moves on
        return Response('<!DOCTYPE html><meta http-equiv="refresh" content="0;url=%s">'
                        '<a href="%s">Sign in</a>' % (url, url), 200, dict(_NO_CACHE), HTML)
    h = dict(_NO_CACHE)
    h["Location"] = url
    return Response(b"", 302, h, TEXT)


def is_name(host):
    """Whether a Host header holds a name (not an IP literal, with or without a port)."""
    h = host.split(":")[0] if host[:1] != "[" else ""
    return bool(h) and not h.replace(".", "").isdigit()


def self_url(portal, req):
    """http://<the address the client connected to>: the Host when it is an address
    (or an mDNS name), else the soft AP's (or the station's) as clients reach it."""
    host = req.headers.get("host", "")
    if not is_name(host) or host.split(":")[0].endswith(".local"):
        return "http://" + host
    import socket
    ip = portal.config.apip if portal.ap.active() or not portal.sta.isconnected() \
        else portal.sta.ifconfig()[0]
    addr = socket.getaddrinfo(ip, 80)[0][-1]
    if isinstance(addr, tuple):
        ip, port = addr[0], addr[1]
    else:
        ip, port = "%d.%d.%d.%d" % tuple(addr[4:8]), addr[2] << 8 | addr[3]
    return "http://" + (ip if port == 80 else "%s:%d" % (ip, port))
