"""The portal in Chromium at a phone's viewport (screenshots kept in host_tests/artifacts),
page sizes, and hostile network names."""
import gzip
import json


from conftest import ARTIFACTS
from portaltest import connect, form, portal_board

HOSTILE = [
    {"ssid": "<script>alert(1)</script>", "bssid": "b0:00:00:00:00:01", "channel": 2, "rssi": -40,
     "auth": "wpa2", "password": "p\"'<>&ss é"},
    {"ssid": '"; DROP TABLE x;--', "bssid": "b0:00:00:00:00:02", "channel": 4, "rssi": -45,
     "auth": "open"},
    {"ssid": "Tom & Jerry's <b>", "bssid": "b0:00:00:00:00:03", "channel": 7, "rssi": -50,
     "auth": "open"},
    {"ssid": "\u00e9" * 16, "bssid": "b0:00:00:00:00:04", "channel": 8, "rssi": -52, "auth": "open"},
]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / ("portal-%s.png" % name)), full_page=True)


def test_configure_flow_on_a_phone(make_board, tmp_path, phone):
    b = portal_board(make_board, tmp_path, {"config": {"ap_grace_ms": 600000}})
    base = "http://127.0.0.1:%d" % b.port
    phone.goto(base + "/_ac")
    assert phone.title() == "AutoConnect statistics"
    shot(phone, "1-statistics")
    phone.click("label.lb-burger")
    assert phone.is_visible("text=Configure new AP")
    shot(phone, "2-menu")
    phone.click("text=Configure new AP")
    phone.wait_for_url(base + "/_ac/config")
    assert phone.is_hidden("#sip")                       # static IP fields hidden with DHCP
    phone.uncheck("#dhcp")
    assert phone.is_visible("#sip") and phone.is_visible("#ns2")
    phone.check("#dhcp")
    phone.click("input[type=button][value=HomeNet]")
    assert phone.input_value("#ssid") == "HomeNet"
    assert phone.evaluate("document.activeElement.id") == "passphrase"
    phone.fill("#passphrase", "homepass123")
    shot(phone, "3-config")
    phone.click("input[type=submit][value=Apply]")
    phone.wait_for_url(base + "/_ac/connect")
    assert phone.is_visible(".spinner") and phone.inner_text(".ssid") == "HomeNet"
    shot(phone, "4-connecting")
    phone.wait_for_url(base + "/_ac/success", timeout=20000)
    assert "HomeNet" in phone.inner_text("table.info")
    shot(phone, "5-success")
    assert b.status()["ssid"] == "HomeNet"
    phone.goto(base + "/_ac/open")
    assert phone.is_visible("input[name=Credential][value=HomeNet]")
    shot(phone, "6-open")
    phone.click("input[name=Credential][value=HomeNet]")
    phone.wait_for_url(base + "/_ac/success", timeout=20000)
    assert phone.dialogs == []


def test_paging_and_failure_on_a_phone(make_board, tmp_path, phone):
    b = portal_board(make_board, tmp_path)
    base = "http://127.0.0.1:%d" % b.port
    phone.goto(base + "/_ac/config")
    phone.click("button[name=page][value='1']")
    phone.wait_for_url(base + "/_ac/config")
    assert phone.is_visible("input[type=button][value=Guest]")
    phone.click("button[name=page][value='0']")
    assert phone.is_visible("input[type=button][value=HomeNet]")
    phone.fill("#ssid", "HomeNet")
    phone.fill("#passphrase", "wrong-password")
    phone.click("input[type=submit][value=Apply]")
    phone.wait_for_url(base + "/_ac/fail", timeout=20000)
    assert "STAT_WRONG_PASSWORD" in phone.inner_text("table.info")
    shot(phone, "7-fail")


def test_hostile_names_are_shown_as_text(make_board, tmp_path, phone):
    b = portal_board(make_board, tmp_path, {"config": {"retain_portal": True}}, networks=HOSTILE)
    base = "http://127.0.0.1:%d" % b.port
    html = b.request("GET", "/_ac/config")[2].decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;; DROP TABLE x;--" in html and "Tom &amp; Jerry&#39;s &lt;b&gt;" in html
    phone.goto(base + "/_ac/config")
    for net in HOSTILE:
        assert phone.is_visible("input[type=button][value=%s]" % json.dumps(net["ssid"], ensure_ascii=False))
    phone.click("input[type=button][value=%s]" % json.dumps(HOSTILE[0]["ssid"], ensure_ascii=False))
    assert phone.input_value("#ssid") == HOSTILE[0]["ssid"]
    phone.fill("#passphrase", HOSTILE[0]["password"])
    phone.click("input[type=submit][value=Apply]")
    phone.wait_for_url(base + "/_ac/success", timeout=20000)
    shot(phone, "8-hostile")
    assert phone.dialogs == []
    entry = json.loads((b.state / "fs" / "ac_credt.json").read_text())["entries"][0]
    assert entry["ssid"] == HOSTILE[0]["ssid"] and entry["password"] == HOSTILE[0]["password"]
    for net in HOSTILE[1:]:
        assert connect(b, {"SSID": net["ssid"], "Passphrase": "", "dhcp": "en"})[1].endswith("/_ac/success")
    html = b.request("GET", "/_ac/open")[2].decode()
    assert "<script>alert" not in html and "<b>" not in html.split("</header>", 1)[1]
    assert HOSTILE[0]["password"] not in html and "p&quot;&#39;&lt;" not in html
    assert status_ok(b, "\u00e9" * 16)


def status_ok(board, ssid):
    connect(board, {"SSID": ssid, "Passphrase": "", "dhcp": "en"})
    return board.status()["ssid"] == ssid


def test_empty_and_oversized_fields_are_refused(make_board, tmp_path):
    b = portal_board(make_board, tmp_path)
    for fields in ({"SSID": "", "dhcp": "en"}, {"SSID": "x" * 33, "dhcp": "en"},
                   {"SSID": "\u00e9" * 17, "dhcp": "en"}, {"SSID": "a", "Passphrase": "p" * 65, "dhcp": "en"}):
        assert form(b, "/_ac/connect", fields)[0] == 400
    assert b.request("GET", "/_ac/connect")[0] == 405


def test_page_sizes_within_targets(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": {"retain_portal": True}, "menu": [0xC0, 0]})
    connect(b, {"SSID": "HomeNet", "Passphrase": "homepass123", "dhcp": "en"})
    connect(b, {"SSID": "CafeFree", "Passphrase": "", "dhcp": "en"})
    items = {"/_ac": 0, "/_ac/config": 5, "/_ac/open": 2, "/_ac/success": 0, "/_ac/fail": 0,
             "/_ac/disc": 0, "/_ac/reset": 0}
    for path, n in items.items():
        status, headers, body = b.request("GET", path)
        assert status == 200 and "text/html" in headers["Content-Type"], path
        assert len(body) <= 4096 + 200 * n, (path, len(body))
        assert "<style" not in body.decode() and "/_ac/ac.css" in body.decode()
    total = 0
    for asset, ctype in (("/_ac/ac.css", "text/css"), ("/_ac/ac.js", "text/javascript")):
        status, headers, body = b.request("GET", asset, headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Content-Type"] == ctype
        assert "max-age" in headers["Cache-Control"]
        gzip.decompress(body)
        total += len(body)
    assert total <= 4096
