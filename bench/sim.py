"""A simulated board (`python -m tools.simboard`) on free ports, in a folder of its own."""
from pathlib import Path

from bench import procs
from tools.simboard import client, world

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


class Board(client.Board):
    """One simulated board in folder/NAME; its world (HomeNet alone) in NAME-world.json,
    which a caller may rewrite while it runs. Waits fail at once on trouble in its log;
    the process is stopped with the benchmark's others on a signal."""

    def __init__(self, folder, name="board", main=None, chip="esp32", heap=None, romfs=False):
        w = Path(folder) / (name + "-world.json")
        write_world(w)
        super().__init__(Path(folder) / name, main, chip, heap, None, w, romfs)

    def start(self, fresh=True, wait=True, extra=()):
        super().start(fresh, False, extra)
        procs.track(self.proc)
        if wait:
            self.wait_ready(60)
        return self

    def stop(self):
        if self.proc:
            procs.stop(self.proc)
            self.proc = None

    def trouble(self):
        """The first sign of trouble in the board's log (see TROUBLE), or None."""
        log = self.log()
        return next((t for t in TROUBLE if t in log), None)

    def check(self):
        if self.trouble():
            raise RuntimeError("%s in the board's log" % self.trouble())

    def wait_for(self, check, timeout=30, what="condition"):
        def checked():
            self.check()
            return check()
        try:
            super().wait_for(checked, timeout, what)
        except TimeoutError:
            self.check()
            raise TimeoutError("board: %s not met after %d s" % (what, timeout))

    def join_home(self):
        """Join HomeNet through the portal's pages (the credentials are saved)."""
        self.post_ok("/_ac/connect", {"SSID": HOME["ssid"], "Passphrase": HOME["password"]})
        self.request("GET", "/_ac/result", timeout=40)
        self.wait_for(lambda: self.status()["ssid"] == HOME["ssid"], 30, "joined HomeNet")
