"""Row 1: HTTP requests/s of the board (the example, esp32 mode) on /_ac and its custom
page / against Microdot's hello world on the same port, both loaded by wrk."""
import http.client
import re
import shutil
import statistics
import subprocess
import time

from bench import procs, refmicrodot
from bench.report import Line, Section
from bench.sim import Board
from bench.stats import Series, interleave

CONNS = 8               # the board's connection cap on ESP32
SECONDS = 2             # one sample: wrk running this long
HEAP = 256 * 1024       # the esp32 board's application heap, given to Microdot too


def wrk(port, path, seconds=SECONDS):
    """Good (2xx/3xx) responses per second of one wrk run."""
    if not shutil.which("wrk"):
        raise SystemExit("bench needs wrk: apt-get install wrk")
    out = subprocess.run(["wrk", "-t1", "-c%d" % CONNS, "-d%ds" % seconds, "--timeout", "5s",
                          "http://127.0.0.1:%d%s" % (port, path)],
                         capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    total, took, unit = re.search(r"(\d+) requests in ([\d.]+)(ms|s)", out).groups()
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    took = float(took) / (1000 if unit == "ms" else 1)
    return (int(total) - (int(bad.group(1)) if bad else 0)) / took


def per_request_ms(port, path, keep, n=20):
    """Median ms of n requests from one client, one at a time: on one kept-alive
    connection, or a new connection each."""
    times, c = [], None
    for _ in range(n):
        t0 = time.monotonic()
        c = c or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", path, headers={} if keep else {"Connection": "close"})
        c.getresponse().read()
        times.append((time.monotonic() - t0) * 1000)
        if not keep:
            c.close()
            c = None
    if c:
        c.close()
    return statistics.median(times)


def run(work, quick=False):
    board = Board(work, "throughput").start()
    port = procs.free_port()
    hello = refmicrodot.start(refmicrodot.stage(work, mpy=False), port, work / "microdot.log", HEAP)
    try:
        board.join_home()
        procs.wait_http(port, "/", 30, proc=hello)
        targets = {Series("board /_ac", "req/s"): (board.port, "/_ac"),
                   Series("board /", "req/s"): (board.port, "/"),
                   Series("Microdot /", "req/s"): (port, "/")}
        for p, path in targets.values():
            wrk(p, path, 1)                             # warm-up: modules loaded, caches full
        runs = {s: (lambda t=t: wrk(*t)) for s, t in targets.items()}
        ac, page, ref = interleave(runs, 3 if quick else 6, 4 if quick else 12)
        single = {(name, keep): per_request_ms(p, path, keep)
                  for name, (p, path) in (("/_ac", (board.port, "/_ac")), ("/", (board.port, "/")),
                                          ("Microdot", (port, "/")))
                  for keep in (True, False)}
    finally:
        board.stop()
        procs.stop(hello)
    return section(ac, page, ref, single)


def section(ac, page, ref, single):
    s = Section("1. HTTP throughput (esp32 mode)")
    for series, what in ((ac, "`/_ac` (statistics page)"), (page, "`/` (the example's custom page)")):
        r = series.median() / ref.median()
        s.lines.append(Line(what, series.text("%.0f"), ref.text("%.0f"), "%.2fx" % r,
                            ">= 1.5x", r >= 1.5))
    s.notes = ["wrk, 1 thread, %d connections (the board's ESP32 connection cap), keep-alive, "
               "%d s per sample, the three targets taken in turn each round; only 2xx/3xx "
               "answers counted." % (CONNS, SECONDS),
               "Board: the example (`firmware/main.py`, `webupdate.py`) joined to a simulated "
               "network, library from .py, 256K heap. Reference: Microdot %s hello world (`bench/apps/hello.py`) "
               "on the same `micropython` binary with `-X heapsize=256K`; it closes the "
               "connection after each answer." % refmicrodot.version(),
               "One client, one request at a time (median of 20): " + "; ".join(
                   "%s %.1f ms kept-alive, %.1f ms on a new connection each"
                   % (name, single[name, True], single[name, False])
                   for name in ("/_ac", "/", "Microdot")) + "."]
    s.missed = missed(single)
    return s


def missed(single):
    ac, page, hello = single["/_ac", False], single["/", False], single["Microdot", False]
    stall = single["/_ac", True] - ac
    text = ("The board is busy %.1f ms per `/_ac` page and %.1f ms per `/` page, against %.1f ms "
            "for Microdot's 13-byte hello world (one client, new connection each): one asyncio "
            "loop on one core cannot serve more than about %.0f and %.0f pages/s whatever the "
            "concurrency. On a roomy heap (this one, as an ESP32's) the labels and the template's "
            "section offsets are kept between requests, but a page is still put together piece "
            "by piece from a template file, with the menu and the statistics computed afresh, "
            "escaped and streamed in chunks; on a small heap (ESP8266) nothing is kept and every "
            "label is read from `www/labels.txt` again. " % (ac, page, hello, 1000 / ac, 1000 / page))
    if stall > 5:
        text += ("On a kept-alive connection a response also waits %.0f ms more, the mark of "
                 "Nagle's algorithm holding a response's later pieces until the client's delayed "
                 "ACK: `TCP_NODELAY` on accepted sockets (or one send per response) removes it. "
                 % stall)
    return text + ("Left: a full page is far more work than a 13-byte hello world, so 1.5x "
                   "Microdot's hello world on `/_ac` needs the page's rendering cut by another "
                   "order of magnitude (a page kept ready between requests, at a price in RAM).")
