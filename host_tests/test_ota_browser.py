"""Browser updates: /update (ESP8266HTTPUpdateServer's protocol) into the next OTA slot,
every bad image refused before anything boots, authentication, power cuts, rollback."""
import base64
import hashlib
import json
import random
import time

import pytest

from conftest import APPS
from otatest import AUTH, SUCCESS, image, multipart, otadata, slot_hash, upload

PENDING, VALID, ABORTED = 1, 2, 4


@pytest.fixture
def board(make_board):
    return make_board(main=APPS / "otaapp.py").start()


def test_update_page_and_authentication(board):
    status, headers, _ = board.request("GET", "/update")
    assert status == 401 and headers["WWW-Authenticate"] == 'Basic realm="Login Required"'
    for spelling in ("/update/", "//update", "/%75pdate", "/update?x=1", "/./update"):
        assert board.request("GET", spelling)[0] == 401, spelling
    assert board.request("HEAD", "/update")[0] == 401
    bad = {"Authorization": "Basic " + base64.b64encode(b"USERNAME:WRONG").decode()}
    assert board.request("GET", "/update", headers=bad)[0] == 401
    status, _, body = board.request("GET", "/update", headers=AUTH)
    assert status == 200 and b"name='firmware'" in body and b"name='filesystem'" in body
    status, headers, body = board.request("OPTIONS", "/update")
    assert (status, body) == (200, b"y")
    assert headers["Access-Control-Allow-Origin"] == "*" and headers["Access-Control-Allow-Headers"] == "*"
    assert board.request("GET", "/UPDATE", headers=AUTH)[0] == 404


def test_firmware_update_reboots_into_the_new_image(board, tmp_path):
    data = image(tmp_path, "2.0.0", 1536 * 1024 - 8192)
    pid = board.pid()
    status, headers, body = upload(board, data, md5=hashlib.md5(data).hexdigest())
    assert status == 200 and body == SUCCESS and headers["Content-Type"].startswith("text/html")
    board.wait_reboot(pid)
    st = board.status()
    assert (st["version"], st["partition"]) == ("2.0.0", "ota_1")
    assert otadata(board)[0][:2] == (2, VALID)                  # confirmed once serving


def test_md5_header_and_wrong_md5(board, tmp_path):
    data = image(tmp_path, "2.0.1")
    status, _, body = upload(board, data, headers={"x-MD5": "0" * 32})
    assert body.startswith(b"Update error: MD5 Check Failed")
    status, _, body = upload(board, data, md5="f" * 32)
    assert body.startswith(b"Update error: MD5 Check Failed")
    assert otadata(board)[0][0] == 0xFFFFFFFF and board.status()["version"] == "sim-1.0.0"
    pid = board.pid()
    assert upload(board, data, headers={"x-MD5": hashlib.md5(data).hexdigest().upper()})[2] == SUCCESS
    board.wait_reboot(pid)
    assert board.status()["version"] == "2.0.1"


def corrupt(data, how):
    b = bytearray(data)
    if how == "magic":
        b[0] = 0xE8
    elif how == "segments":
        b[1] = 0
    elif how == "chip":
        b[12] = 9
    elif how == "merged":
        b[32:36] = b"\0\0\0\0"
    elif how == "seglen":
        b[28] |= 1
    elif how == "checksum":
        b[40000] ^= 0x10
    elif how == "sha256":
        b[-1] ^= 0x01
    elif how == "truncated":
        b = b[:30000]
    return bytes(b)


@pytest.mark.parametrize("how,reason", [
    ("magic", b"Wrong Magic Byte"), ("segments", b"Invalid segment count 0"),
    ("chip", b"Wrong chip"), ("merged", b"merged firmware image"),
    ("seglen", b"Invalid segment length"), ("checksum", b"Checksum mismatch"),
    ("sha256", b"SHA-256 mismatch"), ("truncated", b"Image truncated")])
def test_bad_images_are_refused_and_nothing_boots(board, tmp_path, how, reason):
    data = corrupt(image(tmp_path, "6.6.6"), how)
    pid = board.pid()
    status, _, body = upload(board, data)
    assert status == 200 and body.startswith(b"Update error: ") and reason in body, body
    time.sleep(1.5)
    assert board.pid() == pid and otadata(board)[0][0] == 0xFFFFFFFF
    assert board.get_json("/events")[-1][0] == "error"
    data = image(tmp_path, "2.0.2")
    assert upload(board, data)[2] == SUCCESS                    # the next upload works
    board.wait_reboot(pid)
    assert board.status()["version"] == "2.0.2"


def test_other_chip_and_oversized_images(board, tmp_path):
    assert b"Wrong chip" in upload(board, image(tmp_path, "3", chip="esp32s3"))[2]
    big = image(tmp_path, "4", 0x180000 + 8192)
    assert b"Update error: Not Enough Space" in upload(board, big)[2]
    assert otadata(board)[0][0] == 0xFFFFFFFF


def test_nothing_written_without_credentials_or_cross_site(board, tmp_path):
    data = image(tmp_path, "5.0.0")
    before = slot_hash(board)
    body, ctype = multipart(data)
    for headers in ({}, {"Authorization": "Basic " + base64.b64encode(b"USERNAME:x").decode()},
                    {"Authorization": "Bearer abc"}):
        status, _, _ = board.request("POST", "/update", body=body,
                                     headers=dict(headers, **{"Content-Type": ctype}))
        assert status == 401
    for origin in ("http://evil.example", "null"):
        status, _, _ = board.request("POST", "/update", body=body,
                                     headers=dict(AUTH, **{"Content-Type": ctype, "Origin": origin}))
        assert status == 403
    assert slot_hash(board) == before and board.get_json("/events") == []


def test_callbacks_and_no_reboot(make_board, tmp_path):
    b = make_board(main=APPS / "otaapp.py").start()
    (b.state / "fs" / "ota_test.json").write_text(json.dumps({"reboot": False}))
    pid = b.pid()
    b.kill9()
    b.wait_reboot(pid)
    data = image(tmp_path, "2.1.0", 200 * 1024)
    pid = b.pid()
    assert upload(b, data)[2] == SUCCESS
    time.sleep(2)
    assert b.pid() == pid                                       # the application reboots
    ev = b.get_json("/events")
    assert ev[0] == ["start"] and ev[-1] == ["end"]
    assert ev[1][0] == "progress" and ev[1][1] == len(data) and ev[1][3] > 10


def test_power_cut_during_uploads(board, tmp_path):
    rnd = random.Random(5)
    images = {v: image(tmp_path, v, 1024 * 1024) for v in ("7.0.0", "7.0.1")}
    for i in range(20):                             # 20 cuts, each during an upload
        running = board.status()["version"]
        data = next(d for v, d in images.items() if v != running)
        board.cut_during(lambda: upload(board, data), rnd.uniform(0.05, 1.2))
        assert board.status()["version"] in ("sim-1.0.0", "7.0.0", "7.0.1")
    running = board.status()["version"]
    target = next(v for v in images if v != running)
    pid = board.pid()
    assert upload(board, images[target])[2] == SUCCESS      # the next attempt succeeds
    board.wait_reboot(pid)
    assert board.status()["version"] == target


def test_crashing_image_is_rolled_back(board, tmp_path):
    pid = board.pid()
    assert upload(board, image(tmp_path, "9.9.9", project="sim-crash"))[2] == SUCCESS
    board.wait_reboot(pid)
    st = board.status()
    assert (st["version"], st["partition"]) == ("sim-1.0.0", "ota_0")
    assert otadata(board)[0][:2] == (2, ABORTED)


def test_large_upload_at_64k_heap(make_board, tmp_path):
    b = make_board(main=APPS / "otamin.py", heap="64K", mpy=True).start()
    data = image(tmp_path, "8.0.0", 1536 * 1024 - 8192)
    pid = b.pid()
    assert upload(b, data, md5=hashlib.md5(data).hexdigest())[2] == SUCCESS, b.log()
    b.wait_reboot(pid)
    assert b.status()["version"] == "8.0.0"
    assert "MemoryError" not in b.log()


def test_webupdate_example_menu_and_rollback(make_board, tmp_path):
    b = make_board().start()                                   # firmware/main.py
    html = b.request("GET", "/_ac")[2].decode()
    assert '<a href="/update">UPDATE</a>' in html and '<a href="/">Hello world</a>' in html
    assert "<h2>Hello, world</h2>" in b.request("GET", "/")[2].decode()
    assert b.request("GET", "/update")[0] == 401
    status, _, body = b.request("POST", "/_ac/rollback")
    assert status == 409 and b"Rollback refused" in body       # ota_1 holds nothing
    pid = b.pid()
    assert upload(b, image(tmp_path, "2.0.0"))[2] == SUCCESS
    b.wait_reboot(pid)
    wait = time.monotonic() + 10
    while otadata(b)[0][1] != VALID and time.monotonic() < wait:
        time.sleep(0.2)
    assert (b.status()["version"], otadata(b)[0][1]) == ("2.0.0", VALID)
    assert b.request("GET", "/_ac/rollback")[0] == 405
    assert b.request("POST", "/_ac/rollback", headers={"Origin": "http://evil.example"})[0] == 403
    pid = b.pid()
    status, _, body = b.request("POST", "/_ac/rollback")
    assert status == 200 and b"Rolling back to sim-1.0.0 (ota_0)" in body
    b.wait_reboot(pid)
    assert (b.status()["version"], b.status()["partition"]) == ("sim-1.0.0", "ota_0")


def test_chromium_submits_the_update_form(make_board, tmp_path, browser):
    b = make_board(main=APPS / "otaapp.py").start()
    fw = tmp_path / "firmware.bin"
    fw.write_bytes(image(tmp_path, "6.0.0", 1024 * 1024))
    ctx = browser.new_context(http_credentials={"username": "USERNAME", "password": "PASSWORD"})
    try:
        page = ctx.new_page()
        page.goto("http://127.0.0.1:%d/update" % b.port)
        page.set_input_files("input[name=firmware]", str(fw))
        pid = b.pid()
        page.click("input[value='Update Firmware']")
        page.wait_for_selector("text=Update Success! Rebooting...", timeout=60000)
    finally:
        ctx.close()
    b.wait_reboot(pid)
    assert b.status()["version"] == "6.0.0"
