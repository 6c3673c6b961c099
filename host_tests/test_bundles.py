"""Application bundles: tools.bundle, the filesystem field of /update, staging, the swap
at boot, power cuts at any moment (old or new application, never a mix), refusals."""
import hashlib
import random
import subprocess
import sys
import time

import pytest

from conftest import APPS, ROOT
from otatest import SUCCESS, image, make_bundle, upload


def send(board, data, **kw):
    return upload(board, data, field="filesystem", filename="app.acb", **kw)


@pytest.fixture
def board(make_board):
    return make_board(main=APPS / "otamin.py", chip="esp8266").start()


def test_bundle_tool(tmp_path):
    data = make_bundle(tmp_path, "1.2.3")
    head, _, rest = data.partition(b"\n\n")
    lines = head.decode().splitlines()
    assert lines[0] == "ACB1 1.2.3"
    sizes = [int(line.split()[0]) for line in lines[1:]]
    assert [line.split()[2] for line in lines[1:]] == ["lib/appver.py", "main.py"]
    assert sum(sizes) == len(rest)
    r = subprocess.run([sys.executable, "-m", "tools.bundle", "--version", "two words", "-o",
                        str(tmp_path / "x"), str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "one word" in r.stderr


def test_bundle_update_swaps_the_application(make_board, tmp_path):
    board = make_board(main=APPS / "otamin.py", chip="esp8266", heap="96K").start()
    data = make_bundle(tmp_path, "2.0.0")
    pid = board.pid()
    assert send(board, data, md5=hashlib.md5(data).hexdigest())[2] == SUCCESS   # pure MD5 on esp8266
    board.wait_reboot(pid)
    board.wait_ready(path="/appver")
    assert board.get_json("/appver") == ["2.0.0", "2.0.0"] and board.status()["version"] == "2.0.0"
    status, _, body = send(board, make_bundle(tmp_path, "2.0.9"), md5="0" * 32)
    assert body.startswith(b"Update error: MD5 Check Failed")
    fs = board.state / "fs"
    assert not (fs / ".stage").exists() and not (fs / ".old").exists()
    data = make_bundle(tmp_path, "2.1.0")
    pid = board.pid()
    assert send(board, data)[2] == SUCCESS                  # the bundled app updates itself
    board.wait_reboot(pid)
    board.wait_ready(path="/appver")
    assert board.get_json("/appver") == ["2.1.0", "2.1.0"]


@pytest.mark.parametrize("how,reason", [
    ("sha", b"lib/appver.py: SHA-256 mismatch"), ("truncated", b"bundle truncated"),
    ("path", b"unsafe path in the bundle: ../evil.py"), ("abs", b"unsafe path in the bundle: /main.py"),
    ("raw", b"a raw filesystem image cannot be written while the filesystem is mounted")])
def test_bad_bundles_are_refused(board, tmp_path, how, reason):
    data = make_bundle(tmp_path, "3.0.0")
    kw = {}
    if how == "sha":
        i = data.index(b'VERSION = "3.0.0"')
        data = data[:i] + b"X" + data[i + 1:]
    elif how == "truncated":
        data = data[:-10]
    elif how in ("path", "abs"):
        data = data.replace(b" lib/appver.py\n", b" ../evil.py\n" if how == "path" else b" /main.py\n")
    elif how == "raw":
        data = b"\x00" * 4096 + b"littlefs" + b"\xff" * 4096
    pid = board.pid()
    status, _, body = send(board, data, **kw)
    assert body.startswith(b"Update error: ") and reason in body, body
    time.sleep(1.5)
    assert board.pid() == pid and board.status()["version"] == "sim-1.0.0"
    assert not (board.state / "fs" / ".stage" / "READY").exists()


def test_firmware_is_refused_on_esp8266(board, tmp_path):
    status, _, body = upload(board, image(tmp_path, "2.0.0"))
    assert body.startswith(b"Update error: this board has no OTA slots")


def test_power_cuts_during_upload_and_swap(board, tmp_path):
    rnd = random.Random(8)
    bundles = {v: make_bundle(tmp_path, v, pad=60000) for v in ("4.0.0", "5.0.0")}
    for i in range(24):
        data = bundles[("4.0.0", "5.0.0")[i % 2]]
        # during the upload, or the swap at boot
        board.cut_during(lambda: send(board, data), rnd.uniform(0.0, 1.6))
        path = "/appver" if board.status()["version"] != "sim-1.0.0" else "/_ac/status"
        board.wait_ready(path=path)
        if path == "/appver":
            main, lib = board.get_json("/appver")
            assert main == lib == board.status()["version"], (main, lib)   # never a mix
    pid = board.pid()
    assert send(board, bundles["4.0.0"])[2] == SUCCESS, board.log()[-3000:]
    board.wait_reboot(pid)
    board.wait_ready(path="/appver")
    assert board.get_json("/appver") == ["4.0.0", "4.0.0"]


def test_large_bundle_at_64k_heap(board, tmp_path):
    data = make_bundle(tmp_path, "6.0.0", pad=1536 * 1024)
    pid = board.pid()
    assert send(board, data)[2] == SUCCESS
    board.wait_reboot(pid)
    board.wait_ready(path="/appver")
    assert board.get_json("/appver") == ["6.0.0", "6.0.0"]
    assert "64K for the application" in board.log() and "MemoryError" not in board.log()
