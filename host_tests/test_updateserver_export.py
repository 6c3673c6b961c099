"""tools.updateserver --export: the static tree served by Debian's nginx with the configuration
from tools/updateserver/nginx.conf.template answers like the Python server."""
import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, free_port, stop
from updateserverproc import GATE, SECRET, UpdateServer, md5
from tools import appimage, bundle
from tools.procs import wait_listening
from tools.updateserver import export

NGINX = "/usr/sbin/nginx"
FILES = {"app.bin": appimage.build("2.0.0"),
         "app.acb": bundle.build("3.1.0", [("main.py", b"print('hi')\n")]),
         "CASE.bin": appimage.build("1.0.0", size=4096),
         "case.bin": appimage.build("1.0.1", size=4096),
         "my app.bin": appimage.build("4.0.0", size=4096),
         "café.bin": b"\xe9 not really an image",
         "it's (1) [x].txt": b"parentheses\n",
         'quote"d.txt': b"quoted\n",
         "readme.txt": b"hello\n",
         "sub/other.bin": appimage.build("1.1.0", size=8192),
         "sub/deeper/deep.acb": bundle.build("0.9", [("a.py", b"")]),
         "odd/dollar$.bin": b"not exported\n",
         "odd/index.json/x.txt": b"a folder named like the per-folder answers: not exported\n"}
EXPORTED = [n for n in FILES if not n.startswith("odd/")]
URLS = {"my app.bin": "/my%20app.bin", "café.bin": "/caf%C3%A9.bin",
        "it's (1) [x].txt": "/it's%20(1)%20%5Bx%5D.txt", 'quote"d.txt': "/quote%22d.txt"}


def url(name):
    return URLS.get(name, "/" + name)


def run_export(catalog, dest, cwd):
    return subprocess.run([sys.executable, "-m", "tools.updateserver", "-d", str(catalog),
                           "--export", str(dest)], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)


def write_catalog(folder, files):
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


class Nginx:
    """Debian's nginx in the foreground, every path in workdir, on a free 127.0.0.1 port."""

    def __init__(self, workdir):
        self.port, self.workdir = free_port(), Path(workdir)
        w = self.workdir
        self.cmd = [NGINX, "-p", f"{w}/", "-c", f"{w}/nginx.conf", "-e", f"{w}/error.log"]
        self.error_log = w / "error.log"

    def configure(self, site):
        """Write nginx.conf around a site configuration (the http-context text)."""
        w = self.workdir
        w.mkdir(exist_ok=True)
        (w / "site.conf").write_text(site)
        (w / "nginx.conf").write_text(
            f"daemon off;\nmaster_process off;\npid {w}/nginx.pid;\nerror_log {w}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n    access_log {w}/access.log;\n    client_body_temp_path {w}/body;\n"
            f"    proxy_temp_path {w}/proxy;\n    fastcgi_temp_path {w}/fastcgi;\n"
            f"    uwsgi_temp_path {w}/uwsgi;\n    scgi_temp_path {w}/scgi;\n"
            f"    include {w}/site.conf;\n}}\n")
        return self

    def check(self):
        return subprocess.run(self.cmd + ["-t"], capture_output=True, text=True, timeout=30)

    def start(self, timeout=10):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_listening(self.port, timeout, self.proc)
        except RuntimeError as e:
            raise AssertionError(f"{e}:\n{self.proc.stderr.read().decode()}") from None
        except TimeoutError as e:
            raise AssertionError(f"{e}:\n{self.error_log.read_text()}") from None
        return self

    def stop(self):
        stop(self.proc)

    request = UpdateServer.request


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """(export folder, export run, Python server, nginx) for one catalog."""
    base = tmp_path_factory.mktemp("export")
    (base / "secret.txt").write_bytes(SECRET)
    cat = base / "catalog"
    cat.mkdir()
    write_catalog(cat, FILES)
    (cat / "leak").symlink_to(base / "secret.txt")
    dest = base / "out"
    result = run_export(cat, dest, base)
    assert result.returncode == 0, result.stderr
    server = UpdateServer(cat, logdir=base)
    nginx = Nginx(base / "nginx")
    nginx.configure(export.nginx_site(dest, f"127.0.0.1:{nginx.port}")).start()
    yield dest, result, server, nginx
    nginx.stop()
    server.stop()


def test_export_tree(setup):
    dest, result, server, _ = setup
    assert f"Exported {len(EXPORTED)} files" in result.stdout
    assert "odd/dollar$.bin" in result.stderr and "odd/index.json" in result.stderr
    for name in EXPORTED:
        assert (dest / "files" / name).read_bytes() == FILES[name], name
    assert not (dest / "files" / "odd" / "dollar$.bin").exists()
    assert not (dest / "files" / "leak").exists()
    md5sums = dict(line.split("  ", 1)[::-1] for line in
                   (dest / "MD5SUMS").read_text().splitlines())
    sha256sums = dict(line.split("  ", 1)[::-1] for line in
                      (dest / "SHA256SUMS").read_text().splitlines())
    assert md5sums == {n: md5(FILES[n]) for n in EXPORTED}
    assert sha256sums == {n: hashlib.sha256(FILES[n]).hexdigest() for n in EXPORTED}
    for folder in ("", "sub", "sub/deeper"):
        status, _, body = server.request(f"/_catalog?op=list&path={folder}")
        assert status == 200 and (dest / "catalog" / folder / "index.json").read_bytes() == body
    assert (dest / "nginx.conf").read_text() == export.nginx_site(dest)
    assert "listen 8000;" in export.nginx_site(dest)


def test_exported_nginx_conf_is_valid(setup, tmp_path):
    dest = setup[0]
    check = Nginx(tmp_path).configure((dest / "nginx.conf").read_text()).check()
    assert check.returncode == 0 and "test is successful" in check.stderr, check.stderr


@pytest.mark.parametrize("path", ["", ".", "/", "./", "sub", "/sub", "./sub", "sub/", "sub/deeper",
                                  "/sub/deeper/"])
def test_catalog_parity(setup, path):
    _, _, server, nginx = setup
    query = f"/_catalog?op=list&path={path}"
    status, headers, body = nginx.request(query)
    assert (status, body) == server.request(query)[::2]
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)


@pytest.mark.parametrize("query, status", [
    ("/_catalog", 403), ("/_catalog?op=delete", 403), ("/_catalog?op=list&path=..", 403),
    ("/_catalog?op=list&path=sub/../..", 403), ("/_catalog?op=list&path=../catalog", 403),
    ("/_catalog?op=list&path=nope", 404), ("/_catalog?op=list&path=app.bin", 404),
    ("/?path=..", 403)])
def test_catalog_errors_parity(setup, query, status):
    _, _, server, nginx = setup
    got, _, body = nginx.request(query)
    assert got == status == server.request(query)[0]
    assert body == server.request(query)[2]


@pytest.mark.parametrize("name", EXPORTED)
def test_download_parity(setup, name):
    _, _, server, nginx = setup
    status, headers, body = nginx.request(url(name), GATE)
    expected_status, expected, _ = server.request(url(name), GATE, method="HEAD")
    assert (status, body) == (expected_status, FILES[name]) == (200, FILES[name])
    for header in ("x-md5", "x-version", "content-length", "content-type",
                   "content-disposition"):
        assert headers.get(header) == expected.get(header), header
    assert headers["x-md5"] == md5(FILES[name])


@pytest.mark.parametrize("target, headers", [
    ("/app.bin", {}), ("/app.bin", {"User-Agent": "ESP32-http-Update"}),
    ("/app.bin", {"User-Agent": "ESP8266-http-Update", "x-ESP32-STA-MAC": "AA"}),
    ("/nope.bin", {"User-Agent": "curl/8"}),
])
def test_header_gate_parity(setup, target, headers):
    _, _, server, nginx = setup
    status, _, body = nginx.request(target, headers)
    assert (status, body) == server.request(target, headers)[::2]
    assert status == 403 and (b"http-Update" in body or b"STA-MAC" in body)


@pytest.mark.parametrize("target, headers, status", [
    ("/nope.bin", GATE, 404), ("/sub", GATE, 404), ("/sub/", GATE, 404),
    ("/APP.BIN", GATE, 404), ("/app.bin?path=../secret.txt", GATE, 200),
    ("/app.bin", {**GATE, "x-ESP32-version": "2.0.0"}, 304),
    ("/app.bin", {**GATE, "x-ESP32-sketch-md5": md5(FILES["app.bin"]).upper()}, 304),
    ("/app.acb", {"User-Agent": "ESP8266-http-Update", "x-ESP8266-STA-MAC": "AA",
                  "x-ESP8266-version": "3.1.0"}, 304),
    ("/app.bin", {**GATE, "x-ESP32-version": "1.0.0", "x-ESP32-sketch-md5": "0" * 32}, 200),
    ("/app.bin", {**GATE, "Range": "bytes=100-199"}, 206),
    ("/app.bin", {**GATE, "Range": "bytes=999999-"}, 416),
])
def test_status_parity(setup, target, headers, status):
    _, _, server, nginx = setup
    got, got_headers, body = nginx.request(target, headers)
    expected_status, _, expected_body = server.request(target, headers)
    assert got == expected_status == status
    if status in (200, 206):
        assert body == expected_body and got_headers["x-md5"] == md5(FILES["app.bin"])


@pytest.mark.parametrize("target", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                                    "/leak", "/sub/../../secret.txt", "/%252e%252e/secret.txt"])
def test_nginx_never_leaks(setup, target):
    nginx = setup[3]
    with socket.create_connection(("127.0.0.1", nginx.port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.0\r\nUser-Agent: ESP32-http-Update\r\n"
                  "x-ESP32-STA-MAC: AA\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    assert reply.split(b" ", 2)[1] in (b"400", b"403", b"404") and SECRET not in reply


def test_page_parity(setup):
    _, _, server, nginx = setup
    assert nginx.request("/?path=sub")[::2] == server.request("/?path=sub")[::2]
    status, headers, body = nginx.request("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"app.bin" in body and b"quote&quot;d.txt" in body
    status, _, body = nginx.request("/?path=odd")
    assert status == 200 and b"dollar" not in body and b"index.json" not in body


def test_reexport_and_refusals(tmp_path):
    cat = tmp_path / "cat"
    cat.mkdir()
    write_catalog(cat, {"a.bin": FILES["app.bin"], "b.txt": b"b\n"})
    assert run_export(cat, tmp_path / "out", tmp_path).returncode == 0
    (cat / "b.txt").unlink()
    assert run_export(cat, tmp_path / "out", tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "out" / "files").iterdir()) == ["a.bin"]
    assert "b.txt" not in (tmp_path / "out" / "nginx-maps.conf").read_text()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    for dest, message in ((tmp_path / "other", "neither empty nor an earlier export"),
                          (cat / "sub", "must not contain each other"),
                          (tmp_path, "must not contain each other")):
        r = run_export(cat, dest, tmp_path)
        assert r.returncode == 2 and message in r.stderr, r.stderr
    assert (tmp_path / "other" / "keep.txt").read_text() == "mine"
