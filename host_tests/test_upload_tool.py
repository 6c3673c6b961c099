"""python -m tools.upload against the simulated board's update pages."""
import subprocess
import sys

from conftest import APPS, ROOT, free_port
from otatest import image, make_bundle
from portaltest import ota_board


def upload(*args):
    return subprocess.run([sys.executable, "-m", "tools.upload", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_firmware_to_update_page(make_board, tmp_path):
    b = make_board(main=APPS / "otaapp.py").start()
    fw = tmp_path / "fw.bin"
    fw.write_bytes(image(tmp_path, "5.0.0", 1024 * 1024))
    url = "http://127.0.0.1:%d/update" % b.port
    r = upload(url, fw, "--user", "USERNAME", "--password", "wrong")
    assert r.returncode == 1 and "authentication failed (401)" in r.stderr
    pid = b.pid()
    r = upload(url, fw, "--user", "USERNAME", "--password", "PASSWORD")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Update Success! Rebooting..."
    assert "100%" in r.stderr and "1.00M" in r.stderr                # the progress bar
    b.wait_reboot(pid)
    assert b.status()["version"] == "5.0.0"
    bad = tmp_path / "bad.bin"
    bad.write_bytes(fw.read_bytes()[:-100])
    r = upload(url, bad, "--user", "USERNAME", "--password", "PASSWORD", "-q")
    assert r.returncode == 1 and r.stderr.startswith("Update error: ") and r.stdout == ""


def test_bundle_to_esp8266(make_board, tmp_path):
    b = make_board(main=APPS / "otamin.py", chip="esp8266", heap="96K").start()
    acb = tmp_path / "app.acb"
    acb.write_bytes(make_bundle(tmp_path, "5.1.0"))
    pid = b.pid()
    r = upload("127.0.0.1:%d/update" % b.port, acb, "--bundle", "--user", "USERNAME",
               "--password", "PASSWORD")
    assert r.returncode == 0, r.stderr
    b.wait_reboot(pid, timeout=40)
    b.wait_ready(path="/appver")
    assert b.get_json("/appver") == ["5.1.0", "5.1.0"]


def test_builtin_page(make_board, tmp_path):
    b = ota_board(make_board, tmp_path, reboot=False)
    fw = tmp_path / "fw.bin"
    fw.write_bytes(image(tmp_path, "5.2.0"))
    r = upload("http://127.0.0.1:%d/_ac/update" % b.port, fw, "-q")
    assert (r.returncode, r.stdout.strip()) == (0, "Successfully uploaded"), r.stderr
    note = tmp_path / "note.txt"
    note.write_text("hi")
    assert upload("http://127.0.0.1:%d/_ac/update" % b.port, note, "-q").returncode == 0
    assert (b.state / "fs" / "uploads" / "note.txt").read_text() == "hi"


def test_unreachable_board_and_missing_file(tmp_path):
    fw = tmp_path / "fw.bin"
    fw.write_bytes(b"\xe9" * 100)
    r = upload("http://127.0.0.1:%d/update" % free_port(), fw, "-q")
    assert r.returncode == 2 and r.stderr.startswith("upload failed: 127.0.0.1:")
    r = upload("http://127.0.0.1:1/update", tmp_path / "none.bin")
    assert r.returncode == 2 and "no such file" in r.stderr
    r = upload("ftp://x/update", fw)
    assert r.returncode == 2 and "not an http URL" in r.stderr
