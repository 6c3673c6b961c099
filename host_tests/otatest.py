"""Helpers for update tests: app images (tools.mkimage), bundles (tools.bundle), the
/update upload, what the simulated flash holds."""
import base64
import binascii
import hashlib
import random
import struct
import subprocess
import sys

from conftest import ROOT

AUTH = {"Authorization": "Basic " + base64.b64encode(b"USERNAME:PASSWORD").decode()}
SUCCESS = b'<META http-equiv="refresh" content="15;URL=/">Update Success! Rebooting...\n'


def image(tmp_path, version, size=64 * 1024, project="app", chip="esp32"):
    out = tmp_path / ("%s-%s-%d.bin" % (project, version, size))
    if not out.exists():
        subprocess.run([sys.executable, "-m", "tools.mkimage", "--version", version, "-o", str(out),
                        "--size", str(size), "--project", project, "--chip", chip], cwd=ROOT,
                       check=True, capture_output=True)
    return out.read_bytes()


def multipart(data, field="firmware", filename="app.bin", md5=None):
    b = "----acota%d" % random.randrange(1 << 30)
    out = b""
    if md5 is not None:
        out += (b"--%s\r\nContent-Disposition: form-data; name=\"md5\"\r\n\r\n%s\r\n"
                % (b.encode(), md5.encode()))
    out += (b"--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\n" % (b.encode(), field.encode(), filename.encode()))
    return out + data + b"\r\n--%s--\r\n" % b.encode(), "multipart/form-data; boundary=" + b


def upload(board, data, headers=None, **kw):
    body, ctype = multipart(data, **kw)
    h = dict(AUTH, **{"Content-Type": ctype})
    h.update(headers or {})
    return board.request("POST", "/update", body=body, headers=h, timeout=120)


def slot_hash(board, slot="ota_1"):
    off = {"ota_0": 0x10000, "ota_1": 0x190000}[slot]
    with open(board.state / "flash.bin", "rb") as f:
        f.seek(off)
        return hashlib.sha256(f.read(0x180000)).hexdigest()


def otadata(board):
    """Both otadata records read straight from flash.bin: (seq, state, crc_ok)."""
    raw = (board.state / "flash.bin").read_bytes()
    out = []
    for off in (0xD000, 0xE000):
        seq, _, state, crc = struct.unpack_from("<I20sII", raw, off)
        out.append((seq, state, crc == binascii.crc32(struct.pack("<I", seq), 0xFFFFFFFF)))
    return out


APP = '''# A bundled application (version {v}).
import asyncio
import appver
from autoconnect import status
from autoconnect.ota import HTTPUpdateServer
from autoconnect.server import WebServer
VERSION = "{v}"
server = WebServer(max_conns=2)
status.attach(server)
HTTPUpdateServer().setup(server, "/update", "USERNAME", "PASSWORD")
server.on("/appver", lambda req: [VERSION, appver.VERSION])
asyncio.run(server.serve())
'''


def make_bundle(tmp_path, version, pad=0):
    src = tmp_path / ("app-" + version)
    (src / "lib").mkdir(parents=True, exist_ok=True)
    (src / "main.py").write_text(APP.format(v=version))
    (src / "lib" / "appver.py").write_text('VERSION = "%s"\n' % version)
    if pad:
        (src / "lib" / "blob.bin").write_bytes(random.Random(version).randbytes(pad))
    out = tmp_path / ("app-%s.acb" % version)
    r = subprocess.run([sys.executable, "-m", "tools.bundle", "--version", version, "-o", str(out),
                        str(src)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out.read_bytes()
