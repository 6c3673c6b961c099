"""Latency of a normal client while 200 slow connections are held open (half idle after
a partial request, half sending a byte every 2 s), on the example in esp32 mode."""
import socket
import threading
import time

from bench import procs
from bench.report import Line, Section
from bench.sim import Board
from bench.stats import Series

SLOW = 200
SAMPLES = 20


def latency(port):
    t0 = time.monotonic()
    status = procs.request(port, "GET", "/_ac/status", timeout=30)[0]
    if status != 200:
        raise RuntimeError("normal client answered %d" % status)
    return time.monotonic() - t0


def hold(port, stop):
    """Open SLOW connections and keep them slow until stop is set; closes them."""
    socks = []
    for _ in range(SLOW):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    time.sleep(0.5)
    _send(socks[:SLOW // 2], b"GET /_ac HTTP/1.1\r\nHost: slow")
    while not stop.is_set():
        _send(socks[SLOW // 2:], b"X")
        stop.wait(2)
    for s in socks:
        s.close()


def _send(socks, data):
    for s in socks:
        try:
            s.send(data)
        except OSError:
            pass


def series(port, name):
    out = Series(name, "s")
    for _ in range(SAMPLES):
        out.add(latency(port))
        time.sleep(0.2)
    return out


def run(work, quick=False):
    board = Board(work, "slowconns").start()
    stop = threading.Event()
    holder = threading.Thread(target=hold, args=(board.port, stop))
    try:
        idle = series(board.port, "idle")
        holder.start()
        time.sleep(1.5)
        loaded = series(board.port, "loaded")
    finally:
        stop.set()
        if holder.is_alive():
            holder.join()
        board.stop()
    s = Section("7. A normal client beside %d slow connections (esp32 mode, the example)" % SLOW)
    s.lines.append(Line("`GET /_ac/status` latency, new connection each", loaded.text("%.3f"),
                        "same board, no slow clients: " + idle.text("%.3f"),
                        "%.0fx" % (loaded.median() / idle.median()),
                        "served (the fault test allows 10 s)", max(loaded.values) < 10))
    s.notes = ["%d connections opened at once; after 0.5 s half send a partial request and go "
               "silent, half send a byte every 2 s. %d normal requests, 0.2 s apart, from 1.5 s "
               "on; the worst took %.2f s." % (SLOW, SAMPLES, max(loaded.values))]
    return s
