"""A simulated board (`python -m tools.simboard`) on free ports, in a folder of its own."""
import json
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import procs
from tools.simboard import world

APPS = Path(__file__).resolve().parent / "apps"
TROUBLE = ("MemoryError", "Traceback", "board process died")
HOME = {"ssid": "HomeNet", "bssid": "a0:00:00:00:00:01", "channel": 6, "rssi": -48,
        "auth": "wpa2", "password": "homepass123", "ip": "127.0.0.1"}


def write_world(path, networks=(HOME,)):
    world.write(path, networks)


def app(folder, name, setup):
    """bench/apps/NAME.py as a main.py with `T = setup` prepended (as the tests do)."""
    out = Path(folder) / ("%s-main.py" % name)
    out.write_text("T = %r\n" % (setup,) + (APPS / (name + ".py")).read_text())
    return out


class Board:
    """One simulated board; its world (HomeNet alone) in NAME-world.json, which a caller
    may rewrite while it runs."""

    def __init__(self, folder, name="board", main=None, chip="esp32", heap=None, romfs=False):
        self.state = Path(folder) / name
        self.log = Path(folder) / (name + ".log")
        self.main, self.chip, self.heap, self.romfs = main, chip, heap, romfs
        self.world = Path(folder) / (name + "-world.json")
        write_world(self.world)
        self.port, self.dns_port = procs.free_port(), procs.free_port()
        self.proc = None

    def command(self, fresh=True, extra=()):
        cmd = [procs.PY, "-m", "tools.simboard", "--state", self.state, "--chip", self.chip,
               "--http-port", self.port, "--dns-port", self.dns_port, "--world", self.world]
        if fresh:
            cmd.append("--fresh")
        if self.main:
            cmd += ["--main", self.main]
        if self.heap:
            cmd += ["--heap", self.heap]
        if self.romfs:
            cmd.append("--romfs")
        return cmd + list(extra)

    def start(self, fresh=True, wait=True, extra=()):
        self.proc = procs.start(self.command(fresh, extra), self.log)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=60):
        """Wait for /_ac/status to answer; fails at once on trouble in the log."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return procs.wait_http(self.port, "/_ac/status", 1, (200, 401), self.proc)
            except TimeoutError:
                self.check()
                if time.monotonic() > deadline:
                    raise

    def stop(self):
        if self.proc:
            procs.stop(self.proc)
            self.proc = None

    def text(self):
        return self.log.read_text(errors="replace")

    def trouble(self):
        """The first sign of trouble in the board's log (see TROUBLE), or None."""
        log = self.text()
        return next((t for t in TROUBLE if t in log), None)

    def check(self):
        if self.trouble():
            raise RuntimeError("%s in the board's log" % self.trouble())

    def pid(self):
        return int((self.state / "board.pid").read_text())

    def get(self, path, headers=None, timeout=30):
        return procs.request(self.port, "GET", path, headers=headers, timeout=timeout)

    def post(self, path, fields, headers=None, timeout=30):
        h = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return procs.request(self.port, "POST", path, urlencode(fields), h, timeout)

    def status(self):
        return json.loads(self.get("/_ac/status")[2])

    def wait_for(self, check, timeout=30, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if check():
                    return
            except (OSError, ValueError):
                pass
            self.check()
            time.sleep(0.05)
        raise TimeoutError("board: %s not met after %d s" % (what, timeout))

    def wait_reboot(self, old_pid, timeout=60):
        self.wait_for(lambda: self.pid() != old_pid, timeout, "reboot")
        self.wait_ready(timeout)

    def join_home(self):
        """Join HomeNet through the portal's pages (the credentials are saved)."""
        status, _, body = self.post("/_ac/connect", {"SSID": HOME["ssid"],
                                                     "Passphrase": HOME["password"]})
        if status != 200:
            raise RuntimeError("connect: %d %r" % (status, body[:200]))
        self.get("/_ac/result", timeout=40)
        self.wait_for(lambda: self.status()["ssid"] == HOME["ssid"], 30, "joined HomeNet")
