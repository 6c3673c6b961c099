"""Serving files: the gzipped twin (name + '.gz') to clients that accept gzip.
handle() serves the portal's own assets."""
import os

from .request import HTTPError
from .response import Response


def serve(req, filename, content_type, max_age=86400):
    gz = "gzip" in req.headers.get("accept-encoding", "")
    for name in ((filename + ".gz", filename) if gz else (filename,)):
        try:
            size = os.stat(name)[6]
        except OSError:
            continue
        h = {"Cache-Control": "public, max-age=%d" % max_age}
        if name is not filename:
            h["Content-Encoding"] = "gzip"
        h["Vary"] = "Accept-Encoding"
        return Response(open(name, "rb"), 200, h, content_type, size)
    raise HTTPError(404, "Not Found")


def handle(req):
    from .portal import WWW
    name = req.path[5:]                     # /_ac/ac.css -> ac.css
    return serve(req, WWW + name, "text/css" if name[-4:] == ".css" else "text/javascript",
                 604800)
