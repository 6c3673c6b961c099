"""Stand-in for os: the unix port's os plus uname() as the board reports it."""
import _ext

_os = _ext.builtin("os")
for _n in dir(_os):
    if not _n.startswith("__"):
        globals()[_n] = getattr(_os, _n)
del _n


class _Uname:
    def __init__(self, chip):
        self.sysname = self.nodename = chip
        self.release = "1.29.0"
        self.version = "v1.29.0 (simulated) on 2026-11-26"
        self.machine = "Generic ESP32 module with ESP32" if chip == "esp32" else "ESP module with ESP8266"

    def __getitem__(self, i):
        return (self.sysname, self.nodename, self.release, self.version, self.machine)[i]

    def __len__(self):
        return 5


_UNAME = _Uname(_os.getenv("SIM_CHIP"))     # static on a board: made at import


def uname():
    return _UNAME


def rename(old, new):
    # The unix port's VfsPosix, mounted with a root, builds both absolute paths in one
    # buffer, so rename("/a", "/b") renames "/b" onto itself. A relative new path avoids it.
    if old[:1] == "/" and new[:1] == "/":
        depth = len([s for s in _os.getcwd().split("/") if s])
        new = "/".join([".."] * depth + [s for s in new.split("/") if s]) or "."
    _os.rename(old, new)
