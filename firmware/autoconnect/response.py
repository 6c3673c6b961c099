"""HTTP responses: fixed bodies, streamed bodies (chunked) and files."""
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
_REASONS = ("200 OK|204 No Content|301 Moved Permanently|302 Found|303 See Other|"
            "304 Not Modified|400 Bad Request|401 Unauthorized|403 Forbidden|404 Not Found|"
            "405 Method Not Allowed|409 Conflict|413 Payload Too Large|414 URI Too Long|"
            "431 Request Header Fields Too Large|500 Internal Server Error|"
            "501 Not Implemented|503 Service Unavailable|505 HTTP Version Not Supported|")


class Response:
    """A status, headers (dict) and a body: str or bytes; an iterable of str/bytes
    pieces (sent chunked, coalesced in the connection's buffer; a piece that is an
    awaitable is awaited, so a page can read ahead while it streams); or a file
    object with `length` bytes to send."""

    def __init__(self, body=b"", status=200, headers=None, content_type=HTML, length=None):
        self.body = body
        self.status = status
        self.headers = {} if headers is None else headers
        if content_type:
            self.headers["Content-Type"] = content_type
        self.length = length

    def send(self, req, keep):
        """Write the response to req's connection: returns an awaitable of whether the
        connection stays open (the coroutine that writes, made here, so that a body is
        written with one frame fewer on the heap)."""
        body = self.body
        if isinstance(body, str):
            body = body.encode()
        n = self.length
        if isinstance(body, (bytes, bytearray, memoryview)):
            n = len(body)
        head_only = req.method == "HEAD"
        if head_only and n is None:
            return _counted(self, req, keep)
        bare = self.status in (204, 304)
        chunked = n is None and not bare and req.version == "HTTP/1.1"
        if n is None and not chunked and not bare:
            keep = False                    # HTTP/1.0 stream: the close ends the body
        i = _REASONS.find(str(self.status))
        h = ["HTTP/1.1 ", _REASONS[i:_REASONS.find("|", i)] if i >= 0 else str(self.status),
             "\r\n"]
        for k, v in self.headers.items():
            h.append("%s: %s\r\n" % (k, v))
        if not bare:
            h.append("Transfer-Encoding: chunked\r\n" if chunked else "Content-Length: %d\r\n" % n
                     if n is not None else "")
        h.append("Connection: close\r\n\r\n" if not keep else
                 "Connection: keep-alive\r\n\r\n" if req.version == "HTTP/1.0" else "\r\n")
        return _write(req, "".join(h).encode(), b"" if head_only or bare else body, chunked,
                      keep)


async def _counted(res, req, keep):
    """HEAD for a streamed body: its length counted first."""
    res.length = await _length(res.body)
    return await res.send(req, keep)


async def _length(body):
    """The length of a streamed body, for HEAD."""
    n = 0
    for p in body:
        if isinstance(p, str):
            n += len(memoryview(p))  # type: ignore[arg-type]  # its UTF-8 length, not copied
        elif isinstance(p, (bytes, bytearray, memoryview)):
            n += len(p)
        else:
            await p
    return n


def redirect(location, status=302):
    return Response(b"", status, {"Location": location}, None)


async def _write(req, head, body, chunked, keep):
    """Send head, then body: bytes, a file, or an iterable of pieces coalesced in the
    free part of req's buffer; returns keep."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        if len(body) <= 512:
            await req.send(head + body if body else head)
        else:
            await req.send(head)
            await req.send(body)
        return keep
    await req.send(head)
    mv = req.mv[req.free():]
    if hasattr(body, "readinto"):
        while True:
            n = body.readinto(mv)
            if not n:
                return keep
            await req.send(mv[:n])
    room = 6 if chunked else 0          # for "%04x\r\n" before the data, CRLF after
    cap = len(mv) - room - 2
    n = 0
    for p in body:
        if isinstance(p, str):
            p = memoryview(p)  # type: ignore[arg-type]  # a str's UTF-8 bytes, not copied
        elif not isinstance(p, (bytes, bytearray, memoryview)):
            await p                     # an awaitable piece: a page reading ahead
            continue
        if n + len(p) > cap:
            rest = _chunk(req, mv, n, room)
            if rest:
                await req.send(rest)
            n = 0
            if len(p) > cap:
                if chunked:
                    await req.send(b"%x\r\n" % len(p))
                await req.send(p)
                if chunked:
                    await req.send(b"\r\n")
                continue
        mv[room + n:room + n + len(p)] = p
        n += len(p)
    rest = _chunk(req, mv, n, room)
    if rest:
        await req.send(rest)
    if chunked:
        await req.send(b"0\r\n\r\n")
    return keep


def _chunk(req, mv, n, room):
    """Send the n bytes after room in mv (framed as a chunk when room is set) as far as
    the socket takes them now; returns what is left. Not a coroutine: when the socket
    takes it all, as it mostly does, no coroutine is made at a page's peak."""
    if not n:
        return None
    if room:
        mv[:room] = b"%04x\r\n" % n
        mv[room + n:room + n + 2] = b"\r\n"
        n += room + 2
    return req.put(mv[:n])
