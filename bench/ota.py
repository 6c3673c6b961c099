"""Row 2: the OTA pipeline (HTTP, parsing, image checks, MD5, flash writes) of a 1.5 MB
image into the simulated slot, browser upload and pull, against a bare MicroPython
loop on the same port; a CPython download+MD5 for context."""
import hashlib
import json
import socket
import subprocess
import time

from bench import procs, sim, updater
from bench.report import Line, Section
from bench.stats import Series, interleave
from tools import appimage, upload
from tools.simboard.install import STANDINS

SIZE = 1536 * 1024 - 8192        # a 1.5 MB image that fits the 1.5 MB slot
NAME = "app-2.0.0.bin"


def mbps(seconds):
    return SIZE / 1e6 / seconds


def timed(fn):
    t0 = time.monotonic()
    fn()
    return mbps(time.monotonic() - t0)


def browser(board, path):
    status, text = upload.send("http://127.0.0.1:%d/update" % board.port, str(path), "USERNAME",
                               "PASSWORD", timeout=120, progress=False)
    if not upload.verdict(status, text)[0]:
        raise RuntimeError("browser upload refused: %d %s" % (status, text[:200]))


def pull(board):
    status, _, body = board.request("GET", "/pull?name=" + NAME, timeout=120)
    if status != 200 or json.loads(body) != ["2.0.0"]:
        raise RuntimeError("pull failed: %d %r" % (status, body[:200]))


def bare(port, data, md5):
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := s.recv(256):
            reply += chunk
    if reply.split()[0].decode() != md5:
        raise RuntimeError("bare loop: wrong MD5 %r" % reply)


def wait_bare(port, proc, timeout=30):
    """An empty transfer through the bare loop once it listens."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return bare(port, b"", hashlib.md5().hexdigest())
        except ConnectionRefusedError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def cpython(port, md5):
    _, _, got = updater.download(port, "/" + NAME, md5=True)
    if got != md5:
        raise RuntimeError("CPython download: wrong MD5")


def flash_model(work, runs):
    """MB/s of the simulator's flash model alone (erase and program SIZE bytes)."""
    folder = work / "flashmodel"
    folder.mkdir()
    (folder / "flash.bin").write_bytes(b"\xff" * 4 * 1024 * 1024)
    out = subprocess.run([procs.MICROPYTHON, sim.APPS / "flashmodel.py", folder, STANDINS,
                          str(SIZE), str(runs)], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    flash, check = Series("flash model", "MB/s"), Series("image check", "MB/s")
    for line in out.splitlines():
        ms_flash, ms_check = line.split()
        flash.add(mbps(float(ms_flash) / 1000))
        check.add(mbps(float(ms_check) / 1000))
    return flash, check


def bare_loop(work, buf):
    """The reference loop with a buf-byte buffer: (process, port)."""
    port = procs.free_port()
    proc = procs.start([procs.MICROPYTHON, sim.APPS / "bareloop.py", port, work / ("bare%d.bin" % buf),
                        buf], work / ("bareloop%d.log" % buf))
    return proc, port


def run(work, quick=False):
    catalog = work / "ota-catalog"
    catalog.mkdir()
    data = appimage.build("2.0.0", "app", SIZE, "esp32")
    (catalog / NAME).write_bytes(data)
    md5 = hashlib.md5(data).hexdigest()
    server, sport = procs.updateserver(catalog, work / "ota-updateserver.log")
    loops = [bare_loop(work, 4096), bare_loop(work, 1024)]
    board = sim.Board(work, "ota", main=sim.app(work, "otabench", {"pull": ["127.0.0.1", sport]}))
    try:
        board.start()
        board.wait_for(lambda: board.status()["ssid"] == "HomeNet", 30, "joined HomeNet")
        for proc, port in loops:
            wait_bare(port, proc)
        (_, p4), (_, p1) = loops
        runs = {"upload": lambda: browser(board, catalog / NAME), "pull": lambda: pull(board),
                "bare": lambda: bare(p4, data, md5), "bare 1 KB": lambda: bare(p1, data, md5),
                "CPython": lambda: cpython(sport, md5)}
        series = interleave({Series(k, "MB/s"): (lambda f=f: timed(f)) for k, f in runs.items()},
                            5 if quick else 20, 8 if quick else 30)
    finally:
        board.stop()
        for proc, _ in loops:
            procs.stop(proc)
        procs.stop(server)
    got = {s.name: s for s in series}
    got["flash"], got["check"] = flash_model(work, 5 if quick else 20)
    return section(got)


def ms(series):
    """Milliseconds per image at the series' median."""
    return SIZE / 1e6 / series.median() * 1000


def section(got):
    s = Section("2. OTA pipeline, 1.5 MB image (esp32 mode)")
    ref = got["bare"]
    for key, what in (("upload", "browser upload (`/update`, multipart)"),
                      ("pull", "pull (`AutoConnectUpdate` from `tools.updateserver`)")):
        r = got[key].median() / ref.median()
        s.lines.append(Line(what, got[key].text("%.2f"), ref.text("%.2f"), "%.2fx" % r, ">= 0.5x",
                            r >= 0.5))
    for key, what in (("CPython", "context: CPython download + MD5 (4 KB reads)"),
                      ("bare 1 KB", "context: the bare loop with a 1 KB buffer"),
                      ("flash", "context: the simulator's flash model alone (erase + program)"),
                      ("check", "context: the simulated ESP-IDF's image check in `set_boot()` "
                                "(read back + SHA-256)")):
        s.lines.append(Line(what, got[key].text("%.1f"), ref.text("%.2f"),
                            "%.2fx" % (got[key].median() / ref.median())))
    s.notes = ["%d-byte ESP32 app image (%.2f MB, MB = 10^6 bytes); MB/s = size / time from the "
               "first byte sent to the board's answer." % (SIZE, SIZE / 1e6),
               "Board: `bench/apps/otabench.py` (portal joined to a simulated network, "
               "`HTTPUpdateServer` with credentials, `AutoConnectUpdate`), both paths with "
               "`reboot_on_update = False` so they repeat; every image is fully written to "
               "`ota_1`, checked (magic, segments, checksum, SHA-256, MD5) and `set_boot()` run.",
               "Reference: `bench/apps/bareloop.py` on the same `micropython` binary: "
               "`readinto` a 4 KB buffer from a loopback socket, MD5 and SHA-256 updated, "
               "written to a file; timed from the host from connect to the digests' answer.",
               "The five transfers are taken in turn each round. The flash model and the "
               "image check: `bench/apps/flashmodel.py` erasing and programming the same "
               "number of bytes 4 KB at a time through the simulator's `_flash` stand-in, "
               "then reading them back into SHA-256, nothing else."]
    s.missed = missed(got)
    return s


def missed(got):
    t_up, t_down, t_ref, t_flash, t_check = (ms(got[k]) for k in ("upload", "pull", "bare",
                                                                  "flash", "check"))
    return ("Per image the board takes %.0f ms (upload) and %.0f ms (pull) against the bare "
            "loop's %.0f ms. Two shares are the simulated board's, not the pipeline's: the "
            "flash model (`tools/simboard/board/_flash.py`: each 4 KB sector erased, then "
            "programmed, where the reference makes one `write`) takes %.0f ms, and `set_boot()` "
            "reads the image back and hashes it again, as ESP-IDF checks an image before it "
            "boots from it (%.0f ms for the read-back and SHA-256; its checksum pass is not "
            "in this figure). The rest, "
            "%.0f ms (upload) and %.0f ms (pull), is the pipeline's own: the reads, the "
            "multipart boundary scan, the image checks with their own SHA-256 and MD5, the "
            "progress callbacks, per chunk of 8 KB (a roomy heap's buffer, as here; 1 KB where "
            "64 KB or less are free, as on an ESP8266). Left: the pipeline does the bare "
            "loop's reads and hashing plus the two simulated shares (which include the "
            "writes), so even with no Python overhead at all it would take roughly %.0f ms, "
            "about %.2fx; what is "
            "left per chunk is a few asyncio and Python steps."
            % (t_up, t_down, t_ref, t_flash, t_check, t_up - t_flash - t_check,
               t_down - t_flash - t_check, t_ref + t_flash + t_check,
               t_ref / (t_ref + t_flash + t_check)))
