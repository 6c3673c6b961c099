"""HTTP responses: fixed bodies, streamed bodies (chunked) and files (gzipped assets)."""
import json

REASONS = {200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found",
           303: "See Other", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
           413: "Payload Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
           505: "HTTP Version Not Supported"}
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
_CHUNK_HEAD = 6     # room for "%04x\r\n"


class Response:
    """status, headers (dict) and a body: str/bytes, an iterable of str/bytes pieces
    (sent chunked), or a file (see Response.file)."""

    def __init__(self, body=b"", status=200, headers=None, content_type=HTML):
        self.body = body
        self.status = status
        self.headers = {} if headers is None else headers
        if content_type and "Content-Type" not in self.headers:
            self.headers["Content-Type"] = content_type
        self.file = None

    @classmethod
    def redirect(cls, location, status=302):
        return cls(b"", status, {"Location": location}, None)

    @classmethod
    def json(cls, obj, status=200):
        return cls(json.dumps(obj), status, None, "application/json")

    @classmethod
    def error(cls, status, text=None):
        return cls(text or REASONS.get(status, "Error"), status, None, TEXT)

    @classmethod
    def file(cls, path, content_type, gzipped=False, max_age=86400):
        """A file streamed from the filesystem; OSError if it does not exist."""
        import os
        size = os.stat(path)[6]
        r = cls(b"", 200, {"Cache-Control": "public, max-age=%d" % max_age}, content_type)
        if gzipped:
            r.headers["Content-Encoding"] = "gzip"
            r.headers["Vary"] = "Accept-Encoding"
        r.file = (path, size)
        return r

    async def send(self, conn, head_only, version, keep):
        """Write the response; returns whether the connection may be kept open."""
        body = self.body
        if isinstance(body, str):
            body = body.encode()
        length = None
        if self.file:
            length = self.file[1]
        elif isinstance(body, (bytes, bytearray, memoryview)):
            length = len(body)
        elif head_only:
            length = sum(len(p.encode() if isinstance(p, str) else p) for p in body)
        no_body = self.status in (204, 304)
        chunked = length is None and not no_body and version == "HTTP/1.1"
        if length is None and not chunked and not no_body:
            keep = False
        h = ["HTTP/1.1 %d %s\r\n" % (self.status, REASONS.get(self.status, "Unknown"))]
        for k, v in self.headers.items():
            h.append("%s: %s\r\n" % (k, v))
        if length is not None and not no_body:
            h.append("Content-Length: %d\r\n" % length)
        elif chunked:
            h.append("Transfer-Encoding: chunked\r\n")
        if not keep:
            h.append("Connection: close\r\n")
        elif version == "HTTP/1.0":
            h.append("Connection: keep-alive\r\n")
        h.append("\r\n")
        head = "".join(h).encode()
        if head_only or no_body:
            await conn.send(head)
        elif self.file:
            await conn.send(head)
            await _send_file(conn, self.file[0])
        elif length is not None:
            if length <= 512:
                await conn.send(head + body)
            else:
                await conn.send(head)
                await conn.send(body)
        else:
            await conn.send(head)
            await _send_pieces(conn, body, chunked)
        return keep


def _out_area(conn):
    """The free part of the connection buffer (after any pipelined request bytes)."""
    conn.compact()
    return conn.end


async def _send_file(conn, path):
    base = _out_area(conn)
    mv = conn.mv[base:]
    with open(path, "rb") as f:
        while True:
            n = f.readinto(mv)
            if not n:
                return
            await conn.send(mv[:n])


async def _send_pieces(conn, pieces, chunked):
    """Send an iterable of str/bytes, coalesced into the connection buffer."""
    buf = conn.buf
    base = _out_area(conn)
    room = _CHUNK_HEAD if chunked else 0
    first = pos = base + room
    for p in pieces:
        if isinstance(p, str):
            p = p.encode()
        n = len(p)
        if pos + n + 2 > len(buf):
            await _flush(conn, base, pos, chunked)
            pos = first
            if pos + n + 2 > len(buf):
                await _direct(conn, p, chunked)
                continue
        buf[pos:pos + n] = p
        pos += n
    await _flush(conn, base, pos, chunked)
    if chunked:
        await conn.send(b"0\r\n\r\n")


async def _flush(conn, base, pos, chunked):
    n = pos - base - (_CHUNK_HEAD if chunked else 0)
    if n <= 0:
        return
    if chunked:
        conn.buf[base:base + _CHUNK_HEAD] = b"%04x\r\n" % n
        conn.buf[pos:pos + 2] = b"\r\n"
        await conn.send(conn.mv[base:pos + 2])
    else:
        await conn.send(conn.mv[base:pos])


async def _direct(conn, data, chunked):
    if chunked:
        await conn.send(b"%x\r\n" % len(data))
    await conn.send(data)
    if chunked:
        await conn.send(b"\r\n")
