"""python -m tools.deploy PORT: copy a built folder (python -m tools.build) to a board
with mpremote, only the files whose content differs, then reset the board.

Paths are relative to the board's working folder (/ on a board). Nothing else on the
board is touched (saved networks, settings, ...), except files an older version left in
the library's own folders (lib/<package>/) and the other form of a module directly under
lib/: a stale .py would shadow its new .mpy."""
import argparse
import hashlib
import sys
from pathlib import Path

from tools.build import DEFAULT_OUT
from tools.device import Board, BoardError
from tools.mpyinfo import Header, problem

# Run on the board: SHA-256 of the wanted files and of every file in the owned
# folders, which wanted folders exist, and what .mpy the board loads; one JSON line.
SCAN = """import os, sys, json, hashlib, binascii
def _hash(p):
    d = hashlib.sha256()
    b = bytearray(512)
    m = memoryview(b)
    with open(p, 'rb') as f:
        n = f.readinto(b)
        while n:
            d.update(m[:n])
            n = f.readinto(b)
    return binascii.hexlify(d.digest()).decode()
def _walk(d, out):
    for e in os.ilistdir(d):
        p = d + '/' + e[0]
        if e[1] == 0x4000:
            _walk(p, out)
        else:
            out.append(p)
def _exists(p):
    try:
        os.stat(p)
        return True
    except OSError:
        return False
_dirs = [d for d in %(dirs)r if _exists(d)]
_paths = %(files)r
for _d in %(own)r:
    if _d in _dirs:
        _walk(_d, _paths)
_files = {}
for _p in _paths:
    try:
        _files[_p] = _hash(_p)
    except OSError:
        pass
print(json.dumps({'mpy': getattr(sys.implementation, '_mpy', None), 'dirs': _dirs,
                  'files': _files}))
"""


class Folder:
    """The built files: {path on the board: bytes}, their folders and the owned ones."""

    def __init__(self, path):
        self.path = path
        self.files = {p.relative_to(path).as_posix(): p.read_bytes()
                      for p in sorted(path.rglob("*")) if p.is_file()}
        self.dirs = sorted({p.relative_to(path).as_posix()
                            for p in path.rglob("*") if p.is_dir()})
        self.own = [d for d in self.dirs if d.count("/") == 1 and d.startswith("lib/")]

    def sha(self, rel):
        return hashlib.sha256(self.files[rel]).hexdigest()

    def scan_code(self):
        return SCAN % {"dirs": self.dirs, "files": list(self.files) + self.twins(),
                       "own": self.own}

    def twins(self):
        """The other form (.py or .mpy) of each module directly under lib/: left by an
        earlier build, a .py would shadow the new .mpy."""
        return [rel[:-4] + ".py" if rel.endswith(".mpy") else rel[:-3] + ".mpy"
                for rel in self.files if rel.count("/") == 1 and rel.startswith("lib/")
                and rel.endswith((".py", ".mpy"))]

    def changed(self, remote):
        """Files to copy: library first, so main.py changes once the library is in place."""
        return sorted((rel for rel in self.files if remote.get(rel) != self.sha(rel)),
                      key=lambda rel: ("/" not in rel, rel))

    def stale(self, remote):
        return sorted(rel for rel in remote if rel not in self.files)

    def mpy_problem(self, board_mpy):
        """Why the board would refuse the .mpy files (ValueError: incompatible .mpy file)."""
        if board_mpy is None:
            return None           # an old MicroPython that does not tell
        board = Header.of_board(board_mpy)
        for rel, data in self.files.items():
            why = rel.endswith(".mpy") and problem(Header.of_bytes(data), board)
            if why:
                return (f"{rel} would not load: {why}.\nThe board loads "
                        f"{board.describe()}: rebuild with the matching --board, or with "
                        "--mpy-cross PATH of an mpy-cross of the board's MicroPython version.")
        return None


def deploy(board, folder):
    """Bring the board's copy up to date; (changed, unchanged, removed, bytes copied)."""
    info = board.json(folder.scan_code())
    why = folder.mpy_problem(info["mpy"])
    if why:
        raise BoardError(why)
    missing = [d for d in folder.dirs if d not in info["dirs"]]
    if missing:
        board.exec(f"import os\nfor d in {missing!r}:\n    os.mkdir(d)")
    changed = folder.changed(info["files"])
    for rel in changed:
        print(f"  {rel} ({len(folder.files[rel])} bytes)")
        board.write(rel, folder.files[rel])
    stale = folder.stale(info["files"])
    if stale:
        print(f"  removing stale library files: {', '.join(stale)}")
        board.exec(f"import os\nfor p in {stale!r}:\n    os.remove(p)")
    copied = sum(len(folder.files[rel]) for rel in changed)
    return len(changed), len(folder.files) - len(changed), len(stale), copied


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m tools.deploy", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("port", metavar="PORT", help="the board's serial port, e.g. /dev/ttyUSB0")
    ap.add_argument("--dir", type=Path, default=DEFAULT_OUT,
                    help="the built folder (default build/board)")
    ap.add_argument("--timeout", type=float, default=5.0,
                    help="seconds to wait for the board to answer (default %(default)s)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not (args.dir / "main.py").is_file():
        sys.exit(f"error: {args.dir} holds no build: run python -m tools.build first")
    folder = Folder(args.dir)
    try:
        board = Board(args.port, args.timeout)
    except BoardError as e:
        sys.exit(f"error: {e}")
    try:
        changed, same, removed, copied = deploy(board, folder)
    except BoardError as e:
        board.close()
        sys.exit(f"error: {e}")
    print(f"{changed} changed, {same} unchanged, {removed} removed; "
          f"{copied} bytes copied to {args.port}; resetting the board")
    board.reset()


if __name__ == "__main__":
    main()
