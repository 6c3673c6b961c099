"""python -m tools.deploy and tools.provision against the MicroPython unix port behind a
pty (a stand-in for a board on a serial port), and package.json through mpremote mip.

The recipe: socat PTY,raw,echo=0,link=TTY EXEC:"micropython -i",pty,raw,echo=0,stderr,setsid,ctty
- PTY,link=TTY: socat opens a pseudo-terminal and names it TTY, the "serial port";
  raw,echo=0 so that mpremote's control bytes (Ctrl-C, Ctrl-A raw REPL, Ctrl-D) pass
  through untouched and nothing is echoed back.
- EXEC:"micropython -i",pty,...,setsid,ctty: the unix port runs on a second pty as its
  controlling terminal, so it sees a terminal and runs its interactive REPL (which has
  the raw REPL mpremote uses); stderr goes there too, so tracebacks reach mpremote.
- The unix port's working folder is the "device" folder (a board's /), and
  MICROPYPATH=":.frozen:lib" stands for a board's sys.path ['', '.frozen', '/lib'].
- A soft reset ends the unix port, so the tools do not soft-reset it (mpremote's
  `resume`) and its reset is sys.exit(): socat exits with it; a test starts another.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from conftest import MICROPYTHON, ROOT, stop


class UnixBoard:
    """The unix port on a pty, its filesystem a folder; started anew after each reset."""

    def __init__(self, base):
        self.base, self.fs = base, base / "fs"
        self.fs.mkdir(parents=True, exist_ok=True)
        self.proc, self.count = None, 0

    def start(self):
        self.count += 1
        self.tty = self.base / f"tty{self.count}"
        env = dict(os.environ, MICROPYPATH=":.frozen:lib")
        self.proc = subprocess.Popen(
            ["socat", f"PTY,raw,echo=0,link={self.tty}",
             f"EXEC:{MICROPYTHON} -i,pty,raw,echo=0,stderr,setsid,ctty"],
            cwd=self.fs, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while not self.tty.exists():
            assert time.monotonic() < deadline and self.proc.poll() is None, "socat did not start"
            time.sleep(0.02)
        return str(self.tty)

    def wait_reset(self):
        """The tool reset the board: the unix port, and socat with it, ended."""
        self.proc.wait(5)

    def stop(self):
        if self.proc:
            stop(self.proc, 5)

    def exec(self, code):
        port = self.start()
        try:
            proc = subprocess.run([sys.executable, "-m", "mpremote", "connect", port, "resume",
                                   "exec", code], capture_output=True, text=True, timeout=20)
        finally:
            self.stop()
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout


@pytest.fixture
def board(tmp_path):
    b = UnixBoard(tmp_path / "board")
    yield b
    b.stop()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The board's files compiled for the unix port's CPU (x64), and for an ESP32."""
    base = tmp_path_factory.mktemp("built")
    for name, extra in (("x64", ["--march", "x64"]), ("esp32", [])):
        subprocess.run([sys.executable, "-m", "tools.build", "--out", str(base / name), *extra],
                       cwd=ROOT, check=True, capture_output=True, timeout=60)
    return base


def tool(name, *args, timeout=60):
    return subprocess.run([sys.executable, "-m", f"tools.{name}", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def deploy(board, folder):
    proc = tool("deploy", board.start(), "--dir", str(folder))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    board.wait_reset()
    return proc.stdout


def summary(out):
    """(changed, unchanged, removed) from deploy's last line."""
    found = re.search(r"^(\d+) changed, (\d+) unchanged, (\d+) removed;", out, re.M)
    assert found, out
    return tuple(int(n) for n in found.groups())


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def test_deploy_copies_what_changed_and_keeps_user_files(board, built, tmp_path):
    app = tmp_path / "app"
    shutil.copytree(built / "x64", app)
    user = {"ac_credt.json": b'{"v": 1, "entries": []}', "settings.json": b'{"port": 8000}'}
    for name, data in user.items():
        (board.fs / name).write_bytes(data)
    (board.fs / "lib" / "autoconnect").mkdir(parents=True)
    (board.fs / "lib" / "autoconnect" / "urlenc.py").write_text("raise ImportError('stale')\n")
    (board.fs / "lib" / "webupdate.py").write_text("raise ImportError('stale')\n")

    out = deploy(board, app)
    assert summary(out) == (len(files(app)), 0, 2)
    assert files(board.fs) == {**files(app), **user}        # stale .py gone, user files kept

    out = deploy(board, app)
    assert summary(out) == (0, len(files(app)), 0)

    (app / "main.py").write_text((app / "main.py").read_text() + "# changed\n")
    out = deploy(board, app)
    assert summary(out) == (1, len(files(app)) - 1, 0)
    assert "  main.py (" in out and "lib/" not in out
    assert (board.fs / "main.py").read_bytes() == (app / "main.py").read_bytes()

    shown = board.exec("import autoconnect.md5 as m, autoconnect.urlenc as u"
                       "\nprint(m.__file__, u.quote('a b'), m.MD5(b'abc').digest().hex())")
    assert shown.split() == ["lib/autoconnect/md5.mpy", "a%20b",
                             "900150983cd24fb0d6963f7d28e17f72"]


def test_deploy_refuses_mpy_the_board_cannot_load(board, built):
    proc = tool("deploy", board.start(), "--dir", str(built / "esp32"))
    assert proc.returncode == 1
    assert "would not load" in proc.stderr and "xtensawin" in proc.stderr
    assert "x64" in proc.stderr and "Traceback" not in proc.stderr
    assert files(board.fs) == {}


def test_deploy_without_a_board(tmp_path, built):
    start = time.monotonic()
    proc = tool("deploy", str(tmp_path / "ttyUSB9"), "--dir", str(built / "x64"))
    assert proc.returncode == 1 and "no such port" in proc.stderr

    silent = subprocess.Popen(["socat", f"PTY,raw,echo=0,link={tmp_path}/tty", "EXEC:sleep 60"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not (tmp_path / "tty").exists():
            assert time.monotonic() - start < 5
            time.sleep(0.02)
        start = time.monotonic()
        proc = tool("deploy", str(tmp_path / "tty"), "--dir", str(built / "x64"), timeout=20)
    finally:
        stop(silent, 5)
    assert proc.returncode == 1
    assert "no MicroPython board answered" in proc.stderr and "Traceback" not in proc.stderr
    assert time.monotonic() - start < 10                  # the 5 s default, not a hang


def read_store(fs):
    return json.loads((fs / "ac_credt.json").read_text())["entries"]


def load_with_library(fs, ssid):
    """The store as the library reads it on the board (the unix port, cwd = its /)."""
    code = ("import json; from autoconnect.credential import AutoConnectCredential as C; "
            f"print(json.dumps(C('ac_credt.json').load({ssid!r})))")
    proc = subprocess.run([str(MICROPYTHON), "-c", code], cwd=fs, capture_output=True,
                          text=True, timeout=20, env=dict(os.environ, MICROPYPATH=":.frozen:lib"))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def provision(board, ssid, password):
    proc = tool("provision", board.start(), "--ssid", ssid, "--password", password)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    board.wait_reset()
    return proc.stdout


def test_provision_writes_the_store_with_the_library(board, built):
    shutil.copytree(built / "x64" / "lib", board.fs / "lib")
    out = provision(board, "Home net", "secret-pass")
    assert "saved 'Home net'" in out and "no autoconnect library" not in out
    provision(board, "Café", "")
    out = provision(board, "Home net", "new-secret")
    assert "2 network(s), most recent first: Home net, Café" in out
    entries = read_store(board.fs)
    assert [(e["ssid"], e["password"]) for e in entries] == [("Home net", "new-secret"),
                                                             ("Café", "")]
    assert load_with_library(board.fs, "Café")["dhcp"] is True
    assert not (board.fs / "ac_credt.json.tmp").exists()     # written through a rename


def test_provision_without_the_library_installed(board):
    out = provision(board, "Office", "12345678")
    assert "no autoconnect library" in out
    assert [e["ssid"] for e in read_store(board.fs)] == ["Office"]
    shutil.copytree(ROOT / "firmware" / "autoconnect", board.fs / "lib" / "autoconnect")
    assert load_with_library(board.fs, "Office")["password"] == "12345678"


@pytest.mark.parametrize("ssid, password, message", [
    ("", "12345678", "an SSID is 1 to 32 bytes"),
    ("é" * 17, "12345678", "an SSID is 1 to 32 bytes"),        # 17 characters, 34 bytes
    ("Home", "1234567", "8 to 63 characters"),
    ("Home", "x" * 64, "8 to 63 characters"),
])
def test_provision_validates(ssid, password, message, tmp_path):
    proc = tool("provision", str(tmp_path / "tty"), "--ssid", ssid, "--password", password)
    assert proc.returncode == 2 and message in proc.stderr


def test_mip_installs_from_package_json(board, tmp_path):
    """mpremote mip reads our package.json (a few of its entries, to stay quick)."""
    pkg = json.loads((ROOT / "package.json").read_text())
    some = [pair for pair in pkg["urls"] if pair[0] in
            ("autoconnect/__init__.py", "autoconnect/urlenc.py", "autoconnect/www/ac.css")]
    assert len(some) == 3
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "firmware").symlink_to(ROOT / "firmware")
    (repo / "package.json").write_text(json.dumps({**pkg, "urls": some}))
    port = board.start()
    proc = subprocess.run([sys.executable, "-m", "mpremote", "connect", port, "resume", "mip",
                           "install", "--target", "lib", str(repo / "package.json")],
                          capture_output=True, text=True, timeout=30)
    board.stop()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert files(board.fs) == {"lib/" + target: (ROOT / url).read_bytes() for target, url in some}
    assert board.exec("import autoconnect.urlenc as u\nprint(u.quote('a b'))").strip() == "a%20b"
