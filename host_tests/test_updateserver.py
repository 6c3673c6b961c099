"""tools.updateserver: AutoConnect's catalog and download protocol over real HTTP (127.0.0.1)."""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from base64 import b64encode
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT
from updateserverproc import GATE, SECRET, UpdateServer, md5

from tools import appimage, bundle

WHEN = time.mktime((2026, 11, 26, 21, 46, 20, 0, 0, -1))


def write_catalog(base):
    """A catalog with every entry type, a secret next to it and symlinks pointing out."""
    (base / "secret.txt").write_bytes(SECRET)
    cat = base / "catalog"
    (cat / "sub" / "deeper").mkdir(parents=True)
    files = {"app.bin": appimage.build("2.0.0"),
             "big.bin": appimage.build("3.0.0", size=1536 * 1024),
             "notimage.bin": b"not an image\n",
             "app.acb": bundle.build("3.1.0", [("main.py", b"print('hi')\n")]),
             "readme.txt": b"hello\n",
             "we<ird>.txt": b"odd name\n",
             "mutable.bin": b"version one\n",
             "sub/other.bin": appimage.build("1.1.0", size=8192)}
    for name, data in files.items():
        (cat / name).write_bytes(data)
    os.utime(cat / "app.bin", (WHEN, WHEN))
    (cat / "leak").symlink_to(base / "secret.txt")
    (cat / "leakdir").symlink_to(base)
    (cat / "inside").symlink_to("app.bin")
    return cat, files


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    base = tmp_path_factory.mktemp("updateserver")
    cat, files = write_catalog(base)
    return base, cat, files


@pytest.fixture(scope="module")
def server(tree):
    base, cat, _ = tree
    s = UpdateServer(cat, logdir=base)
    yield s
    s.stop()


@pytest.fixture
def start(tree):
    """Start extra servers on the shared catalog; stopped at the end of the test."""
    started = []

    def make(*args, catalog=None, cwd=ROOT):
        s = UpdateServer(catalog or tree[1], *args, cwd=cwd, logdir=tree[0])
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


# --- catalog ---------------------------------------------------------------------------------

def test_catalog_lists_every_kind(server, tree):
    _, cat, files = tree
    entries = server.listing()
    by_name = {e["name"]: e for e in entries}
    assert [e["name"] for e in entries] == sorted(by_name)
    assert {n: e["type"] for n, e in by_name.items()} == {
        "app.acb": "bundle", "app.bin": "bin", "big.bin": "bin", "inside": "file",
        "mutable.bin": "file", "notimage.bin": "file", "readme.txt": "file", "sub": "directory",
        "we<ird>.txt": "file"}
    assert by_name["app.bin"] == {"name": "app.bin", "type": "bin", "date": "11/26/26",
                                  "time": "21:46:20", "size": len(files["app.bin"])}
    for e in entries:
        assert set(e) == {"name", "type", "date", "time", "size"}
        assert re.fullmatch(r"\d\d/\d\d/\d\d", e["date"]) and re.fullmatch(r"\d\d:\d\d:\d\d",
                                                                              e["time"])
        assert len(json.dumps(e, separators=(",", ":"))) < 256
    assert by_name["readme.txt"]["size"] == 6


def test_catalog_body_is_compact(server):
    status, _, body = server.request("/_catalog?op=list&path=sub")
    assert status == 200 and b", " not in body and b": " not in body


@pytest.mark.parametrize("path", ["sub", "/sub", "./sub", "sub/", "//sub", "sub/./"])
def test_catalog_sub_folder(server, path):
    assert [(e["name"], e["type"]) for e in server.listing(path)] == [
        ("deeper", "directory"), ("other.bin", "bin")]


@pytest.mark.parametrize("path", ["", ".", "/", "./"])
def test_catalog_root_spellings(server, path):
    assert server.listing(path) == server.listing()


@pytest.mark.parametrize("query, status, reason", [
    ("/_catalog", 403, b"Missing op"), ("/_catalog?path=sub", 403, b"Missing op"),
    ("/_catalog?op=delete", 403, b"Unknown op"), ("/_catalog?op=list&path=nope", 404, b""),
    ("/_catalog?op=list&path=app.bin", 404, b""),
    ("/_catalog?op=list&path=..", 403, b"Path traversal detected"),
    ("/_catalog?op=list&path=../", 403, b"Path traversal detected"),
    ("/_catalog?op=list&path=/..", 403, b"Path traversal detected"),
    ("/_catalog?op=list&path=sub/../..", 403, b"Path traversal detected"),
    ("/_catalog?op=list&path=%2e%2e", 403, b"Path traversal detected"),
    ("/_catalog?op=list&path=..%5c", 403, b"Path traversal detected"),
    ("/_catalog?op=list&path=leakdir", 403, b"Path traversal detected"),
    ("/_catalog?op=list&path=%252e%252e", 404, b""),
    ("/_catalog?op=list&path=%00", 400, b""),
])
def test_catalog_errors(server, tree, query, status, reason):
    got, headers, body = server.request(query)
    assert got == status and reason in body
    assert b"secret.txt" not in body and SECRET not in body


def test_relative_and_absolute_catalog(start, tree):
    base, cat, files = tree
    for s in (start(catalog=cat.name, cwd=base), start(catalog=cat)):
        assert {e["name"]: e["type"] for e in s.listing("sub")}["deeper"] == "directory"
        assert s.request("/sub/other.bin", GATE)[2] == files["sub/other.bin"]


@pytest.mark.parametrize("args, message", [
    (["-d", "no/such/folder"], "catalog folder not found"),
    (["--auth", "nocolon"], "USER:PASS"), (["--auth", ":pw"], "USER:PASS"),
    (["-l", "chatty"], "invalid choice"), (["-p", "70000"], "0..65535")])
def test_cli_errors(tree, args, message):
    r = subprocess.run([sys.executable, "-m", "tools.updateserver", *args], cwd=tree[0],
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2 and message in r.stderr


# --- downloads -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, version", [
    ("app.bin", "2.0.0"), ("big.bin", "3.0.0"), ("app.acb", "3.1.0"), ("sub/other.bin", "1.1.0"),
    ("notimage.bin", None), ("readme.txt", None)])
def test_download_headers(server, tree, name, version):
    data = tree[2][name]
    status, headers, body = server.request("/" + name, GATE)
    assert status == 200 and body == data
    assert headers["x-md5"] == md5(data) and headers["x-md5"].islower()
    assert headers.get("x-version") == version
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-disposition"] == f"attachment; filename={name.split('/')[-1]}"
    assert headers["content-length"] == str(len(data))
    assert headers["accept-ranges"] == "bytes"


def test_head_has_the_headers_without_body(server):
    _, get_headers, _ = server.request("/app.bin", GATE)
    status, headers, body = server.request("/app.bin", GATE, method="HEAD")
    assert status == 200 and body == b""
    get_headers.pop("date"), headers.pop("date")
    assert headers == get_headers


@pytest.mark.parametrize("headers, status, reason", [
    ({}, 403, b"ESP32-http-Update"),
    ({"User-Agent": "Mozilla/5.0", "x-ESP32-STA-MAC": "AA"}, 403, b"ESP32-http-Update"),
    ({"User-Agent": "ESP32-http-Update"}, 403, b"Missing header x-ESP32-STA-MAC"),
    ({"x-ESP32-STA-MAC": "AA:BB:CC:DD:EE:FF"}, 403, b"ESP32-http-Update"),
    ({"User-Agent": "ESP32-http-Update", "x-ESP8266-STA-MAC": "AA"}, 403, b"x-ESP32-STA-MAC"),
    ({"User-Agent": "ESP8266-http-Update", "x-ESP8266-STA-MAC": "AA:BB"}, 200, b""),
    ({"user-agent": "ESP32-http-Update", "x-esp32-sta-mac": "AA:BB"}, 200, b""),
    ({"USER-AGENT": "ESP32-http-Update", "X-ESP32-STA-MAC": "AA:BB"}, 200, b""),
])
def test_header_gate(server, tree, headers, status, reason):
    got, _, body = server.request("/app.bin", headers)
    assert got == status and reason in body
    assert (body == tree[2]["app.bin"]) == (status == 200)


def test_header_gate_with_lowercase_names_on_the_wire(server, tree):
    status, _, body = server.raw(b"GET /app.bin HTTP/1.0\r\nuser-agent: ESP32-http-Update\r\n"
                                 b"x-esp32-sta-mac: 24:0A:C4:00:00:01\r\n\r\n")
    assert status == 200 and body == tree[2]["app.bin"]


def test_order_of_checks(server):
    assert server.request("/../secret.txt")[2] == b"Path traversal detected\n"
    assert server.raw(b"GET /../secret.txt HTTP/1.0\r\n\r\n")[0] == 403
    status, _, body = server.request("/nope.bin")
    assert status == 403 and b"http-Update" in body
    assert server.request("/nope.bin", GATE)[0] == 404


def test_no_header_check_and_clean_stop(start, tree):
    s = start("--no-header-check")
    status, _, body = s.request("/app.bin")
    assert status == 200 and body == tree[2]["app.bin"]
    assert f"http://127.0.0.1:{s.port}/" in s.out.read_text()
    assert s.stop() == 0


def test_request_forms(server, tree):
    files = tree[2]
    head = b"\r\nUser-Agent: ESP32-http-Update\r\nx-ESP32-STA-MAC: AA\r\nConnection: close\r\n\r\n"
    for target, name in [(b"app.bin", "app.bin"), (b"sub/other.bin", "sub/other.bin"),
                         (b"/app.bin?x=1&path=../../secret.txt", "app.bin"),
                         (b"/sub/other.bin?", "sub/other.bin"), (b"/%61pp.bin", "app.bin"),
                         (b"http://example.com/app.bin", "app.bin"), (b"/inside", "app.bin")]:
        status, _, body = server.raw(b"GET " + target + b" HTTP/1.0" + head)
        assert (status, body) == (200, files[name]), target
    for target in (b"/sub", b"/sub/", b"/nope.bin", b"/sub/deeper"):
        assert server.raw(b"GET " + target + b" HTTP/1.1\r\nHost: x" + head)[0] == 404, target


@pytest.mark.parametrize("header, value", [
    ("x-ESP32-version", lambda digest: "2.0.0"), ("x-ESP32-sketch-md5", str.upper),
    ("x-ESP32-sketch-md5", str.lower)])
def test_not_modified(server, tree, header, value):
    headers = {**GATE, header: value(md5(tree[2]["app.bin"]))}
    status, _, body = server.request("/app.bin", headers)
    assert status == 304 and body == b""


def test_not_modified_esp8266_and_modified(server, tree):
    esp8266 = {"User-Agent": "ESP8266-http-Update", "x-ESP8266-STA-MAC": "AA"}
    assert server.request("/app.acb", {**esp8266, "x-ESP8266-version": "3.1.0"})[0] == 304
    status, _, body = server.request("/app.bin", {**GATE, "x-ESP32-version": "1.0.0",
                                                  "x-ESP32-sketch-md5": "0" * 32})
    assert status == 200 and body == tree[2]["app.bin"]


def test_ranges_and_resume(server, tree):
    data = tree[2]["big.bin"]
    size = len(data)
    for spec, part, first in [("bytes=0-99", data[:100], 0), ("bytes=-50", data[-50:], size - 50),
                              ("bytes=100-", data[100:], 100),
                              (f"bytes=10-{size + 99}", data[10:], 10)]:
        status, headers, body = server.request("/big.bin", {**GATE, "Range": spec})
        assert (status, body) == (206, part), spec
        assert headers["content-range"] == f"bytes {first}-{first + len(part) - 1}/{size}"
        assert headers["content-length"] == str(len(part))
        assert headers["x-md5"] == md5(data)
    got = server.request("/big.bin", {**GATE, "Range": "bytes=0-999"})[2]
    got += server.request("/big.bin", {**GATE, "Range": f"bytes={len(got)}-"})[2]
    assert got == data
    for spec in (f"bytes={size}-", "bytes=-0", f"bytes={size + 5}-{size + 9}"):
        status, headers, _ = server.request("/big.bin", {**GATE, "Range": spec})
        assert status == 416 and headers["content-range"] == f"bytes */{size}", spec
    status, _, body = server.request("/big.bin", {**GATE, "Range": "bytes=abc"})
    assert status == 200 and body == data


def test_md5_follows_file_changes(server, tree):
    path = tree[1] / "mutable.bin"
    for content in (b"version one\n", b"version two, longer\n", b"version 3, longer!!\n"):
        path.write_bytes(content)
        os.utime(path, ns=(time.time_ns(), time.time_ns() + len(content)))
        status, headers, _ = server.request("/mutable.bin", GATE, method="HEAD")
        assert status == 200 and headers["x-md5"] == md5(content)
        assert headers["content-length"] == str(len(content))


# --- traversal -------------------------------------------------------------------------------

TRAVERSALS = [
    "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
    "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt", "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt", "/..%252fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt",
    "/%5c..%5csecret.txt", "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
    "/./../secret.txt", "/sub/./../../secret.txt", "//../secret.txt", "/..//secret.txt",
    "/leak", "/leak?x", "/%6ceak", "/leakdir/secret.txt", "/leakdir/catalog/../secret.txt",
    "/leak%00", "/leak%00.bin", "/secret.txt%00.bin", "/../secret.txt%00", "/..%00/secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/%c0%ae%c0%ae%c0%afsecret.txt", "/..%c0%afsecret.txt",
    "/%uff0e%uff0e/secret.txt", "/_catalog/../../secret.txt", "/sub%2f..%2f..%2fsecret.txt",
    "http://127.0.0.1/../secret.txt", "http://x/%2e%2e/secret.txt", "/....//secret.txt",
    "/.../secret.txt", "/..;/secret.txt", "/ABS", "//ABS", "ABS", "/%2fABS",
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/leakdir/../../../etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_variants_never_leak(server, tree, target):
    secret_path = str(tree[0] / "secret.txt").lstrip("/")
    target = target.replace("ABS", secret_path)
    request = (f"GET {target} HTTP/1.0\r\nUser-Agent: ESP32-http-Update\r\n"
               "x-ESP32-STA-MAC: AA\r\n\r\n").encode("latin-1")
    status, _, body = server.raw(request)
    assert status in (400, 403, 404), (target, status)
    assert SECRET not in body and b"root:" not in body


@pytest.mark.parametrize("target", ["/../secret.txt", "/%2e%2e/secret.txt", "/leak",
                                    "/leakdir/secret.txt", "/..%5csecret.txt"])
def test_traversal_is_forbidden(server, target):
    status, _, body = server.raw(f"GET {target} HTTP/1.0\r\n\r\n".encode())
    assert status == 403 and body == b"Path traversal detected\n"


# --- concurrency, robustness ---------------------------------------------------------------

def test_concurrent_downloads(server, tree):
    data = tree[2]["big.bin"]
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: server.request("/big.bin", GATE, timeout=30), range(20)))
    assert [(s, md5(b)) for s, _, b in results] == [(200, md5(data))] * 20


def test_stalled_clients_do_not_block_others(server, tree):
    stalled = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
    try:
        for i, s in enumerate(stalled):
            s.sendall(b"GET /app.bin HTTP/1.1\r\nHost: x\r\n" if i % 2 else b"GE")
        slow = socket.create_connection(("127.0.0.1", server.port))
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(b"GET /big.bin HTTP/1.0\r\nUser-Agent: ESP32-http-Update\r\n"
                     b"x-ESP32-STA-MAC: AA\r\n\r\n")       # never read: the server blocks on it
        stalled.append(slow)
        start = time.monotonic()
        status, _, body = server.request("/app.bin", GATE, timeout=5)
        assert status == 200 and body == tree[2]["app.bin"]
        assert time.monotonic() - start < 5
    finally:
        for s in stalled:
            s.close()


def test_keep_alive(server, tree):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for name in ("app.bin", "readme.txt", "app.bin"):
            c.request("GET", "/" + name, headers=GATE)
            r = c.getresponse()
            assert r.status == 200 and r.read() == tree[2][name]
    finally:
        c.close()


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /_catalog?op=list&" + b"x=1&" * 15000 + b" HTTP/1.0\r\n\r\n", 400),
    (b"GET /_catalog?op=list&path=" + b"a" * 60000 + b" HTTP/1.0\r\n\r\n", 404),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.0\r\n\r\n", 414),
    (b"GET /app.bin HTTP/1.0\r\nno colon here\r\n\r\n", 403),
    (b"GET /app.bin HTTP/1.0\r\nUser-Agent: \xff\xfe\x00\r\n\r\n", 403),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
    (b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501),
    (b"GET / HTTP/9.9\r\n\r\n", 505),
])
def test_garbage_never_crashes(server, request_bytes, status):
    assert server.raw(request_bytes)[0] == status
    assert server.request("/_catalog?op=list")[0] == 200
    assert "Traceback" not in server.log()


# --- auth, log, page -------------------------------------------------------------------------

def test_basic_auth(start, tree):
    s = start("--auth", "admin:pa:ss")
    for headers in ({}, {"Authorization": "Basic " + b64encode(b"admin:wrong").decode()},
                    {"Authorization": "Basic !!!"}, {"Authorization": "Bearer x"}):
        status, got, _ = s.request("/_catalog?op=list", headers)
        assert status == 401 and got["www-authenticate"] == 'Basic realm="Update server"'
    assert s.request("/app.bin", GATE)[0] == 401
    good = {"Authorization": "Basic " + b64encode(b"admin:pa:ss").decode()}
    assert s.request("/_catalog?op=list", good)[0] == 200
    status, _, body = s.request("/app.bin", {**GATE, **good})
    assert status == 200 and body == tree[2]["app.bin"]


def test_access_log_line(server):
    server.request("/readme.txt?log-marker", GATE)
    deadline = time.monotonic() + 5
    line = re.compile(r'127\.0\.0\.1 "GET /readme\.txt\?log-marker HTTP/1\.1" 200 6$', re.M)
    while not line.search(server.log()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert line.search(server.log())


def test_index_page(server, tree):
    for path in ("/", "/index.html", "/?path=."):
        status, headers, body = server.request(path)
        assert status == 200 and headers["content-type"].startswith("text/html")
        page = body.decode()
        assert "app.bin" in page and "2.0.0" in page and md5(tree[2]["app.bin"]) in page
        assert "we&lt;ird&gt;.txt" in page and "we<ird>" not in page
        assert 'href="/?path=sub"' in page and "leak" not in page
    status, _, body = server.request("/?path=sub")
    assert status == 200 and b"other.bin" in body and b"1.1.0" in body
    assert b'href="/sub/other.bin"' in body
    assert server.request("/?path=..")[0] == 403
