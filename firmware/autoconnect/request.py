"""HTTP/1.x request parsing and streaming request bodies."""
from .conn import HTTPError, ClientGone
from .urlenc import normpath, parse_qs

MAX_HEADERS = 32
MAX_HEADER_BYTES = 4096
FORM_LIMIT = 4096
_TOKEN = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_HEXDIGITS = b"0123456789abcdefABCDEF"


def _token(b):
    if not b:
        return False
    for c in b:
        if c not in _TOKEN:
            return False
    return True


class Request:
    """A parsed request. `path` is normalised; `headers` keys are lowercase."""

    def __init__(self, conn, method, target, version, headers):
        self.conn = conn
        self.method = method
        self.version = version
        self.headers = headers
        path, _, self.query = target.partition("?")
        if path.startswith("http://") or path.startswith("https://"):
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        try:
            self.path = path if path == "*" else normpath(path)
        except ValueError as e:
            raise HTTPError(400, str(e))
        self._args = None
        self.chunked = False
        self._left = 0
        self._done = False
        self._seen = False
        self._continue = headers.get("expect", "").lower() == "100-continue"
        self._framing()

    def _framing(self):
        h = self.headers
        te = h.get("transfer-encoding")
        cl = h.get("content-length")
        if te is not None:
            if cl is not None:
                raise HTTPError(400, "both Content-Length and Transfer-Encoding")
            if te.lower() != "chunked":
                raise HTTPError(501, "unsupported Transfer-Encoding")
            self.chunked = True
        elif cl is not None:
            if not cl.isdigit() or len(cl) > 12:
                raise HTTPError(400, "bad Content-Length")
            self._left = int(cl)

    @property
    def args(self):
        """Query string fields (dict)."""
        if self._args is None:
            try:
                self._args = parse_qs(self.query)
            except ValueError:
                raise HTTPError(400, "bad query string")
        return self._args

    @property
    def host(self):
        return self.headers.get("host", "")

    @property
    def content_type(self):
        return self.headers.get("content-type", "")

    def keep_alive(self):
        c = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return c == "keep-alive"
        return c != "close"

    def has_body(self):
        return self.chunked or self._left > 0

    async def _send_continue(self):
        self._continue = False
        await self.conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")

    async def readinto(self, mv):
        """Read body bytes into mv; returns 0 at the end of the body."""
        if self._continue:
            await self._send_continue()
        if self.chunked and not self._left:
            await self._next_chunk()
        n = min(len(mv), self._left)
        if not n:
            return 0
        n = await self.conn.read_into(mv[:n])
        if not n:
            raise ClientGone()
        self._left -= n
        return n

    async def _next_chunk(self):
        if self._done:
            return
        conn = self.conn
        if self._seen:
            if await conn.line(400):
                raise HTTPError(400, "bad chunk")
        self._seen = True
        line = (await conn.line(400)).split(b";", 1)[0].strip()
        if not line or len(line) > 8 or any(c not in _HEXDIGITS for c in line):
            raise HTTPError(400, "bad chunk size")
        self._left = int(line, 16)
        if not self._left:
            self._done = True
            for _ in range(MAX_HEADERS):
                if not await conn.line(400):
                    return
            raise HTTPError(400, "too many trailers")

    async def read(self, limit=FORM_LIMIT):
        """The whole body as bytes; HTTPError(413) when longer than limit."""
        if not self.chunked and self._left > limit:
            raise HTTPError(413)
        out = bytearray()
        chunk = bytearray(256)
        while True:
            n = await self.readinto(chunk)
            if not n:
                return bytes(out)
            if len(out) + n > limit:
                raise HTTPError(413)
            out.extend(memoryview(chunk)[:n])

    async def form(self, limit=FORM_LIMIT):
        """Posted fields (urlencoded or multipart text fields) merged over the query args."""
        ct = self.content_type
        fields = {}
        try:
            if ct.startswith("multipart/form-data"):
                parts = self.multipart()
                while True:
                    part = await parts.next()
                    if part is None:
                        break
                    if part.filename is None and part.name not in fields:
                        fields[part.name] = await part.text(limit)
            elif self.has_body():
                parse_qs(await self.read(limit), fields)
        except ValueError:
            raise HTTPError(400, "bad form encoding")
        for k, v in self.args.items():
            fields.setdefault(k, v)
        return fields

    def multipart(self):
        """A streaming reader of a multipart/form-data body."""
        from .multipart import Multipart
        return Multipart(self)

    async def discard(self, limit=65536):
        """Skip what the handler left of the body; False when too much is left."""
        if not self.has_body() or self._done:
            return True
        if not self.chunked and self._left > limit:
            return False
        if self._continue:
            self._continue = False
            return not self._left and not self.chunked
        sink = bytearray(256)
        total = 0
        while total <= limit:
            n = await self.readinto(sink)
            if not n:
                return True
            total += n
        return False


async def read_request(conn):
    """Parse the request line and headers; None when the client closed cleanly."""
    try:
        line = await conn.line(414)
        if not line:                      # tolerate one empty line between requests
            line = await conn.line(414)
    except ClientGone:
        if conn.pending():
            raise HTTPError(400, "incomplete request")
        return None
    parts = line.split(b" ")
    if len(parts) != 3 or not _token(parts[0]) or not parts[1]:
        raise HTTPError(400, "bad request line")
    method, target, version = parts
    if version not in (b"HTTP/1.1", b"HTTP/1.0"):
        raise HTTPError(505 if version.startswith(b"HTTP/") else 400, "bad version")
    try:
        target = target.decode()
    except UnicodeError:
        raise HTTPError(400, "bad request target")
    headers = {}
    total = 0
    while True:
        try:
            line = await conn.line(431)
        except ClientGone:
            raise HTTPError(400, "incomplete headers")
        if not line:
            break
        total += len(line)
        if len(headers) >= MAX_HEADERS or total > MAX_HEADER_BYTES:
            raise HTTPError(431)
        i = line.find(b":")
        name = line[:i]
        if i <= 0 or not _token(name):
            raise HTTPError(400, "bad header")
        try:
            name = name.decode().lower()
            value = line[i + 1:].strip().decode()
        except UnicodeError:
            raise HTTPError(400, "bad header encoding")
        old = headers.get(name)
        if old is not None:
            if name in ("content-length", "host", "transfer-encoding"):
                raise HTTPError(400, "duplicate " + name)
            value = old + ", " + value
        headers[name] = value
    return Request(conn, method.decode(), target, version.decode(), headers)
