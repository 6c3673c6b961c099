"""Faults the board must survive: power cuts during pulled updates (firmware and
bundle), and thousands of generated malformed HTTP requests and DNS packets, after
which the board still answers and its heap is back at its baseline."""
import random
import socket
import subprocess
import sys
import time

import pytest
from dnslib import DNSRecord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from otatest import image
from portaltest import WORLD, pull_board, write_world
from strictserver import StrictServer

from conftest import APPS, ROOT, Board


@pytest.fixture
def catalog(tmp_path):
    d = tmp_path / "catalog"
    d.mkdir()
    return d


@pytest.fixture
def strict(catalog):
    s = StrictServer(catalog)
    s.faults = {"slow": 0.02}               # 8 KB every 20 ms: the cuts land mid-download
    yield s
    s.close()


def cut_pulls(board, names, valid, fs_check=None, cuts=20, seed=7):
    """Start pulls of the name not running, cut the power at random moments; every boot
    must come up on a valid version (fs_check(version) for bundles)."""
    rnd = random.Random(seed)
    for _ in range(cuts):
        running = board.status()["version"]
        name = next(n for v, n in names.items() if v != running)
        board.cut_during(lambda: board.get_json("/pull/update?name=" + name), rnd.uniform(0.0, 1.2))
        version = board.status()["version"]
        assert version in valid, version
        if fs_check:
            fs_check(version)


def test_power_cuts_during_pulled_firmware(make_board, tmp_path, catalog, strict):
    names = {v: "app-%s.bin" % v for v in ("2.0.0", "2.0.1")}
    for v, n in names.items():
        (catalog / n).write_bytes(image(tmp_path, v, 300 * 1024))
    board = pull_board(make_board, tmp_path, strict.port)
    cut_pulls(board, names, {"sim-1.0.0", "2.0.0", "2.0.1"})
    running = board.status()["version"]
    pid = board.pid()
    target = next(v for v in names if v != running)
    assert board.get_json("/pull/update?name=" + names[target]) == [target]   # the next one works
    board.wait_reboot(pid)
    assert board.status()["version"] == target


def _bundle(tmp_path, version, main):
    """A bundle that keeps the test application and carries its version in a library."""
    src = tmp_path / ("pullapp-" + version)
    (src / "lib").mkdir(parents=True, exist_ok=True)
    (src / "main.py").write_text(main)
    (src / "lib" / "appver.py").write_text('VERSION = "%s"\n' % version + "#" * 60000 + "\n")
    out = tmp_path / ("pullapp-%s.acb" % version)
    subprocess.run([sys.executable, "-m", "tools.bundle", "--version", version, "-o", str(out),
                    str(src)], cwd=ROOT, check=True)
    return out.read_bytes()


def test_power_cuts_during_pulled_bundle(make_board, tmp_path, catalog, strict):
    board = pull_board(make_board, tmp_path, strict.port, chip="esp8266", heap="160K")
    main = (tmp_path / "board-main.py").read_text()
    names = {v: "app-%s.acb" % v for v in ("3.0.0", "3.0.1")}
    for v, n in names.items():
        (catalog / n).write_bytes(_bundle(tmp_path, v, main))
    fs = board.state / "fs"

    def same(version):                      # never a mix: the library matches the version
        if version != "sim-1.0.0":
            assert ('VERSION = "%s"' % version) in (fs / "lib" / "appver.py").read_text()
    cut_pulls(board, names, {"sim-1.0.0", "3.0.0", "3.0.1"}, same, seed=11)
    running = board.status()["version"]
    pid = board.pid()
    target = next(v for v in names if v != running)
    assert board.get_json("/pull/update?name=" + names[target]) == [target]
    board.wait_reboot(pid)
    assert board.status()["version"] == target
    same(target)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A portal board (soft AP and DNS up) shared by the generated-input tests."""
    d = tmp_path_factory.mktemp("faults")
    world = d / "world.json"
    write_world(world, WORLD)
    main = d / "main.py"
    main.write_text("T = {}\n" + (APPS / "portalapp.py").read_text())
    b = Board(d / "board", main=main, world=world)
    b.start()
    b.count = {}
    yield b
    b.stop()


def heap(board):
    """Free heap after a collection, the least of three readings."""
    return min(board.status()["free_heap"] for _ in range(3))


def warm_up(board):
    """Every route the generated requests reach, by GET and by a form POST."""
    for path in ROUTES:
        for method in ("GET", "POST"):
            board.request(method, path.decode(), body="a=1&firmwares=x&op=%23s",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})


def count(board, kind, warm=300):
    """Count one generated input; after `warm` of them (every page and module the
    inputs reach is loaded by then, and the library keeps loaded modules while memory
    is plentiful) the heap is the baseline the rest must come back to."""
    n = board.count[kind] = board.count.get(kind, 0) + 1
    if n == 1 and kind == "http":
        warm_up(board)
    if n == warm:
        board.count[kind + " baseline"] = heap(board)


METHODS = st.sampled_from([b"GET", b"POST", b"HEAD", b"PUT", b"G\x00T", b"", b"GET GET", b"\xff"])
# (not /_ac/disc nor /_ac/reset: a valid POST there resets the board, as it should)
ROUTES = [b"/_ac", b"/_ac/config", b"/_ac/connect", b"/_ac/result", b"/_ac/open", b"/_ac/del",
          b"/_ac/update", b"/_ac/update_act", b"/_ac/worker", b"/_ac/status",
          b"/_ac/ac.css", b"/_ac/rollback", b"/generate_204", b"/nope"]
PATHS = st.one_of(st.sampled_from(ROUTES + [b"/%zz", b"//_ac/../_ac", b"*", b""]),
                  st.binary(max_size=300))
HEADERS = st.lists(st.one_of(
    st.sampled_from([b"Content-Length: -1", b"Content-Length: 99999999999", b"Content-Length: x",
                     b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip, chunked",
                     b"Content-Type: multipart/form-data; boundary=", b"Host:", b": v", b"X",
                     b"Cookie: " + b"a" * 3000, b"Origin: null", b"Authorization: Basic !!"]),
    st.binary(max_size=200)), max_size=12)
BODIES = st.one_of(st.just(b""), st.binary(max_size=400),
                   st.sampled_from([b"zz\r\nabc\r\n0\r\n\r\n", b"5\r\nab", b"--\r\n\r\n"]))


def exchange(port, data):
    """Send data on a new connection and read what comes back (bounded)."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
        except OSError:
            pass                            # reset by the board: fine, as long as it lives


@settings(max_examples=2000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(method=METHODS, path=PATHS, version=st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/9",
                                                           b"", b"HTTP/1.1\x00"]),
       headers=HEADERS, body=BODIES, eol=st.sampled_from([b"\r\n", b"\n", b"\r"]))
def test_generated_malformed_requests(portal, method, path, version, headers, body, eol):
    head = method + b" " + path + b" " + version + eol + eol.join(headers)
    exchange(portal.port, head + eol + eol + body)
    count(portal, "http")


def test_heap_returns_to_baseline_after_the_generated_requests(portal):
    # runs after the 2,000 generated requests above (same module board)
    assert portal.count["http"] >= 2000
    base = portal.count["http baseline"]
    for _ in range(20):
        if heap(portal) >= base - 2048:
            break
        time.sleep(0.25)
    assert heap(portal) >= base - 2048, (base, heap(portal))
    assert portal.request("GET", "/_ac")[0] == 200


@settings(max_examples=2000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=600),
                 st.builds(lambda q, cut, junk: q[:cut] + junk,
                           st.sampled_from([DNSRecord.question(n, t).pack() for n in
                                            ("a.example", "x" * 60 + ".test", "_ac.local")
                                            for t in ("A", "AAAA", "ANY")]),
                           st.integers(0, 40), st.binary(max_size=40))))
def test_generated_dns_packets(portal, packet):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(packet, ("127.0.0.1", portal.dns_port))
    count(portal, "dns")


def test_dns_and_heap_after_the_generated_packets(portal):
    r = None
    for _ in range(5):
        try:
            q = DNSRecord.question("still.alive.example")
            r = DNSRecord.parse(q.send("127.0.0.1", portal.dns_port, timeout=1.0))
            break
        except socket.timeout:
            continue
    assert r is not None and str(r.rr[0].rdata) == "172.217.28.1"
    assert portal.count["dns"] >= 2000
    assert heap(portal) >= portal.count["dns baseline"] - 2048
