"""Row 6: process start (`python -m tools.simboard`) to the first 200 on /_ac, the
example in esp32 mode, with a fresh state and with an existing one."""
import http.client
import time

from bench import procs
from bench.report import Line, Section
from bench.sim import Board
from bench.stats import Series, interleave


def boot(board, fresh):
    """(seconds to the first 200 on /_ac, seconds of it before the board process started)."""
    board.port, board.dns_port = procs.free_port(), procs.free_port()
    pidfile = board.state / "board.pid"
    old = _read(pidfile)
    t0 = time.monotonic()
    board.proc = procs.start(board.command(fresh), board.logfile)
    spawned = None
    try:
        while time.monotonic() - t0 < 60:
            if spawned is None and _read(pidfile) not in (None, old):
                spawned = time.monotonic() - t0
            if _answers(board.port):
                return time.monotonic() - t0, spawned
            time.sleep(0.005)
        raise TimeoutError("no 200 on /_ac after 60 s")
    finally:
        board.stop()


def _read(path):
    try:
        return path.read_text()
    except OSError:
        return None


def _answers(port):
    try:
        return procs.request(port, "GET", "/_ac", timeout=5)[0] == 200
    except (OSError, http.client.HTTPException):
        return False


def run(work, quick=False):
    cold, warm = Board(work, "startup-fresh"), Board(work, "startup-warm")
    boot(warm, True)                        # creates the state the warm runs find
    spawn = {True: Series("before spawn, fresh", "s"), False: Series("before spawn", "s")}

    def sample(board, fresh):
        took, spawned = boot(board, fresh)
        spawn[fresh].add(spawned)
        return took
    runs = {Series("fresh state", "s"): lambda: sample(cold, True),
            Series("existing state", "s"): lambda: sample(warm, False)}
    fresh, existing = interleave(runs, 5 if quick else 20, 8 if quick else 30)
    return section(fresh, existing, spawn[True], spawn[False])


def section(fresh, existing, spawn_fresh, spawn):
    s = Section("6. Start-up (esp32 mode, the example)")
    s.lines.append(Line("process start to the first 200 on `/_ac`, existing state",
                        existing.text("%.2f")))
    s.lines.append(Line("... with `--fresh` (state wiped, library installed)", fresh.text("%.2f")))
    s.notes = ["From `Popen(python -m tools.simboard ...)` to the first 200 on `/_ac` (polled every "
               "5 ms). Of it, the supervisor's part before the board process starts (stand-in "
               "heap calibration, stand-ins compiled, bootloader): %s with an existing state, "
               "%s fresh; the rest is the board booting `boot.py` and the example up to a served "
               "page." % (spawn.text("%.2f"), spawn_fresh.text("%.2f"))]
    return s
