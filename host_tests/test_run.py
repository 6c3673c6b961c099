"""`make run`'s program: the example on the simulated board, stopped by Ctrl-C."""
import json
import os
import signal
import subprocess
import sys
import time
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


def test_run_serves_status_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    state = tmp_path / "sim"
    proc = subprocess.Popen([sys.executable, "-m", "tools.run", "--state", str(state),
                             "--http-port", str(port), "--dns-port", str(free_port())],
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
        pid = int((state / "board.pid").read_text())
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        assert b"micropython" in cmdline
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        assert f"http://127.0.0.1:{port}/_ac" in out
        time.sleep(0.2)
        assert not os.path.exists(f"/proc/{pid}"), "the board process is gone"
    finally:
        if proc.poll() is None:
            proc.kill()
