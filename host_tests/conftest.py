"""Fixtures: simulated boards started with `python -m tools.simboard` on free ports."""
import os
import signal
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
from tools.simboard.client import Board as SimBoard  # noqa: E402

APPS = Path(__file__).resolve().parent / "apps"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _quiet(fn):
    try:
        fn()
    except Exception:
        pass


class Board(SimBoard):
    """A simulated board, with power cuts for the fault tests."""

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


def httpcore(tmp_path_factory, name="httpcore", **kw):
    """A started board running the HTTP-core test application (kw: chip, heap, mpy)."""
    b = Board(tmp_path_factory.mktemp(name) / "board", main=APPS / "httpcore.py", **kw)
    b.start()
    return b


@pytest.fixture(scope="module")
def httpcore_board(tmp_path_factory):
    """A board running the HTTP-core test application (shared by a test module)."""
    b = httpcore(tmp_path_factory)
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
