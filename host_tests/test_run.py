"""`make run`'s program: the example on the simulated board, stopped by Ctrl-C."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from conftest import ROOT, free_port


def status(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_ac/status", timeout=2) as r:
        return json.load(r)


def wait_version(port, proc, version, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            st = status(port)
            if st["version"] == version:
                return st
        except OSError:
            pass
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.2)


def post(port, path, fields):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", urllib.parse.urlencode(fields).encode())
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def pull(port, name):
    """What the update page's script does: pick, #s, poll until #e, #r."""
    post(port, "/_ac/update_act", {"firmwares": name})
    post(port, "/_ac/update_progress", {"op": "#s"})
    deadline = time.monotonic() + 30
    while urllib.request.urlopen(f"http://127.0.0.1:{port}/_ac/update_progress").read() != b"#e":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/_ac/update_result").read().decode()
    assert f"{name} successfully updated" in text, text
    post(port, "/_ac/update_progress", {"op": "#r"})


def test_run_serves_status_and_ctrl_c_stops_everything(tmp_path):
    port, update_port = free_port(), free_port()
    state, catalog = tmp_path / "sim", tmp_path / "catalog"
    proc = subprocess.Popen([sys.executable, "-m", "tools.run", "--state", str(state),
                             "--http-port", str(port), "--dns-port", str(free_port()),
                             "--update-port", str(update_port), "--catalog", str(catalog)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_version(port, proc, "sim-1.0.0")
        fw = tmp_path / "fw.bin"                    # the user's flow: make an image, upload it
        subprocess.run([sys.executable, "-m", "tools.mkimage", "--version", "2.0.0", "-o", str(fw)],
                       cwd=ROOT, check=True)
        subprocess.run([sys.executable, "-m", "tools.upload", f"http://127.0.0.1:{port}/update",
                        str(fw), "--user", "USERNAME", "--password", "PASSWORD"], cwd=ROOT,
                       check=True, timeout=60)
        assert wait_version(port, proc, "2.0.0")["partition"] == "ota_1"
        assert [p.name for p in catalog.iterdir()] == ["app-2.0.0.bin"]     # the sample
        subprocess.run([sys.executable, "-m", "tools.mkimage", "--version", "3.0.0", "-o",
                        str(catalog / "app-3.0.0.bin")], cwd=ROOT, check=True)
        page = post(port, "/settings_save", {"host": "127.0.0.1", "port": update_port})
        assert f"Saved: updates come from 127.0.0.1:{update_port}." in page
        assert 'value="app-3.0.0.bin"' in urllib.request.urlopen(
            f"http://127.0.0.1:{port}/_ac/update").read().decode()
        pull(port, "app-3.0.0.bin")                 # the user's other flow: pick from the server
        assert wait_version(port, proc, "3.0.0")["partition"] == "ota_0"
        pid = int((state / "board.pid").read_text())
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        assert b"micropython" in cmdline
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        assert f"http://127.0.0.1:{port}/_ac" in out
        assert f"Update server:  http://127.0.0.1:{update_port}/" in out
        time.sleep(0.2)
        assert not os.path.exists(f"/proc/{pid}"), "the board process is gone"
    finally:
        if proc.poll() is None:
            proc.kill()
