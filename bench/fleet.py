"""Row 5: 50 ESP32-style clients downloading a 1.5 MB image at once from
`tools.updateserver` and from a re-creation of AutoConnect's serving model."""
import threading
import time

from bench import procs, updater
from bench.report import Line, Section
from bench.stats import Series
from tools import appimage

CLIENTS = 50
SIZE = 1536 * 1024 - 8192
RATE = 2e6              # bytes/s one board takes in (network and flash writes)
WINDOW = 5744           # lwIP's default TCP window on ESP32 ...
MSS = 1436              # ... and segment size
NAME = "/app-2.0.0.bin"
OURS_PER_REF = 5        # rounds of ours per round of the reference (~1 s against ~60 s)
PATIENCE = 60           # s a client waits to connect or for each read before it gives up


def fleet(port):
    """One round: (aggregate MB/s, slowest download in s, downloads that failed); both
    figures over the downloads that completed."""
    barrier = threading.Barrier(CLIENTS)
    spans, errors = [], []

    def client():
        barrier.wait()
        t0 = time.monotonic()
        try:
            updater.download(port, NAME, RATE, WINDOW, MSS, timeout=PATIENCE)
            spans.append((t0, time.monotonic()))
        except OSError as e:
            errors.append(e)
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not spans:
        raise RuntimeError("every download failed, e.g. %r" % errors[0])
    wall = max(e for _, e in spans) - min(s for s, _ in spans)
    return len(spans) * SIZE / 1e6 / wall, max(e - s for s, e in spans), len(errors)


def figures(prefix):
    return [Series(prefix + "aggregate", "MB/s"), Series(prefix + "slowest", "s"),
            Series(prefix + "failed", "")]


def add(series, sample):
    for s, v in zip(series, sample):
        s.add(v)


def run(work, quick=False):
    catalog = work / "fleet-catalog"
    catalog.mkdir()
    (catalog / NAME[1:]).write_bytes(appimage.build("2.0.0", "app", SIZE, "esp32"))
    ours, port = procs.updateserver(catalog, work / "fleet-updateserver.log")
    rport = procs.free_port()
    ref = procs.start([procs.PY, "-m", "bench.refserver", "-p", rport, "-d", catalog],
                      work / "fleet-refserver.log")
    mine, theirs = figures(""), figures("ref ")
    try:
        procs.wait_listening(rport, proc=ref)
        for _ in range(1 if quick else 2):
            for _ in range(OURS_PER_REF):
                add(mine, fleet(port))
            add(theirs, fleet(rport))
    finally:
        procs.stop(ours)
        procs.stop(ref)
    return section(mine, theirs)


def section(mine, theirs):
    (agg, slow, failed), (ragg, rslow, rfailed) = mine, theirs
    out = Section("5. Update server, %d ESP32-style clients at once" % CLIENTS)
    r = agg.median() / ragg.median()
    out.lines.append(Line("aggregate throughput", agg.text("%.1f"), ragg.text("%.1f"), "%.1fx" % r,
                          ">= 5x", r >= 5))
    r = slow.median() / rslow.median()
    out.lines.append(Line("slowest completed download", slow.text("%.2f"), rslow.text("%.1f"),
                          "%.3fx" % r, "<= 0.2x", r <= 0.2))
    out.lines.append(Line("failed downloads per round", _values(failed), _values(rfailed)))
    out.notes = ["Each client: the ESP32 Arduino core's request headers, lwIP's defaults (a "
                 "%d-byte receive window, %d-byte segments), 4 KB reads paced to %.0f MB/s from "
                 "the first body byte (a board writing flash cannot catch up after a wait), a "
                 "%d-byte image; all %d start together. A round's aggregate is completed "
                 "downloads x size / (last byte - first connect). %d rounds of ours per round of "
                 "the reference." % (WINDOW, MSS, RATE / 1e6, SIZE, CLIENTS, OURS_PER_REF),
                 "Ours: `python -m tools.updateserver` with its header gate on. Reference: "
                 "`bench/refserver.py`, AutoConnect's model: a single-threaded "
                 "`http.server.HTTPServer` reading the file and computing its MD5 on every "
                 "request. It serves one board at a time; the others' connection attempts "
                 "overflow its listen backlog of 5 and are retried with TCP's growing back-off, "
                 "and some are reset or give up before their turn: those fail and count in neither "
                 "figure. A client here waits up to %d s to connect and for each read; a board "
                 "gives up far sooner (the agent's default `timeout_ms` is 8 s), so on real "
                 "boards more of the reference's downloads would fail instead of finishing late."
                 % PATIENCE]
    return out


def _values(series):
    return ", ".join("%d" % v for v in series.values)
