"""The HTTP core against good and bad input, over loopback, on the simulated board."""
import gzip
import hashlib
import json
import os
import random
import socket
import time

import pytest

from conftest import httpcore
from rawhttp import Raw, request


@pytest.fixture(scope="module")
def board(httpcore_board):
    return httpcore_board


@pytest.fixture(scope="module", params=["roomy", "small"])
def upload_board(request, httpcore_board, tmp_path_factory):
    """Multipart bodies go through an 8 KB buffer on a roomy heap, through the
    connection's 1 KB buffer where 64 KB or less are free (esp8266 mode): both are tested."""
    if request.param == "roomy":
        yield httpcore_board
        return
    b = httpcore(tmp_path_factory, "httpcore-small", chip="esp8266", heap="96K", mpy=True)
    yield b
    b.stop()


def alive(board):
    assert board.status()["version"] == "sim-1.0.0"


def echo(board, raw):
    status, headers, body = request(board.port, raw)
    assert status == 200, body
    return json.loads(body)


# --- request line, path and query ---

@pytest.mark.parametrize("target", ["/echo", "//echo", "/./echo", "/x/../echo", "/%65cho",
                                    "/echo/", "/../../echo", "/x/%2E%2E/echo"])
def test_paths_are_normalised(board, target):
    got = echo(board, b"GET %s HTTP/1.1\r\nHost: b\r\n\r\n" % target.encode())
    assert got["path"] == "/echo"


def test_paths_are_case_sensitive(board):
    status, _, _ = request(board.port, b"GET /ECHO HTTP/1.1\r\nHost: b\r\n\r\n")
    assert status == 404


def test_query_decoding(board):
    got = echo(board, b"GET /echo?a=1+2&b=%C3%A9t%C3%A9&c=%26%3D&a=ignored&empty= HTTP/1.1\r\n\r\n")
    assert got["args"] == {"a": "1 2", "b": "\u00e9t\u00e9", "c": "&=", "empty": ""}


def test_absolute_form_target(board):
    got = echo(board, b"GET http://captive.apple.com/echo?x=1 HTTP/1.1\r\nHost: captive.apple.com\r\n\r\n")
    assert got["path"] == "/echo" and got["args"] == {"x": "1"}


def test_headers_are_lowercased_and_folded_duplicates_joined(board):
    got = echo(board, b"GET /echo HTTP/1.1\r\nX-Thing: a\r\nx-thing:  b \r\nUser-Agent: t\r\n\r\n")
    assert got["headers"]["x-thing"] == "a, b"
    assert got["headers"]["user-agent"] == "t"


def test_head_has_length_but_no_body(board):
    c = Raw(board.port)
    c.send(b"HEAD /stream?n=10 HTTP/1.1\r\n\r\nGET /_ac/status HTTP/1.1\r\n\r\n")
    status, headers, body = c.response(head=True)
    assert status == 200 and body == b""
    assert int(headers["content-length"]) == len("".join("line %d\n" % i for i in range(10)))
    status, _, body = c.response()
    assert status == 200 and json.loads(body)["chip"] == "esp32"
    c.close()


def test_not_found_and_method_not_allowed(board):
    assert request(board.port, b"GET /missing HTTP/1.1\r\n\r\n")[0] == 404
    status, headers, _ = request(board.port, b"DELETE /echo HTTP/1.1\r\n\r\n")
    assert status == 405
    assert set(headers["allow"].split(", ")) == {"GET", "POST", "PUT", "HEAD"}


# --- keep-alive ---

def test_keep_alive_and_pipelining(board):
    c = Raw(board.port)
    c.send(b"GET /echo?i=1 HTTP/1.1\r\n\r\nGET /echo?i=2 HTTP/1.1\r\n\r\n")
    assert json.loads(c.response()[2])["args"] == {"i": "1"}
    assert json.loads(c.response()[2])["args"] == {"i": "2"}
    c.send(b"GET /echo?i=3 HTTP/1.1\r\nConnection: close\r\n\r\n")
    status, headers, body = c.response()
    assert headers["connection"] == "close" and json.loads(body)["args"] == {"i": "3"}
    assert c.closed()


def test_keep_alive_request_limit(board):
    c = Raw(board.port)
    c.send(b"GET /echo HTTP/1.1\r\n\r\n" * 100)
    for i in range(99):
        status, headers, _ = c.response()
        assert status == 200 and "connection" not in headers
    status, headers, _ = c.response()
    assert headers["connection"] == "close"
    assert c.closed()


def test_redirect(board):
    status, headers, body = request(board.port, b"GET /go HTTP/1.1\r\n\r\n")
    assert status == 302 and headers["location"] == "/echo?from=go" and body == b""
    assert headers["content-length"] == "0"


def test_http10_closes_unless_keep_alive(board):
    c = Raw(board.port)
    c.send(b"GET /echo HTTP/1.0\r\n\r\n")
    assert c.response()[0] == 200
    assert c.closed()
    c = Raw(board.port)
    c.send(b"GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    status, headers, _ = c.response()
    assert headers["connection"] == "keep-alive"
    c.send(b"GET /echo HTTP/1.0\r\n\r\n")
    assert c.response()[0] == 200
    assert c.closed()


def test_http10_stream_ends_with_close(board):
    c = Raw(board.port)
    c.send(b"GET /stream?n=300 HTTP/1.0\r\n\r\n")
    status, headers, body = c.response()
    assert "content-length" not in headers and "transfer-encoding" not in headers
    assert body == "".join("line %d\n" % i for i in range(300)).encode()


def test_chunked_response(board):
    c = Raw(board.port)
    c.send(b"GET /stream?n=1000 HTTP/1.1\r\n\r\n")
    status, headers, body = c.response()
    assert headers["transfer-encoding"] == "chunked"
    assert body == "".join("line %d\n" % i for i in range(1000)).encode()
    c.send(b"GET /echo HTTP/1.1\r\n\r\n")          # still usable afterwards
    assert c.response()[0] == 200


# --- request bodies ---

def test_content_length_body(board):
    data = os.urandom(50000)
    got = echo(board, b"POST /echo HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
    assert got["len"] == len(data) and got["sha256"] == hashlib.sha256(data).hexdigest()


def test_chunked_body_with_extensions_and_trailers(board):
    data = os.urandom(20000)
    chunks = [data[i:i + 777] for i in range(0, len(data), 777)]
    body = b"".join(b"%X;ext=1\r\n%s\r\n" % (len(ch), ch) for ch in chunks) + b"0\r\nX-Trailer: 1\r\n\r\n"
    c = Raw(board.port)
    c.send(b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    got = json.loads(c.response()[2])
    assert got["sha256"] == hashlib.sha256(data).hexdigest()
    c.send(b"GET /echo?after=1 HTTP/1.1\r\n\r\n")
    assert json.loads(c.response()[2])["args"] == {"after": "1"}


def test_expect_100_continue(board):
    c = Raw(board.port)
    c.send(b"POST /echo HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
    assert c._line() == b"HTTP/1.1 100 Continue"
    assert c._line() == b""
    c.send(b"hello")
    assert json.loads(c.response()[2])["sha256"] == hashlib.sha256(b"hello").hexdigest()


def test_urlencoded_form(board):
    body = "name=J%C3%BCrgen+M&pass=a%26b%3Dc&name=second".encode()
    status, _, out = request(board.port, b"POST /form?q=1&name=query HTTP/1.1\r\nContent-Type: "
                             b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
                             % len(body) + body)
    assert status == 200
    assert json.loads(out) == {"name": "J\u00fcrgen M", "pass": "a&b=c", "q": "1"}


def test_form_too_large_is_413(board):
    body = b"a=" + b"x" * 5000
    status, _, _ = request(board.port, b"POST /form HTTP/1.1\r\nContent-Length: %d\r\n\r\n"
                           % len(body) + body)
    assert status == 413
    alive(board)


# --- multipart ---

def multipart(parts, boundary="----AcBoundary7MA4YWxkTrZu0gW"):
    out = b""
    for name, filename, data in parts:
        disp = b'form-data; flag; name="%s"' % name.encode()
        if filename is not None:
            disp += b'; filename="%s"' % filename.encode()
        out += b"--%s\r\nContent-Disposition: %s\r\n" % (boundary.encode(), disp)
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    return out + b"--%s--\r\n" % boundary.encode(), boundary


def post_upload(board, body, boundary, sender=None):
    head = (b"POST /upload HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=%s\r\n"
            b"Content-Length: %d\r\n\r\n" % (boundary.encode(), len(body)))
    c = Raw(board.port, timeout=60)
    if sender:
        sender(c, head + body)
    else:
        c.send(head + body)
    status, _, out = c.response()
    c.close()
    return status, out


def test_multipart_is_binary_safe(upload_board, request):
    board = upload_board
    boundary = "----AcBoundary7MA4YWxkTrZu0gW"
    nasty = (b"\r\n--" + boundary.encode()[:-1] + b"\r\n" + b"\r\n--" + b"\r\r\n\n--\r\n") * 50
    files = [("firmware", 'we;ird \\"name\\".bin', os.urandom(30000) + nasty + os.urandom(1000)),
             ("md5", None, b"0123456789abcdef"), ("empty", "e.bin", b""),
             ("text", None, "caf\u00e9".encode())]
    body, boundary = multipart(files, boundary)
    status, out = post_upload(board, b"preamble to ignore\r\n" + body, boundary)
    assert status == 200, out
    got = json.loads(out)["parts"]
    assert [(p["name"], p["filename"], p["size"], p["sha256"]) for p in got] == [
        (n, f and f.replace("\\", ""), len(d), hashlib.sha256(d).hexdigest()) for n, f, d in files]
    largest = got[0]["largest"]                 # the 36 KB part comes in buffer-sized chunks
    if request.node.callspec.params["upload_board"] == "roomy":
        assert largest > 4096, largest
    else:
        assert 0 < largest <= 1024, largest


def test_multipart_split_into_tiny_reads(upload_board):
    """Boundaries split across reads: the request trickles in pieces of 1..9 bytes."""
    board = upload_board
    rnd = random.Random(7)
    files = [("a", "a.bin", os.urandom(3000)), ("b", "b.bin", os.urandom(2000))]
    body, boundary = multipart(files)

    def trickle(c, data):
        i = 0
        while i < len(data):
            k = rnd.randint(1, 9)
            c.send(data[i:i + k])
            i += k
            if rnd.random() < 0.02:
                time.sleep(0.002)
    status, out = post_upload(board, body, boundary, trickle)
    assert status == 200, out
    got = json.loads(out)["parts"]
    assert [p["sha256"] for p in got] == [hashlib.sha256(d).hexdigest() for _, _, d in files]


@pytest.mark.parametrize("case", ["no-boundary", "truncated", "no-name", "bad-line", "long-header",
                                  "no-final"])
def test_broken_multipart_is_400(upload_board, case):
    board = upload_board
    ok = b"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\nDATA\r\n--XyZ--\r\n"
    bodies = {
        "no-boundary": (ok, "multipart/form-data"),
        "truncated": (ok[:60], "multipart/form-data; boundary=XyZ"),
        "no-name": (b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nD\r\n--XyZ--\r\n",
                    "multipart/form-data; boundary=XyZ"),
        "bad-line": (b"--XyZjunk\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nD\r\n--XyZ--\r\n",
                     "multipart/form-data; boundary=XyZ"),
        "long-header": (b"--XyZ\r\nContent-Disposition: form-data; name=\"" + b"n" * 3000 + b"\"\r\n\r\nD\r\n--XyZ--\r\n",
                        "multipart/form-data; boundary=XyZ"),
        "no-final": (b"--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nDATA without end",
                     "multipart/form-data; boundary=XyZ"),
    }
    body, ctype = bodies[case]
    status, _, out = request(board.port, b"POST /upload HTTP/1.1\r\nContent-Type: %s\r\n"
                             b"Content-Length: %d\r\n\r\n" % (ctype.encode(), len(body)) + body)
    assert status == 400, out
    alive(board)


# --- malformed requests ---

BAD = [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /echo\r\n\r\n", 400),
    (b"GET  /echo HTTP/1.1\r\n\r\n", 400),
    (b"G(T /echo HTTP/1.1\r\n\r\n", 400),
    (b"GET /echo HTTP/2.0\r\n\r\n", 505),
    (b"GET /echo FTP/1.1\r\n\r\n", 400),
    (b"\xff\xfe /echo HTTP/1.1\r\n\r\n", 400),
    (b"GET /%zz HTTP/1.1\r\n\r\n", 400),
    (b"GET /a%00b HTTP/1.1\r\n\r\n", 400),
    (b"GET /%C3%28 HTTP/1.1\r\n\r\n", 400),
    (b"GET /echo?a=%G1 HTTP/1.1\r\n\r\n", 400),
    (b"GET /" + b"a" * 2000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET /echo HTTP/1.1\r\nX-Big: " + b"b" * 2000 + b"\r\n\r\n", 431),
    (b"GET /echo HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(40)) + b"\r\n", 431),
    (b"GET /echo HTTP/1.1\r\n" + b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 300) for i in range(20)) + b"\r\n", 431),
    (b"GET /echo HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
    (b"GET /echo HTTP/1.1\r\nBad Name: v\r\n\r\n", 400),
    (b"GET /echo HTTP/1.1\r\n folded: v\r\n\r\n", 400),
    (b"GET /echo HTTP/1.1\r\nX: \xff\xff\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    (b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n123456789\r\nabc\r\n0\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX\r\n0\r\n\r\n", 400),
    (b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400),
]


@pytest.mark.parametrize("raw,status", BAD, ids=range(len(BAD)))
def test_malformed_requests(board, raw, status):
    c = Raw(board.port)
    c.send(raw)
    got, headers, _ = c.response()
    assert got == status
    assert headers.get("connection") == "close"
    assert c.closed()


def test_truncated_body_leaves_server_running(board):
    c = Raw(board.port)
    c.send(b"POST /echo HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
    c.sock.shutdown(socket.SHUT_WR)
    assert c.closed()
    c = Raw(board.port)
    c.send(b"GET /echo HTTP/1.1\r\nHost: x")          # truncated headers, then gone
    c.sock.shutdown(socket.SHUT_WR)
    status, _, _ = c.response()
    assert status == 400
    alive(board)


def test_handler_exception_is_500_and_server_survives(board):
    for _ in range(3):
        status, _, body = request(board.port, b"GET /boom HTTP/1.1\r\n\r\n")
        assert status == 500 and b"Internal Server Error" in body
    assert "ValueError: boom" in board.log()
    alive(board)


# --- files and auth ---

def test_static_file_gzip_and_plain(board):
    css = b"body{color:#123}\n" * 200
    www = board.state / "fs" / "www"
    www.mkdir(exist_ok=True)
    (www / "asset.css").write_bytes(css)
    (www / "asset.css.gz").write_bytes(gzip.compress(css))
    status, headers, body = request(board.port, b"GET /asset.css HTTP/1.1\r\nAccept-Encoding: gzip, br\r\n\r\n")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == css
    assert "max-age" in headers["cache-control"] and headers["content-type"] == "text/css"
    status, headers, body = request(board.port, b"GET /asset.css HTTP/1.1\r\n\r\n")
    assert status == 200 and "content-encoding" not in headers and body == css
    (www / "asset.css").unlink()
    status, headers, body = request(board.port, b"GET /asset.css HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n")
    assert status == 200 and gzip.decompress(body) == css
    (www / "asset.css.gz").unlink()
    assert request(board.port, b"GET /asset.css HTTP/1.1\r\n\r\n")[0] == 404


@pytest.mark.parametrize("auth,ok", [(None, False), ("admin:s3cr3t", True), ("admin:s3cr3", False),
                                     ("admin:s3cr3tX", False), ("Admin:s3cr3t", False),
                                     (":", False), ("admin", False), ("", False)])
def test_basic_auth(board, auth, ok):
    import base64
    h = b""
    if auth is not None:
        h = b"Authorization: Basic %s\r\n" % base64.b64encode(auth.encode())
    status, headers, body = request(board.port, b"GET /secret HTTP/1.1\r\n%s\r\n" % h)
    if ok:
        assert status == 200 and body == b"welcome"
    else:
        assert status == 401 and headers["www-authenticate"] == 'Basic realm="AUTOCONNECT"'


def test_basic_auth_garbage_header(board):
    for h in (b"Basic !!!", b"Bearer abc", b"Basic", b"basic YWRtaW46czNjcjN0"):
        status, _, _ = request(board.port, b"GET /secret HTTP/1.1\r\nAuthorization: %s\r\n\r\n" % h)
        assert status == (200 if h.startswith(b"basic Y") else 401)
