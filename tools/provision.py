"""python -m tools.provision PORT --ssid SSID --password PASSWORD: save a network in
a board's credential store (/ac_credt.json on a board), as the most recent one, then
reset the board so that its application joins it.

The board's own library writes the store (AutoConnectCredential, the code that reads it
at boot), so the format is always the one the board expects; on a board without the
library, firmware/autoconnect/credential.py (with cred_file.py, which it imports) is
sent along and run from RAM."""
import argparse
import json
import re
import sys

from tools.device import Board, BoardError
from tools.layout import FIRMWARE

CREDENTIAL = FIRMWARE / "autoconnect" / "credential.py"
CRED_FILE = FIRMWARE / "autoconnect" / "cred_file.py"
IMPORT = """try:
    from autoconnect.credential import AutoConnectCredential
    print('installed')
except ImportError:
    print('missing')
"""
SAVE = """import json
_c = AutoConnectCredential(%(store)r)
_c.save({'ssid': %(ssid)r, 'password': %(password)r})
print(json.dumps([e['ssid'] for e in _c.items()]))
"""


def ssid_arg(text):
    if not 1 <= len(text.encode()) <= 32:
        raise argparse.ArgumentTypeError(f"{text!r}: an SSID is 1 to 32 bytes")
    return text


def password_arg(text):
    if len(text) and not 8 <= len(text) <= 63:
        raise argparse.ArgumentTypeError(
            f"{len(text)} characters: a WPA passphrase is 8 to 63 characters "
            "(empty for an open network)")
    return text


def standalone():
    """credential.py as one script: cred_file.py first, then credential.py, its
    `from .cred_file import x as y` lines made into `y = x`."""
    lines = []
    for line in CREDENTIAL.read_text().splitlines():
        m = re.fullmatch(r"from \.cred_file import (\w+)(?: as (\w+))?", line)
        lines.append(f"{m[2] or m[1]} = {m[1]}" if m else line)
    return CRED_FILE.read_text() + "\n" + "\n".join(lines) + "\n"


def provision(board, store, ssid, password):
    """Save the network; the SSIDs in the store afterwards, most recent first."""
    if board.exec(IMPORT).strip() == "missing":
        print("the board has no autoconnect library: using firmware/autoconnect/credential.py")
        board.exec(standalone())
    out = board.exec(SAVE % {"store": store, "ssid": ssid, "password": password})
    *notes, last = out.strip().splitlines()
    for line in notes:
        print(f"board: {line}")
    return json.loads(last)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m tools.provision", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("port", metavar="PORT", help="the board's serial port, e.g. /dev/ttyUSB0")
    ap.add_argument("--ssid", required=True, type=ssid_arg, help="the network's name")
    ap.add_argument("--password", required=True, type=password_arg,
                    help='its passphrase ("" for an open network)')
    ap.add_argument("--store", default="ac_credt.json",
                    help="the store, AutoConnectConfig.credential_file, relative to the "
                         "board's working folder (default %(default)s: /ac_credt.json on "
                         "a board)")
    ap.add_argument("--timeout", type=float, default=5.0,
                    help="seconds to wait for the board to answer (default %(default)s)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        board = Board(args.port, args.timeout)
    except BoardError as e:
        sys.exit(f"error: {e}")
    try:
        ssids = provision(board, args.store, args.ssid, args.password)
    except BoardError as e:
        board.close()
        sys.exit(f"error: {e}")
    print(f"saved {args.ssid!r} in {args.store} on {args.port}; the store holds "
          f"{len(ssids)} network(s), most recent first: {', '.join(ssids)}; resetting the board")
    board.reset()


if __name__ == "__main__":
    main()
