"""python -m tools.simboard: run the firmware on a simulated ESP32 or ESP8266 board."""
import argparse
import signal
import sys
from pathlib import Path

from tools.layout import FIRMWARE
from tools.simboard.install import State
from tools.simboard.supervisor import Supervisor

DEFAULT_WORLD = Path(__file__).resolve().parent / "world.json"
DEFAULT_HEAP = {"esp32": "256K", "esp8266": "64K"}


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m tools.simboard", description=__doc__)
    ap.add_argument("--main", type=Path, default=FIRMWARE / "main.py",
                    help="the application run as the board's /main.py (default: the example)")
    ap.add_argument("--mpy", action=argparse.BooleanOptionalAction, default=None,
                    help="install the library compiled with mpy-cross (default with esp8266)")
    ap.add_argument("--romfs", action="store_true",
                    help="esp8266: install the library as a ROMFS image in flash, run in place")
    ap.add_argument("--state", type=Path, default=Path("build/sim"),
                    help="persistent board state folder (default build/sim)")
    ap.add_argument("--fresh", action="store_true", help="wipe the state first")
    ap.add_argument("--reinstall", action="store_true",
                    help="install main.py and the library again into the existing state")
    ap.add_argument("--chip", choices=("esp32", "esp8266"), default="esp32")
    ap.add_argument("--http-port", type=int, default=8080, help="stands for port 80")
    ap.add_argument("--dns-port", type=int, default=8053, help="stands for port 53")
    ap.add_argument("--world", type=Path, default=DEFAULT_WORLD,
                    help="radio environment, JSON (read again when it changes)")
    ap.add_argument("--heap", help="MicroPython GC heap, e.g. 64K (esp32 256K, esp8266 64K)")
    ap.add_argument("--exit-on-halt", action="store_true",
                    help="exit with main.py's status when it ends instead of idling")
    args = ap.parse_args(argv)
    if not args.main.is_file():
        ap.error(f"--main: no such file: {args.main}")
    if args.romfs and args.chip != "esp8266":
        ap.error("--romfs: only the esp8266 board has a ROMFS partition")
    if not args.world.is_file():
        ap.error(f"--world: no such file: {args.world}")
    return args


def main(argv=None):
    args = parse(argv)
    state = State(args.state)
    args.reinstall |= args.romfs            # the library goes into the flash image again
    if args.fresh or not state.exists():
        state.create(args.chip)
        args.reinstall = True
    elif state.chip() != args.chip:
        sys.exit(f"error: {state.path} holds an {state.chip()} board; add --fresh to replace it")
    mpy = args.chip == "esp8266" if args.mpy is None else args.mpy
    if args.reinstall:
        state.install(args.main, mpy, args.romfs)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sup = Supervisor(state, args.chip, args.world, args.http_port, args.dns_port,
                     args.heap or DEFAULT_HEAP[args.chip], args.exit_on_halt)
    print(f"[simboard] {args.chip} board, state {state.path}, "
          f"http://127.0.0.1:{args.http_port}/_ac, DNS on 127.0.0.1:{args.dns_port}", flush=True)
    try:
        return sup.run()
    except KeyboardInterrupt:
        return 0
    finally:
        sup.close()


if __name__ == "__main__":
    sys.exit(main())
