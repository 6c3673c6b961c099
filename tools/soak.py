"""python -m tools.soak (make soak): the example on the simulated board, put through
configure / upload / pull / reboot cycles for a while; at the end the board's heap,
open file descriptors and flash are checked. Not part of `make test`.

Each cycle: join HomeNet through the portal's form, upload the image the board is not
running to /update, then pull the other one from the update server through AutoConnect's
progress protocol; both end in a reboot. Exit status 0 when every check passed."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tools import appimage
from tools.procs import free_port, stop
from tools.simboard import flashimage
from tools.upload import send, verdict

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ("9.0.0", "9.0.1")


class Board:
    """The example on a simulated board, spoken to over HTTP."""

    def __init__(self, state, http, dns):
        self.state, self.http = state, http
        cmd = [sys.executable, "-m", "tools.simboard", "--state", str(state), "--fresh",
               "--http-port", str(http), "--dns-port", str(dns)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=open(state.with_suffix(".log"), "wb"))

    def call(self, method, path, fields=None, timeout=30):
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.http}{path}", body,
                                     method=method)
        if fields is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.read()

    def status(self):
        return json.loads(self.call("GET", "/_ac/status", timeout=5))

    def pid(self):
        return int((self.state / "board.pid").read_text())

    def wait(self, test, timeout=60):
        """Wait until test(status) holds; returns the status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                st = self.status()
                if test(st):
                    return st
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"board not in the expected state after {timeout} s")

    def stop(self):
        stop(self.proc, 15)


def upload(board, path):
    status, text = send(f"http://127.0.0.1:{board.http}/update", str(path), "USERNAME",
                        "PASSWORD", timeout=120, progress=False)
    ok, why = verdict(status, text)
    if not ok:
        raise RuntimeError(f"upload refused: {why}")


def pull(board, name):
    board.call("POST", "/_ac/update_act", {"firmwares": name})
    board.call("POST", "/_ac/update_progress", {"op": "#s"})
    deadline = time.monotonic() + 120
    while board.call("GET", "/_ac/update_progress") != b"#e":
        if time.monotonic() > deadline:
            raise RuntimeError("pull did not end")
        time.sleep(0.2)
    result = board.call("GET", "/_ac/update_result").decode()
    if "successfully updated" not in result:
        raise RuntimeError("pull failed: " + result[-300:])
    board.call("POST", "/_ac/update_progress", {"op": "#r"})


def reboots_into(board, version, action):
    pid = board.pid()
    action()
    board.wait(lambda st: board.pid() != pid and st["version"] == version)


def cycle(board, names):
    board.call("POST", "/_ac/connect", {"SSID": "HomeNet", "Passphrase": "homepass123",
                                        "dhcp": "on"})
    board.wait(lambda st: st["ssid"] == "HomeNet")
    running = board.status()["version"]
    first, second = (VERSIONS[1], VERSIONS[0]) if running == VERSIONS[0] else VERSIONS
    reboots_into(board, first, lambda: upload(board, names[first][1]))
    board.wait(lambda st: st["ssid"] == "HomeNet")
    reboots_into(board, second, lambda: pull(board, names[second][0]))


def sample(board):
    """(free heap, open fds of the board process)."""
    return board.status()["free_heap"], len(os.listdir(f"/proc/{board.pid()}/fd"))


def check_flash(state, version):
    """Both slots hold images the bootloader accepts, one of them the running version,
    and the credential store is whole."""
    flash = (state / "flash.bin").read_bytes()
    versions = []
    for label, _, _, off, size in flashimage.LAYOUT:
        if label.startswith("ota_"):
            appimage.verify(flash[off:off + size])
            versions.append(appimage.read_descriptor(flash[off:off + 4096])["version"])
    if version not in versions:
        raise RuntimeError(f"flash slots hold {versions}, not the running {version}")
    json.loads((state / "fs" / "ac_credt.json").read_text())


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.soak", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        catalog = tmp / "catalog"
        catalog.mkdir()
        names = {}
        for v in VERSIONS:
            path = catalog / f"app-{v}.bin"
            path.write_bytes(appimage.build(v, size=1024 * 1024))
            names[v] = (path.name, path)
        up = free_port()
        server = subprocess.Popen([sys.executable, "-m", "tools.updateserver", "-p", str(up),
                                   "-b", "127.0.0.1", "-d", str(catalog), "-l", "WARNING"],
                                  cwd=ROOT)
        board = Board(tmp / "board", free_port(), free_port())
        try:
            return run(board, names, up, args.minutes)
        finally:
            board.stop()
            stop(server)


def run(board, names, update_port, minutes):
    board.wait(lambda st: True)
    board.call("POST", "/settings_save", {"host": "127.0.0.1", "port": update_port})
    first = sample(board)
    deadline, n = time.monotonic() + minutes * 60, 0
    while time.monotonic() < deadline:
        cycle(board, names)
        n += 1
        print(f"cycle {n}: heap {sample(board)[0]} bytes free, version "
              f"{board.status()['version']}", flush=True)
    heap, fds = sample(board)
    check_flash(board.state, board.status()["version"])
    print(f"{n} cycles; after boot: heap {first[0]}, fds {first[1]}; now: heap {heap}, fds {fds}")
    if fds > first[1] + 2 or heap < first[0] - 8192:
        print("FAILED: the board leaks", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
