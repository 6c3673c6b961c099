"""`make run`'s program: the example on the simulated board, stopped by Ctrl-C."""
import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, Board, free_port


def wait_version(board, version):
    board.wait_for(lambda: board.status()["version"] == version, 30, "version " + version)
    return board.status()


def test_run_serves_status_and_ctrl_c_stops_everything(tmp_path):
    port, update_port = free_port(), free_port()
    state, catalog = tmp_path / "sim", tmp_path / "catalog"
    proc = subprocess.Popen([sys.executable, "-m", "tools.run", "--state", str(state),
                             "--http-port", str(port), "--dns-port", str(free_port()),
                             "--update-port", str(update_port), "--catalog", str(catalog)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    board = Board(state, port=port)                 # the board tools.run started
    board.proc = proc                               # waits end when it exits
    try:
        wait_version(board, "sim-1.0.0")
        fw = tmp_path / "fw.bin"                    # the user's flow: make an image, upload it
        subprocess.run([sys.executable, "-m", "tools.mkimage", "--version", "2.0.0", "-o", str(fw)],
                       cwd=ROOT, check=True)
        subprocess.run([sys.executable, "-m", "tools.upload", f"http://127.0.0.1:{port}/update",
                        str(fw), "--user", "USERNAME", "--password", "PASSWORD"], cwd=ROOT,
                       check=True, timeout=60)
        assert wait_version(board, "2.0.0")["partition"] == "ota_1"
        assert [p.name for p in catalog.iterdir()] == ["app-2.0.0.bin"]     # the sample
        subprocess.run([sys.executable, "-m", "tools.mkimage", "--version", "3.0.0", "-o",
                        str(catalog / "app-3.0.0.bin")], cwd=ROOT, check=True)
        page = board.post_ok("/settings_save", {"host": "127.0.0.1", "port": update_port})
        assert f"Saved: updates come from 127.0.0.1:{update_port}.".encode() in page
        assert b'value="app-3.0.0.bin"' in board.request("GET", "/_ac/update")[2]
        text = board.pull("app-3.0.0.bin")          # the user's other flow: pick from the server
        assert "app-3.0.0.bin successfully updated" in text, text
        board.post_ok("/_ac/update_progress", {"op": "#r"})
        assert wait_version(board, "3.0.0")["partition"] == "ota_0"
        pid = board.pid()
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
