"""AutoConnectUpdate on the simulated board: the catalog page, AutoConnect's progress
protocol, the download with AutoConnect's request headers, every failure, bundles."""
import json
import re
import time
from urllib.parse import urlencode

import pytest
from conftest import ARTIFACTS
from otatest import image, make_bundle
from portaltest import pull_board, wait_for
from strictserver import NEEDED, StrictServer
from updateserverproc import UpdateServer


@pytest.fixture
def catalog(tmp_path):
    d = tmp_path / "catalog"
    d.mkdir()
    (d / "app-2.0.0.bin").write_bytes(image(tmp_path, "2.0.0", 200 * 1024))
    (d / "notes.txt").write_text("not an image")
    (d / "sub").mkdir()
    return d


@pytest.fixture
def strict(catalog):
    s = StrictServer(catalog)
    yield s
    s.close()


def op(board, value, method="POST"):
    if method == "GET":
        return board.request("GET", "/_ac/update_progress")
    return board.request("POST", "/_ac/update_progress", body=urlencode({"op": value}),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})


def pick(board, name):
    return board.request("POST", "/_ac/update_act", body=urlencode({"firmwares": name}),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})


def run_update(board, name, timeout=30):
    """Pick name, start with #s and poll like the page; returns the polled answers."""
    assert pick(board, name)[0] == 200
    status, _, body = op(board, "#s")
    assert (status, body) == (200, b""), body
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = op(board, None, "GET")
        assert status == 200, body
        seen.append(body.decode())
        if body == b"#e":
            return seen
        time.sleep(0.05)
    raise AssertionError(f"no #e after {timeout} s: {seen[-3:]}")


def result(board):
    return board.request("GET", "/_ac/update_result")[2].decode()


def test_catalog_page_lists_installable_entries(make_board, tmp_path, strict, catalog):
    board = pull_board(make_board, tmp_path, strict.port)
    status, _, body = board.request("GET", "/_ac/update")
    page = body.decode()
    assert status == 200
    assert 'name="firmwares"' in page and 'value="app-2.0.0.bin"' in page
    assert "notes.txt" not in page and 'value="sub"' not in page
    assert "<h4 class=\"cap\">Available firmwares</h4>" in page
    size = (catalog / "app-2.0.0.bin").stat().st_size
    assert re.search(r"<span>\d\d/\d\d/\d\d</span><span>\d\d:\d\d</span><span>%d</span>" % size, page)
    assert strict.requests[-1][0] == "/_catalog?op=list&path=."
    menu = board.request("GET", "/_ac")[2].decode()
    assert 'href="/_ac/update"' in menu, (board.status(), menu[:3000])


def test_pull_updates_and_reboots(make_board, tmp_path, strict):
    board = pull_board(make_board, tmp_path, strict.port)
    seen = run_update(board, "app-2.0.0.bin")
    assert any(s.startswith("#p,") for s in seen)
    text = result(board)
    assert "app-2.0.0.bin successfully updated. restart..." in text
    path, headers = strict.requests[-1]
    assert path == "/app-2.0.0.bin"
    assert headers["user-agent"] == "ESP32-http-Update"
    for n in NEEDED:
        assert headers[f"x-esp32-{n}"], n
    assert re.fullmatch(r"([0-9A-F]{2}:){5}[0-9A-F]{2}", headers["x-esp32-sta-mac"])
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-esp32-sketch-md5"])
    assert headers["x-esp32-mode"] == "sketch" and "x-esp32-version" not in headers
    pid = board.pid()
    assert op(board, "#r")[0] == 200
    board.wait_reboot(pid)
    assert board.status()["version"] == "2.0.0"


FAULTS = [
    ({"drop": 50000}, "Incomplete: 50000 of"),
    ({"md5": "0" * 32}, "MD5 Check Failed"),
    ({"nolength": True}, "Server Did Not Report Size"),
    ({"status": 302}, "Wrong HTTP Code (302)"),
    ({"status": 404}, "File Not Found (404)"),
    ({"stall": 4}, "Timeout: the server sent nothing for 2000 ms"),
    ({"hangup": True}, "http failed connect to 127.0.0.1"),
]


def test_failures_leave_the_app_and_a_retry_works(make_board, tmp_path, strict):
    board = pull_board(make_board, tmp_path, strict.port)
    pid = board.pid()
    for fault, reason in FAULTS:
        strict.faults = fault
        run_update(board, "app-2.0.0.bin")
        text = result(board)
        assert "app-2.0.0.bin failed.<br>" in text and reason in text, (fault, text)
        assert board.pid() == pid and board.status()["version"] == "sim-1.0.0"
    strict.faults = {"status": 304}
    run_update(board, "app-2.0.0.bin")
    assert "<br>No available update." in result(board)
    strict.faults = {}
    run_update(board, "app-2.0.0.bin")
    assert "successfully updated" in result(board)
    assert op(board, "#r")[0] == 200
    board.wait_reboot(pid)
    assert board.status()["version"] == "2.0.0"


def test_server_down_and_bad_catalogs(make_board, tmp_path, strict):
    board = pull_board(make_board, tmp_path, strict.port)
    for fault, text in (({"catalog": b"[{\"name\": \"a.bin\", \"type\": \"bin\""}, "Invalid catalog list:"),
                        ({"catalog": b"{\"oops\": 1}"}, "Invalid catalog list:not a JSON array"),
                        ({"catalog": b"[" + b"{\"name\": \"%s\"}" % (b"x" * 300) + b"]"},
                         "Invalid catalog list:an entry is longer than 256 bytes"),
                        ({"catalog": b"server broke", "catalog_status": 500},
                         "Update server responds (500):server broke")):
        strict.faults = fault
        status, _, body = board.request("GET", "/_ac/update")
        assert status == 200 and text in body.decode(), (fault, body[-600:])
    strict.faults = {"catalog": b'[{"name": "a}b.bin", "type": "bin", "date": "01/02/26", '
                                b'"time": "03:04:05", "size": 7}, {"name": "<i>.bin", "type": "bin"}]'}
    page = board.request("GET", "/_ac/update")[2].decode()
    assert 'value="a}b.bin"' in page and "&lt;i&gt;.bin" in page and "<i>" not in page
    strict.faults = {"hangup": True}                # accepted, closed before a byte
    page = board.request("GET", "/_ac/update")[2].decode()
    assert "http failed connect to 127.0.0.1:%d" % strict.port in page
    strict.close()
    page = board.request("GET", "/_ac/update")[2].decode()
    assert "http failed connect to 127.0.0.1:%d" % strict.port in page
    assert 'type="submit" value="UPDATE" disabled' in page


def test_progress_protocol_sequence(make_board, tmp_path, strict):
    board = pull_board(make_board, tmp_path, strict.port)
    assert op(board, None, "GET")[2] == b"#e"
    assert op(board, "#s")[:3:2] == (500, b"invalid sequence")          # nothing picked
    assert op(board, "#r")[:3:2] == (500, b"invalid sequence")
    assert op(board, "#x")[:3:2] == (500, b"invalid operation")
    status, _, body = board.request("POST", "/_ac/update_progress", body="a=1",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, body) == (500, b"invalid request")
    assert board.request("PUT", "/_ac/update_progress", body="op=%23s")[:3:2] == (500, b"invalid request")
    strict.faults = {"slow": 0.05}
    assert pick(board, "app-2.0.0.bin")[0] == 200
    assert op(board, "#s")[0] == 200
    assert op(board, "#s")[:3:2] == (500, b"invalid sequence")          # already running
    t0 = time.monotonic()
    assert board.status()["version"] == "sim-1.0.0"                    # the portal answers
    assert board.request("GET", "/_ac")[0] == 200 and time.monotonic() - t0 < 1.5
    body = op(board, None, "GET")[2].decode()
    assert re.fullmatch(r"#p,\d+:\d+", body), body
    wait_for(lambda: op(board, None, "GET")[2] == b"#e", 30)
    assert "successfully updated" in result(board)


def _not_busy(answer):
    """answer, or None when it says another update (an automatic poll) is running."""
    return None if answer[:1] == ["error"] and "in progress" in answer[1] else answer


def test_program_api_and_auto_update(make_board, tmp_path, strict, catalog):
    (catalog / "app-1.5.0.bin").write_bytes(image(tmp_path, "1.5.0"))
    import os
    os.utime(catalog / "app-1.5.0.bin", (1, 1))                        # older than 2.0.0
    board = pull_board(make_board, tmp_path, strict.port, setup={"auto": 0.03})
    names = [e["name"] for e in board.get_json("/pull/check")]
    assert names == ["app-1.5.0.bin", "app-2.0.0.bin"]
    pid = board.pid()
    board.wait_reboot(pid, 30)                                         # the newest, installed
    assert board.status()["version"] == "2.0.0"
    assert strict.requests[-1][1]["x-esp32-version"] == "sim-1.0.0"
    n = len(strict.requests)
    wait_for(lambda: len(strict.requests) >= n + 2, 20)                # polled again
    assert board.status()["version"] == "2.0.0"                        # and nothing newer
    # not newer: nothing installed (retried while an automatic poll is running: busy)
    older = "/pull/update?name=app-1.5.0.bin&version=2.0.0"
    assert wait_for(lambda: _not_busy(board.get_json(older)), 10) == [None]
    assert board.get_json("/pull/update?name=nope.bin")[0] == "error"


# the test application with the library in /lib; the portal and the agent alone with it
# in ROMFS, which need about 80K (README, Memory): the download adds the HTTP client, the
# stager and the pure-Python MD5 to the catalog page's 64K
@pytest.mark.parametrize("app, heap, romfs", [("portalapp.py", "160K", False),
                                              ("pullmin.py", "88K", True)])
def test_esp8266_pulls_bundles_only(make_board, tmp_path, catalog, strict, app, heap, romfs):
    (catalog / "app-3.0.0.acb").write_bytes(make_bundle(tmp_path, "3.0.0"))
    board = pull_board(make_board, tmp_path, strict.port, chip="esp8266", heap=heap,
                       romfs=romfs, app=app)
    page = board.request("GET", "/_ac/update")[2].decode()
    assert 'value="app-3.0.0.acb"' in page and 'value="app-2.0.0.bin"' not in page
    run_update(board, "app-2.0.0.bin")                     # not listed; if asked anyway: refused
    assert "this board has no OTA slots" in result(board)
    run_update(board, "app-3.0.0.acb")
    assert "app-3.0.0.acb successfully updated" in result(board)
    _, headers = strict.requests[-1]
    assert headers["user-agent"] == "ESP8266-http-Update" and headers["x-esp8266-chip-id"].isdigit()
    assert all(headers[f"x-esp8266-{n}"] for n in NEEDED)
    pid = board.pid()
    assert op(board, "#r")[0] == 200
    board.wait_reboot(pid)
    board.wait_ready(path="/appver")
    assert board.status()["version"] == "3.0.0"


def test_500_entry_catalog_streams_in_bounded_memory(make_board, tmp_path, strict):
    entries = [{"name": "app-%03d.acb" % i, "type": "bundle", "date": "11/26/26",
                "time": "10:%02d:00" % (i % 60), "size": 1000 + i} for i in range(500)]
    strict.faults = {"catalog": json.dumps(entries).encode()}
    # the portal and the agent alone (TARGETS.md's 64K), the library in ROMFS
    board = pull_board(make_board, tmp_path, strict.port, chip="esp8266", heap="64K", romfs=True,
                       app="pullmin.py")
    before = board.status()["free_heap"]
    status, _, body = board.request("GET", "/_ac/update")
    page = body.decode()
    assert status == 200 and page.count('name="firmwares"') == 500
    assert 'value="app-499.acb"' in page and "Available firmwares" in page
    assert board.status()["free_heap"] >= before - 4096


@pytest.fixture
def ours(catalog, tmp_path):
    """tools.updateserver serving the catalog; its port."""
    server = UpdateServer(catalog, "-l", "WARNING", logdir=tmp_path)
    yield server.port
    server.stop()


def test_against_our_server_with_304_after_the_update(make_board, tmp_path, ours):
    board = pull_board(make_board, tmp_path, ours)
    assert 'value="app-2.0.0.bin"' in board.request("GET", "/_ac/update")[2].decode()
    run_update(board, "app-2.0.0.bin")
    pid = board.pid()
    assert op(board, "#r")[0] == 200
    board.wait_reboot(pid)
    wait_for(lambda: board.status()["ssid"] == "HomeNet", 15)
    assert board.status()["version"] == "2.0.0"
    run_update(board, "app-2.0.0.bin")              # its sketch-md5 is now the file's MD5
    assert "<br>No available update." in result(board)
    assert board.get_json("/pull/update?name=app-2.0.0.bin&version=2.0.0") == [None]   # 304 by version


def test_chromium_picks_a_binary_and_the_board_reboots_into_it(make_board, tmp_path, strict, phone):
    strict.faults = {"slow": 0.15}                          # about 4 s: the page polls meanwhile
    board = pull_board(make_board, tmp_path, strict.port)
    base = "http://127.0.0.1:%d" % board.port
    phone.add_init_script("window._mv=[];var d=Object.getOwnPropertyDescriptor(HTMLMeterElement."
                          "prototype,'value');Object.defineProperty(HTMLMeterElement.prototype,"
                          "'value',{get:function(){return d.get.call(this)},set:function(v){"
                          "window._mv.push(v);sessionStorage.mv=JSON.stringify(window._mv);"
                          "d.set.call(this,v)}})")          # every value the meter takes
    phone.goto(base + "/_ac")
    phone.click("label.lb-burger")
    phone.click("a[href=\"/_ac/update\"]")
    phone.wait_for_url(base + "/_ac/update")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "pull-catalog.png"))
    assert phone.inner_text("h4.cap") == "Available firmwares"
    phone.check("input[value=\"app-2.0.0.bin\"]")
    pid = board.pid()
    phone.click("input[type=submit]")
    phone.wait_for_url(base + "/_ac/update_act")
    assert "app-2.0.0.bin from 127.0.0.1:%d" % strict.port in phone.inner_text("#pbin")
    phone.wait_for_timeout(2000)
    phone.screenshot(path=str(ARTIFACTS / "pull-progress.png"))
    phone.wait_for_url(base + "/_ac/update_result", timeout=60000)
    assert phone.inner_text("#result") == "app-2.0.0.bin successfully updated. restart..."
    size = (strict.folder / "app-2.0.0.bin").stat().st_size
    seen = phone.evaluate("JSON.parse(sessionStorage.mv||'[]')")
    assert any(0 < v < size for v in seen), seen           # the meter moved while it ran
    events = board.get_json("/events")
    assert ["start"] in events and any(e[0] == "end" and e[1] > 10 for e in events), events
    phone.screenshot(path=str(ARTIFACTS / "pull-result.png"))
    board.wait_reboot(pid)
    phone.wait_for_url(base + "/", timeout=60000)          # reloaded once the board is back
    assert board.status()["version"] == "2.0.0"
