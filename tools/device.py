"""A MicroPython board on a serial port, driven through mpremote's raw REPL.

Board(port) opens the port and interrupts the running program. A real board is then
soft-reset, so the tool works on a clean heap (in the raw REPL main.py does not run);
the unix port (a PC) is not, since a soft reset ends it. reset() restarts the board
(machine.reset()); the unix port, which has no machine.reset(), exits instead."""
import contextlib
import io
import json
import os

from mpremote.transport import TransportError
from mpremote.transport_serial import SerialTransport

PC_PLATFORMS = ("linux", "darwin", "win32")   # sys.platform of the unix and windows ports
RESET = """import sys
try:
    import machine
    machine.reset()
except (ImportError, AttributeError):
    sys.exit()
"""

REPLACE = """import os
try:
    os.rename({tmp!r}, {path!r})
except OSError:                  # FAT does not rename over a file
    os.remove({path!r})
    os.rename({tmp!r}, {path!r})
"""


class BoardError(Exception):
    pass


class Board:
    def __init__(self, port, timeout=5.0):
        self.port, self.timeout = port, timeout
        _check_access(port)
        try:
            self.transport = SerialTransport(port, timeout=timeout)
        except TransportError:
            raise BoardError(f"cannot open {port} (is another program, e.g. a serial "
                             "monitor, using it?)") from None
        try:
            self._enter(soft_reset=False)
            self.platform = self.exec("import sys\nprint(sys.platform)").strip()
            if self.platform not in PC_PLATFORMS:
                self._enter(soft_reset=True)
        except BaseException:
            self.transport.close()
            raise

    def _enter(self, soft_reset):
        quiet = io.StringIO()     # mpremote prints what it read when it gives up
        try:
            with contextlib.redirect_stdout(quiet):
                self.transport.enter_raw_repl(soft_reset, timeout_overall=self.timeout)
        except (TransportError, OSError):
            raise BoardError(f"no MicroPython board answered on {self.port} within "
                             f"{self.timeout:g} s (is the board connected, running "
                             "MicroPython, and is this its port?)") from None

    def exec(self, code):
        """Run code on the board; its output as text. BoardError on an exception."""
        try:
            return self.transport.exec(code).decode()
        except TransportError as e:
            raise BoardError(f"the board failed:\n{str(e).strip()}") from None

    def json(self, code):
        """Run code that prints one line of JSON; that value."""
        return json.loads(self.exec(code).strip().splitlines()[-1])

    def write(self, path, data):
        """Write a file through a temporary name, so a cut leaves the old file whole."""
        try:
            self.transport.fs_writefile(path + ".tmp", data, chunk_size=1024)
        except (TransportError, OSError) as e:
            raise BoardError(f"cannot write {path}: {e}") from None
        self.exec(REPLACE.format(tmp=path + ".tmp", path=path))

    def reset(self):
        """Restart the board (its application runs again) and let go of the port."""
        try:
            self.transport.exec_raw_no_follow(RESET)
        except (TransportError, OSError):
            pass                  # the board may reset before acknowledging
        self._close()

    def close(self):
        """Back to the friendly REPL, the port released."""
        try:
            self.transport.exit_raw_repl()
        except OSError:
            pass
        self._close()

    def _close(self):
        try:
            self.transport.close()
        except OSError:
            pass                  # the unix port is gone with its pty


def _check_access(port):
    """Clear errors for a missing port or one the user may not open."""
    if not port.startswith("/"):
        return                    # COM3, rfc2217://...: left to pyserial
    if not os.path.exists(port):
        raise BoardError(f"no such port: {port} (is the board plugged in? "
                         "list ports with: mpremote connect list)")
    if not os.access(port, os.R_OK | os.W_OK):
        raise BoardError(f"permission denied on {port}: add yourself to its group "
                         f"(sudo usermod -aG $(stat -c %G {port}) $USER) and log in again")
