"""AutoConnect's built-in update page (config.ota = AC_OTA_BUILTIN): /_ac/update and
/_ac/update_act over plain HTTP and in Chromium, files, bundles, failures, authentication."""
import base64
import re
import time

import pytest

from conftest import ARTIFACTS
from otatest import image, make_bundle, multipart, otadata, slot_hash
from portaltest import ota_board, portal_board

GOOD = {"Authorization": "Basic " + base64.b64encode(b"admin:secret").decode()}


def send(board, data, filename, headers=None, field="bin"):
    body, ctype = multipart(data, field=field, filename=filename)
    return board.request("POST", "/_ac/update_act", body=body,
                         headers=dict(headers or {}, **{"Content-Type": ctype}), timeout=120)


def element(html, eid):
    m = re.search(r'<div id="%s"[^>]*>(.*?)</div>' % eid, html.decode())
    assert m, html
    return m.group(1)


def test_page_menu_and_caption(make_board, tmp_path):
    b = ota_board(make_board, tmp_path, {"ota_extra_caption": "<b>v1</b>"})
    status, _, html = b.request("GET", "/_ac/update")
    assert status == 200
    assert b'<input type="file" id="bin" name="bin">' in html
    assert b"onclick=\"_upd(this,'bin','/_ac/update_act')\"" in html and b'value="UPDATE"' in html
    assert b'Updating firmware<span class="s_cap">&lt;b&gt;v1&lt;/b&gt;</span>' in html
    assert b'<a href="/_ac/update">Update</a>' in b.request("GET", "/_ac")[2]
    assert b.request("GET", "/_ac/update_act")[1]["Location"] == "/_ac/update"


def test_page_absent_without_ota_and_hidden_without_menu_item(make_board, tmp_path):
    plain = portal_board(make_board, tmp_path, name="plain")
    assert plain.request("GET", "/_ac/update")[0] == 404
    assert send(plain, b"x" * 10, "a.txt")[0] == 404
    assert b"/_ac/update" not in plain.request("GET", "/_ac")[2]
    hidden = ota_board(make_board, tmp_path, {"menu_items": 0x1f})
    assert b"/_ac/update" not in hidden.request("GET", "/_ac")[2]


def test_firmware_update_reboots_into_the_new_image(make_board, tmp_path):
    b = ota_board(make_board, tmp_path)
    data = image(tmp_path, "3.1.0", 700 * 1024)
    pid = b.pid()
    status, _, html = send(b, data, "Firmware-3.1.0.BIN")
    assert status == 200
    assert element(html, "rc") == "0" and element(html, "result") == "Successfully updated, rebooting..."
    assert element(html, "bin") == "Firmware-3.1.0.BIN" and "#3d7e9a" in html.decode()
    ev = b.get_json("/events")
    assert ev[0] == ["start"] and ev[1][0] == "end" and ev[1][1] > 10
    b.wait_reboot(pid)
    assert (b.status()["version"], b.status()["partition"]) == ("3.1.0", "ota_1")


def test_failures_leave_the_slot_and_the_boot_alone(make_board, tmp_path):
    b = ota_board(make_board, tmp_path)
    data = bytearray(image(tmp_path, "3.2.0"))
    data[-1] ^= 1
    pid = b.pid()
    status, _, html = send(b, bytes(data), "app.bin")
    assert status == 200 and element(html, "rc") == "1" and "#e66157" in html.decode()
    assert element(html, "result").startswith("Failed to update: ")
    assert b.get_json("/events")[-1][0] == "error"
    with open(b.state / "flash.bin", "rb") as f:
        f.seek(0x190000)
        assert f.read(16) == b"\xff" * 16                  # no image header: nothing to boot
    assert otadata(b)[0][0] == 0xFFFFFFFF
    assert element(b.request("GET", "/_ac/update_act")[2], "rc") == "1"     # the last result
    time.sleep(1.5)
    assert b.pid() == pid and b.status()["version"] == "sim-1.0.0"


def test_other_files_are_stored_under_a_sanitised_name(make_board, tmp_path):
    b = ota_board(make_board, tmp_path)
    pid = b.pid()
    for name, stored in (("notes.txt", "notes.txt"), ("../../boot.py", "boot.py"),
                         ('..\\x<y>.json', "xy.json")):
        status, _, html = send(b, b"hello " + name.encode(), name)
        assert element(html, "rc") == "L" and element(html, "result") == "Successfully uploaded"
        assert (b.state / "fs" / "uploads" / stored).read_bytes() == b"hello " + name.encode()
    assert b"hello" not in (b.state / "fs" / "boot.py").read_bytes()
    assert b.pid() == pid


def test_no_reboot_when_the_application_says_so(make_board, tmp_path):
    b = ota_board(make_board, tmp_path, reboot=False)
    pid = b.pid()
    html = send(b, image(tmp_path, "3.3.0"), "app.bin")[2]
    assert element(html, "rc") == "255"
    time.sleep(1.5)
    assert b.pid() == pid and otadata(b)[0][0] == 2             # booted next time


def test_bundle_through_the_page_on_esp8266(make_board, tmp_path):
    b = ota_board(make_board, tmp_path, chip="esp8266")
    html = send(b, image(tmp_path, "3.4.0"), "app.bin")[2]
    assert element(html, "rc") == "1" and "no OTA slots" in element(html, "result")
    pid = b.pid()
    html = send(b, make_bundle(tmp_path, "3.4.1"), "app-3.4.1.acb")[2]
    assert element(html, "rc") == "0"
    b.wait_reboot(pid, timeout=40)
    b.wait_ready(path="/appver")
    assert b.get_json("/appver") == ["3.4.1", "3.4.1"]


@pytest.mark.parametrize("scope", [0x1, 0x2, 0x4])
def test_both_uris_need_the_portal_credentials(make_board, tmp_path, scope):
    b = ota_board(make_board, tmp_path, {"auth": 2, "auth_scope": scope | 0x8000,
                                         "username": "admin", "password": "secret"})
    data = image(tmp_path, "3.5.0")
    before = slot_hash(b)
    for path in ("/_ac/update", "/_ac/update/", "//_ac/update", "/_ac/%75pdate?x=1"):
        status, headers, _ = b.request("GET", path)
        assert status == 401 and headers["WWW-Authenticate"] == 'Basic realm="AUTOCONNECT"', path
    assert b.request("HEAD", "/_ac/update")[0] == 401
    bad = {"Authorization": "Basic " + base64.b64encode(b"admin:wrong").decode()}
    for headers in ({}, bad):
        assert send(b, data, "app.bin", headers)[0] == 401           # AutoConnect left this open
        assert send(b, b"x", "f.txt", headers)[0] == 401
    assert send(b, data, "app.bin", dict(GOOD, Origin="http://evil.example"))[0] == 403
    assert slot_hash(b) == before and b.get_json("/events") == []
    assert not (b.state / "fs" / "uploads" / "f.txt").exists()
    assert b.request("GET", "/_ac/update", headers=GOOD)[0] == 200


def test_chromium_upload_with_progress_and_reload(make_board, tmp_path, phone):
    b = ota_board(make_board, tmp_path)
    fw = tmp_path / "fw.bin"
    fw.write_bytes(image(tmp_path, "4.0.0", 1536 * 1024 - 8192))
    pid = b.pid()
    base = "http://127.0.0.1:%d" % b.port
    phone.goto(base + "/_ac")
    phone.click("label.lb-burger")
    phone.click("a[href=\"/_ac/update\"]")              # from the menu
    phone.wait_for_url(base + "/_ac/update")
    phone.set_input_files("#bin", str(fw))
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "builtin-update-page.png"))
    phone.evaluate("window._pv=[];var d=Object.getOwnPropertyDescriptor(HTMLProgressElement"
                   ".prototype,'value');Object.defineProperty(HTMLProgressElement.prototype,"
                   "'value',{get:function(){return d.get.call(this)},set:function(v){"
                   "window._pv.push([v,this.max]);d.set.call(this,v)}})")   # every value the bar takes
    phone.click("#update")
    phone.wait_for_selector("#result", timeout=60000)
    assert phone.inner_text("#result") == "Successfully updated, rebooting..."
    seen = phone.evaluate("window._pv")
    assert seen and seen[0][1] == fw.stat().st_size
    assert max(v for v, _ in seen) >= fw.stat().st_size     # the bar moved to the end
    phone.screenshot(path=str(ARTIFACTS / "builtin-update-result.png"))
    phone.wait_for_url(lambda url: "/_ac/update" not in url, timeout=60000)   # reloaded
    b.wait_reboot(pid)
    assert b.status()["version"] == "4.0.0" and b.pid() != pid
