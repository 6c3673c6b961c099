"""Fixtures: simulated boards started with `python -m tools.simboard` on free ports."""
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
MICROPYTHON = Path(sys.executable).with_name("micropython")     # the unix port, pinned
sys.path.insert(0, str(ROOT))
from tools.procs import free_port, stop  # noqa: E402,F401  (tests import them from here)

APPS = Path(__file__).resolve().parent / "apps"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _quiet(fn):
    try:
        fn()
    except Exception:
        pass


class Board:
    """One simulated board (supervisor + board process) with helpers to talk to it."""

    def __init__(self, state, main=None, chip="esp32", heap=None, mpy=None, world=None,
                 romfs=False):
        self.state = Path(state)
        self.main, self.chip, self.heap, self.mpy, self.world = main, chip, heap, mpy, world
        self.romfs = romfs
        self.port = free_port()
        self.dns_port = free_port()
        self.proc = None
        self.logfile = self.state.with_name(self.state.name + ".log")

    def start(self, fresh=True, ready=True, extra=()):
        cmd = [sys.executable, "-m", "tools.simboard", "--state", str(self.state),
               "--chip", self.chip, "--http-port", str(self.port),
               "--dns-port", str(self.dns_port), *extra]
        if fresh:
            cmd.append("--fresh")
        if self.main:
            cmd += ["--main", str(self.main)]
        if self.heap:
            cmd += ["--heap", self.heap]
        if self.mpy is not None:
            cmd.append("--mpy" if self.mpy else "--no-mpy")
        if self.world:
            cmd += ["--world", str(self.world)]
        if self.romfs:
            cmd.append("--romfs")
        self.log_handle = open(self.logfile, "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log_handle,
                                     stderr=subprocess.STDOUT)
        if ready:
            self.wait_ready()
        return self

    def log(self):
        return self.logfile.read_text(errors="replace")

    def pid(self):
        return int((self.state / "board.pid").read_text())

    def wait_ready(self, timeout=30, path="/_ac/status"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"simulator exited:\n{self.log()}"
            try:
                status, _, _ = self.request("GET", path, timeout=2)
                if status in (200, 401):        # answering (perhaps behind authentication)
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"board not ready after {timeout} s:\n{self.log()}")

    def wait_reboot(self, old_pid, timeout=30):
        """Wait for a new board process, then for it to serve."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.pid() != old_pid:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        else:
            raise AssertionError(f"board did not reboot:\n{self.log()}")
        self.wait_ready(timeout=max(1, deadline - time.monotonic()))

    def request(self, method, path, body=None, headers=None, timeout=10):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def get_json(self, path):
        status, _, body = self.request("GET", path)
        assert status == 200, body
        return json.loads(body)

    def status(self):
        return self.get_json("/_ac/status")

    def kill9(self):
        os.kill(self.pid(), signal.SIGKILL)

    def cut_during(self, fn, seconds):
        """Run fn() in a thread (what the cut does to it is ignored), cut the power
        (kill -9) after `seconds`, and wait for the board to boot and serve again."""
        pid = self.pid()
        t = threading.Thread(target=_quiet, args=(fn,))
        t.start()
        time.sleep(seconds)
        try:
            self.kill9()
        except ProcessLookupError:          # rebooting by itself already
            pass
        t.join()
        self.wait_reboot(pid)

    def stop(self):
        if self.proc:
            stop(self.proc)
            self.log_handle.close()


@pytest.fixture
def make_board(tmp_path):
    boards = []

    def make(name="board", **kw):
        b = Board(tmp_path / name, **kw)
        boards.append(b)
        return b

    yield make
    for b in boards:
        b.stop()


@pytest.fixture(scope="module")
def httpcore_board(tmp_path_factory):
    """A board running the HTTP-core test application (shared by a test module)."""
    b = Board(tmp_path_factory.mktemp("httpcore") / "board", main=APPS / "httpcore.py")
    b.start()
    yield b
    b.stop()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def phone(browser):
    """A page at a phone's viewport; JavaScript dialogs are recorded in page.dialogs."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()
