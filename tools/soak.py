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
from pathlib import Path

from tools import appimage
from tools.procs import free_port, stop
from tools.simboard import flashimage
from tools.simboard.client import Board
from tools.upload import send, verdict

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ("9.0.0", "9.0.1")


def upload(board, path):
    status, text = send(f"http://127.0.0.1:{board.port}/update", str(path), "USERNAME",
                        "PASSWORD", timeout=120, progress=False)
    ok, why = verdict(status, text)
    if not ok:
        raise RuntimeError(f"upload refused: {why}")


def pull(board, name):
    result = board.pull(name)
    if "successfully updated" not in result:
        raise RuntimeError("pull failed: " + result[-300:])
    board.post_ok("/_ac/update_progress", {"op": "#r"})


def reboots_into(board, version, action):
    pid = board.pid()
    action()
    board.wait_for(lambda: board.pid() != pid and board.status()["version"] == version, 60,
                   "running " + version)


def joined(board):
    board.wait_for(lambda: board.status()["ssid"] == "HomeNet", 60, "joined HomeNet")


def cycle(board, names):
    board.post_ok("/_ac/connect", {"SSID": "HomeNet", "Passphrase": "homepass123", "dhcp": "on"})
    joined(board)
    running = board.status()["version"]
    first, second = (VERSIONS[1], VERSIONS[0]) if running == VERSIONS[0] else VERSIONS
    reboots_into(board, first, lambda: upload(board, names[first][1]))
    joined(board)
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
        board = Board(tmp / "board").start(ready=False)
        try:
            return run(board, names, up, args.minutes)
        finally:
            board.stop()
            stop(server)


def run(board, names, update_port, minutes):
    board.wait_ready(60)
    board.post_ok("/settings_save", {"host": "127.0.0.1", "port": update_port})
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
