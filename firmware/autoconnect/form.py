"""Whole request bodies and posted forms (loaded when a handler asks for them)."""
from .request import HTTPError
from .urlenc import parse_qs


async def read(req, limit):
    """The whole body as bytes; HTTPError(413) when longer than limit."""
    if req._left > limit:
        raise HTTPError(413, "")
    if not req.chunked:
        out = bytearray(req._left)
        mv = memoryview(out)
        pos = 0
        while pos < len(out):
            pos += await req.readinto(mv[pos:])
        return bytes(out)
    out = bytearray()
    chunk = bytearray(256)
    while True:
        n = await req.readinto(chunk)
        if not n:
            return bytes(out)
        if len(out) + n > limit:
            raise HTTPError(413, "")
        out.extend(memoryview(chunk)[:n])


async def form(req, limit, on_file=None):
    """Posted fields (urlencoded, or the text fields of multipart) over the query's;
    file parts go to `await on_file(part)` when given, else are skipped."""
    fields = {}
    try:
        if req.headers.get("content-type", "").startswith("multipart/form-data"):
            mp = req.multipart()
            while True:
                part = await mp.next()
                if part is None:
                    break
                if part.filename is not None:
                    if on_file:
                        await on_file(part)
                elif part.name not in fields:
                    fields[part.name] = await part.text(limit)
        elif req.has_body():
            parse_qs(await read(req, limit), fields)
    except ValueError:
        raise HTTPError(400, "bad form encoding")
    for k, v in req.args.items():
        if k not in fields:
            fields[k] = v
    return fields
