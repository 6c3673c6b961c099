"""HTTP handler: `_catalog` listings, the HTML page and file downloads with AutoConnect's headers.

The server object carries the configuration: `catalog` (Catalog), `gate` (bool) and `auth`
(BasicAuth or None)."""
import logging
import os
import re
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from tools.updateserver import checks, page, ranges
from tools.updateserver.catalog import to_json
from tools.updateserver.fileheaders import file_headers
from tools.updateserver.paths import Traversal, relative, split_target

log = logging.getLogger("updateserver")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
TRAVERSAL = "Path traversal detected"


def _printable(text):
    """Text for a log line with control characters escaped."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"    # answers to garbage still get a status line
    server_version = "AutoConnectUpdateServer/1.0"
    timeout = 30                    # seconds a client may stay silent (socket timeout)

    def version_string(self):
        return self.server_version

    def handle_one_request(self):
        """One request, then one access log line: client, request line, status, body bytes."""
        self._status, self._sent, self._body = None, 0, True
        super().handle_one_request()
        if self._status is not None:
            log.info('%s "%s" %s %d', self.client_address[0], _printable(self.requestline),
                     self._status, self._sent)

    def log_request(self, code="-", size="-"):
        self._status = int(code)

    def log_message(self, format, *args):
        log.debug("%s %s", self.client_address[0], _printable(format % args))

    def send_error(self, code, message=None, explain=None):
        """Errors found by http.server itself (malformed request, unsupported method)."""
        self.close_connection = True
        self._body = self.command != "HEAD"
        self._text(code, message or self.responses.get(code, ("Error",))[0],
                   {"Connection": "close"})

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._body = False
        self._dispatch()

    def _dispatch(self):
        auth = self.server.auth
        if auth and not auth.accepts(self.headers.get("Authorization")):
            return self._text(401, "Authentication required",
                              {"WWW-Authenticate": f'Basic realm="{auth.realm}"'})
        try:
            path, query = split_target(self.path)
        except ValueError:
            return self._text(400, "Bad request path")
        name = path.lstrip("/")
        if name == "_catalog":
            return self._catalog(query)
        if name in ("", "index.html"):
            return self._page(query)
        return self._download(path)

    def _query(self, query):
        """The first value of each query field."""
        fields = parse_qs(query, keep_blank_values=True, max_num_fields=32,
                          errors="surrogateescape")
        return {k: v[0] for k, v in fields.items()}

    def _folder(self, query, render):
        """Answer a folder request (listing or page) with render(folder, entries)."""
        try:
            folder = self._query(query).get("path", ".")
            entries = self.server.catalog.listing(folder)
        except Traversal:
            return self._text(403, TRAVERSAL)
        except ValueError:
            return self._text(400, "Bad query")
        except OSError:
            return self._text(404, "No such folder")
        return render(folder, entries)

    def _catalog(self, query):
        try:
            op = self._query(query).get("op")
        except ValueError:
            return self._text(400, "Bad query")
        if op is None:
            return self._text(403, "Missing op")
        if op != "list":
            return self._text(403, "Unknown op")
        self._folder(query, lambda _, entries: self._send(200, to_json(entries),
                                                          "application/json"))

    def _page(self, query):
        def render(folder, entries):
            catalog, rel = self.server.catalog, relative(folder)
            rows = [(e, None if e["type"] == "directory"
                     else catalog.info(page.join(rel, e["name"]))) for e in entries]
            self._send(200, page.render(rel, rows), "text/html; charset=utf-8")
        self._folder(query, render)

    def _download(self, path):
        catalog = self.server.catalog
        try:
            real = catalog.resolve(path)
        except Traversal:
            return self._text(403, TRAVERSAL)
        except ValueError:
            return self._text(400, "Bad request path")
        refusal = self.server.gate and checks.gate_refusal(self.headers)
        if refusal:
            return self._text(403, refusal)
        f = catalog.open(real)
        if f is None:
            return self._text(404, "Not found")
        with f:
            self._send_file(f, os.path.basename(real))

    def _send_file(self, f, name):
        """200, 206, 304 or 416 for an open catalog file."""
        info = self.server.catalog.describe(f)
        headers = {**file_headers(name, info), "Accept-Ranges": "bytes"}
        if checks.not_modified(self.headers, info):
            return self._head(304, headers)
        size = os.fstat(f.fileno()).st_size
        try:
            span = ranges.parse(self.headers.get("Range"), size)
        except ranges.Unsatisfiable:
            return self._text(416, "Range not satisfiable", {"Content-Range": f"bytes */{size}"})
        start, stop = span or (0, size)
        if span:
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
        headers["Content-Length"] = str(stop - start)
        self._head(206 if span else 200, headers)
        if self._body and stop > start:
            self._stream(f, start, stop - start)

    def _stream(self, f, offset, count):
        """Send count bytes of f from offset with sendfile(); a short or failed send closes."""
        try:
            self._sent += self.connection.sendfile(f, offset, count)
        except OSError as e:
            log.debug("%s: sending stopped: %s", self.client_address[0], e)
        if self._sent < count:
            self.close_connection = True

    def _head(self, status, headers):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()

    def _send(self, status, data, content_type, headers=None):
        self._head(status, {"Content-Type": content_type, "Content-Length": str(len(data)),
                            **(headers or {})})
        if self._body:
            self.wfile.write(data)
            self._sent += len(data)

    def _text(self, status, text, headers=None):
        self._send(status, (text + "\n").encode(), "text/plain; charset=utf-8", headers)

