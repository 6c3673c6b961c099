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
    """The captive portal's answer to an unclaimed request on a named Host."""
    probe = ONLINE.get(req.path)
    if probe and portal.sta.isconnected():
        return Response(probe[1], probe[0], dict(_NO_CACHE), probe[2])
    url = portal.boot_url(req)
    if req.path in ("/generate_204", "/gen_204"):
        # some Android builds do not follow a 302 from generate_204: a page that moves on
        return Response('<!DOCTYPE html><meta http-equiv="refresh" content="0;url=%s">'
                        '<a href="%s">Sign in</a>' % (url, url), 200, dict(_NO_CACHE), HTML)
    h = dict(_NO_CACHE)
    h["Location"] = url
    return Response(b"", 302, h, TEXT)
