"""AutoConnectAux: AutoConnect's JSON pages and every element, posted from Chromium
and over HTTP, handlers, events, uploads, globals, persistence, bad definitions."""
import json
import re
from urllib.parse import urlencode

import pytest

from conftest import APPS, ARTIFACTS


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    from conftest import Board
    b = Board(tmp_path_factory.mktemp("aux") / "board", main=APPS / "auxapp.py")
    b.start()
    yield b
    b.stop()


def values(board, page):
    return {e["name"]: e for e in json.loads(board.request("GET", "/values?page=" + page)[2])["element"]}


def post(board, path, fields, headers=None):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    return board.request("POST", path, body=urlencode(fields), headers=h)


def test_every_element_renders_as_autoconnect_does(board):
    html = board.request("GET", "/all")[2].decode()
    body = html.split("</header>", 1)[1]
    assert "<style>#caption{color:#2f4f4f}</style>" in html
    assert '<div id="caption"><b>Hello</b></div>' in body                      # format, div posterior
    assert "<hr id='rawhr'>" in body
    assert ('<label for="user">User</label><input type="text" id="user" name="user" pattern="[a-z]+" '
            'placeholder="name" value="abc"><br>') in body
    assert '<input type="password" id="secret" name="secret" value=""><br>' in body.replace(
        '<label for="secret">Secret</label>', "")
    assert 'type="number" id="age" name="age" value="42"' in body             # number -> text
    assert '<label for="agree">Agree</label><input type="checkbox" id="agree" name="agree" value="yes" checked><br>' in body
    assert '<input type="checkbox" id="news" name="news" value="on"><label for="news">News</label><br>' in body
    assert ('<label>Color</label><input type="radio" id="color_1" name="color" value="red"><label for="color_1">red</label>'
            '<input type="radio" id="color_2" name="color" value="green" checked><label for="color_2">green</label>') in body
    assert ('<label for="size">Size</label><select id="size" name="size"><option value="S" selected>S</option>'
            '<option value="M">M</option><option value="L">L</option></select><br>') in body
    assert ('<input type="range" id="level" name="level" value="3" min="0" max="10" oninput="_ma(this,\'b\')">'
            '<span class="magnify">3</span><br>') in body
    assert "onclick=\"document.getElementById(&#39;caption&#39;).innerHTML=&#39;pressed&#39;\">Press</button>" in body
    assert '<input type="button" name="send" value="Send" onclick="_sa(&#39;/result&#39;)">' in body
    assert '<form id="_aux" method="post" onsubmit="return false;">' in body
    assert 'href="/all">All elements</a>' in html                               # joined to the menu
    assert "enctype" not in body
    assert 'enctype="multipart/form-data"' in board.request("GET", "/upload")[2].decode()


def test_posted_values_are_captured_into_the_source_page(board):
    status, _, body = post(board, "/result", {"_acuri": "/all", "user": "zed", "secret": "s<3",
                                              "age": "7", "news": "on", "color": "blue",
                                              "size": "L", "level": "9", "other": "x"})
    assert status == 200 and b"<pre id='args'>age,color,level,news,other,secret,size,user</pre>" in body
    v = values(board, "/all")
    assert v["user"]["value"] == "zed" and v["secret"]["value"] == "s<3" and v["age"]["value"] == "7"
    assert v["agree"]["checked"] is False and v["news"]["checked"] is True     # cleared, then set
    assert v["color"]["checked"] == 3 and v["size"]["selected"] == 3 and v["level"]["value"] == 9
    ev = json.loads(board.request("GET", "/events.json")[2])[-1]
    assert ev["where"] == "/all" and ev["valid"] is True
    post(board, "/result", {"_acuri": "/all", "user": "ZED9"})
    assert json.loads(board.request("GET", "/events.json")[2])[-1]["valid"] is False   # anchored pattern
    html = board.request("GET", "/all")[2].decode()
    assert 'value="ZED9"' in html and 'value="blue" checked' in html


def test_globals_copy_across_pages(board):
    post(board, "/g2", {"_acuri": "/g1", "shared": "<b>hi</b>"})
    html = board.request("GET", "/g2")[2].decode()
    assert '<span id="shared">&lt;b&gt;hi&lt;/b&gt;</span>' in html           # input -> text, escaped


def test_handler_order_and_response_false(board):
    body = board.request("GET", "/both")[2].decode()
    assert body.count("<p id='edge'>EDGE</p>") == 2
    assert body.index("EDGE") < body.index("MIDDLE") < body.rindex("EDGE")
    body = board.request("GET", "/later")[2].decode()
    assert body.index("MIDDLE") < body.index("AFTER")
    status, headers, body = board.request("GET", "/api/raw")
    assert status == 200 and body == b'{"raw": true}'
    status, headers, _ = board.request("GET", "/api/raw?go=1")
    assert status == 302 and headers["Location"] == "/all"


def test_fetch_events_without_page_change(board):
    status, headers, body = board.request(
        "POST", "/_ac/worker", body=urlencode({"_acuri": "/events", "_on": "btn", "inp": "typed"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and headers["Content-Type"] == "application/json"
    got = {d["id"]: d for d in json.loads(body)}
    assert got["status"] == {"id": "status", "innerHTML": "clicked typed", "style": {"color": "red"}}
    assert got["btn"] == {"id": "btn", "innerHTML": "Clicked"}
    for fields, text in (({"_acuri": "/nope", "_on": "btn"}, b"No AutoConnectAux - /nope"),
                         ({"_acuri": "/events", "_on": "status"}, b"No endpoints with _on:status")):
        status, _, body = post(board, "/_ac/worker", fields)
        assert status == 500 and body == text
    assert board.request("GET", "/_ac/worker")[0] == 500


def test_bad_definitions_are_named_and_good_pages_joined(board):
    bad = [e["bad"] for e in json.loads(board.request("GET", "/events.json")[2]) if "bad" in e][0]
    assert "page '/noname', element #1: key 'name' is missing" in bad
    assert "page '/badtype', element 'x': key 'type': unknown type 'ACSlider'" in bad
    assert "page '/badvalue', element 'r': key 'value': 'high' is not a valid value" in bad
    assert "page '/_ac/mine': key 'uri'" in bad
    assert "page '/badlist', element 's': key 'option'" in bad
    assert board.request("GET", "/fine")[0] == 200
    for uri in ("/noname", "/badtype", "/badvalue", "/badlist"):
        assert board.request("GET", uri)[0] == 404


def test_uploads_go_to_the_filesystem_or_the_application(board):
    boundary = "----acupload"
    parts = [("fsfile", "../../main.py", b"A" * 5000, "text/x-python"),
             ("extfile", "C:\\evil\\..\\x.bin", bytes(range(256)) * 20, "application/octet-stream")]
    body = b""
    for name, fn, data, ctype in parts:
        body += (b"--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                 b"Content-Type: %s\r\n\r\n" % (boundary.encode(), name.encode(), fn.encode(), ctype.encode())
                 + data + b"\r\n")
    body += b"--%s\r\nContent-Disposition: form-data; name=\"_acuri\"\r\n\r\n/upload\r\n--%s--\r\n" % (
        boundary.encode(), boundary.encode())
    status, _, out = board.request("POST", "/uploaded", body=body,
                                   headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    assert status == 200
    files = json.loads(re.search(rb"<pre id='files'>(.*?)</pre>", out).group(1))
    assert files == [["main.py", "text/x-python", 5000], ["x.bin", "application/octet-stream", 5120]]
    fs = board.state / "fs"
    assert (fs / "uploads" / "main.py").read_bytes() == b"A" * 5000
    assert (fs / "main.py").read_bytes()[:1] != b"A"                        # nothing outside /uploads
    assert (fs / "ext-x.bin").read_bytes() == bytes(range(256)) * 20
    for hostile, safe in (("..", "upload.bin"), ("a/b/c.txt", "c.txt"), ("...hidden", "hidden"),
                          ("x\x01y<>.bin", "xy.bin"), ("/", "upload.bin")):
        body = (b"--B\r\nContent-Disposition: form-data; name=\"fsfile\"; filename=\"%s\"\r\n\r\nZ\r\n--B--\r\n"
                % hostile.encode())
        board.request("POST", "/uploaded", body=body,
                      headers={"Content-Type": "multipart/form-data; boundary=B"})
        assert (fs / "uploads" / safe).read_bytes() == b"Z", hostile
    assert sorted(p.name for p in fs.iterdir() if p.name.startswith("ext-")) == ["ext-x.bin"]


def test_cross_site_posts_to_pages_are_refused(board):
    for origin in ("http://evil.example", "null"):
        assert post(board, "/result", {"_acuri": "/all", "user": "evil"}, {"Origin": origin})[0] == 403
    assert values(board, "/all")["user"]["value"] != "evil"


def test_every_element_filled_in_chromium(board, phone):
    base = "http://127.0.0.1:%d" % board.port
    phone.goto(base + "/all")
    phone.fill("#user", "anne")
    phone.fill("#secret", "pw")
    phone.fill("#age", "31")
    phone.uncheck("#agree")
    phone.check("#news")
    phone.check("#color_1")
    phone.select_option("#size", "M")
    phone.fill("#level", "6")
    assert phone.inner_text("span.magnify") == "6"                            # live range value
    phone.click("#press")
    assert phone.inner_text("#caption") == "pressed"                          # ACButton action
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "aux-all.png"), full_page=True)
    phone.click("input[name=send]")
    phone.wait_for_url(base + "/result")
    assert phone.inner_text("#args") == "age,agree,color,level,news,secret,size,user" or \
        phone.inner_text("#args") == "age,color,level,news,secret,size,user"
    v = values(board, "/all")
    assert v["user"]["value"] == "anne" and v["secret"]["value"] == "pw" and v["age"]["value"] == "31"
    assert v["agree"]["checked"] is False and v["news"]["checked"] is True
    assert v["color"]["checked"] == 1 and v["size"]["selected"] == 2 and v["level"]["value"] == 6


def test_python_page_and_events_in_chromium(board, phone):
    base = "http://127.0.0.1:%d" % board.port
    phone.goto(base + "/py")
    assert phone.input_value("#city") == "Paris" and phone.is_checked("#opt")
    assert phone.input_value("#menu") == "z" and phone.is_checked("#pick_1")
    phone.fill("#city", "Oslo")
    phone.click("input[name=s]")
    phone.wait_for_url(base + "/pyresult")
    assert values(board, "/py")["city"]["value"] == "Oslo"
    phone.goto(base + "/events")
    phone.fill("#inp", "abc")
    phone.click("#btn")
    phone.wait_for_function("document.getElementById('status').innerHTML == 'clicked abc'")
    assert phone.inner_text("#btn") == "Clicked"
    assert phone.evaluate("document.getElementById('status').style.color") == "red"
    phone.check("#chk")
    phone.wait_for_function("document.getElementById('status').innerHTML == 'checked'")
    assert phone.url == base + "/events"


def test_upload_in_chromium(board, phone, tmp_path):
    f = tmp_path / "photo.jpg"
    f.write_bytes(b"\xff\xd8" + bytes(30000))
    base = "http://127.0.0.1:%d" % board.port
    phone.goto(base + "/upload")
    phone.set_input_files("#fsfile", str(f))
    phone.click("input[name=send]")
    phone.wait_for_url(base + "/uploaded")
    assert (board.state / "fs" / "uploads" / "photo.jpg").read_bytes() == f.read_bytes()
    assert json.loads(phone.inner_text("#files"))[0] == ["photo.jpg", "image/jpeg", 30002]


def test_values_persist_across_a_reboot(board):
    post(board, "/kept", {"_acuri": "/kept", "note": "remember me"})
    assert 'value="remember me"' in board.request("GET", "/kept")[2].decode()
    pid = board.pid()
    board.kill9()
    board.wait_reboot(pid)
    assert 'value="remember me"' in board.request("GET", "/kept")[2].decode()


def test_aux_api(make_board):
    b = make_board(main=APPS / "auxops.py")
    b.start(ready=False, extra=("--exit-on-halt",))
    assert b.proc.wait(60) == 0, b.log()
    out = json.loads(b.log().split("RESULT ", 1)[1].splitlines()[0])
    assert out["case"] == ["hi", "Label", True, None]
    assert out["upsert"] == ["changed", "b", 3]
    assert out["one"] == "only" and out["set"] == 1
    assert out["save_one"] == {"name": "new", "type": "ACRadio", "value": ["a", "b"], "checked": 1,
                               "label": "", "arrange": "vertical", "posterior": "br", "global": False}
    assert out["save_some"] == ["Caption", "Name"]
    assert out["save_page"] == ["/p", "P", ["ACText", "ACInput", "ACRadio"]]
    assert out["roundtrip"] == ["/p", ["a", "b"], 1, "only"]
    assert out["select"] == ["y", ["x", "y"], 2] and out["radio"] == ["p", "horizontal"]
    assert out["release"] == [True, False, 2]
    e = out["errors"]
    assert e[0].startswith("invalid JSON") and e[1].startswith("cannot read not json")
    assert "key 'element' is not an array" in e[2] and "key 'menu'" in e[3]
    assert "element 'i': key 'apply': 'date' is not a valid value" in e[4]
    assert out["join_ac"] == "ValueError" and out["joined"] is True


def test_thirty_element_page_renders_in_esp8266_mode(make_board):
    # The target, 64K (TARGETS.md), with the library in ROMFS (run in place, as on a
    # FLASH_2M_ROMFS board); 62K fails on this 64-bit port. From /lib it needs about 88K.
    b = make_board(main=APPS / "aux30.py", chip="esp8266", heap="64K", romfs=True)
    b.start(ready=False)
    b.wait_ready(path="/thirty")
    for _ in range(5):
        status, _, body = b.request("GET", "/thirty")
        assert status == 200 and body.count(b' id="e') >= 30 and body.endswith(b"</html>")
    assert "MemoryError" not in b.log()


def test_page_authentication(make_board, tmp_path):
    import base64
    app = tmp_path / "authapp.py"
    app.write_text(
        "from autoconnect import AutoConnect, AutoConnectAux, AutoConnectConfig, ACText\n"
        "p = AutoConnect(AutoConnectConfig(auth=2, auth_scope=0x1 | 0x8000))\n"
        "p.join([AutoConnectAux('/open', 'Open', elements=[ACText('t', 'open')]),\n"
        "        AutoConnectAux('/locked', 'Locked', elements=[ACText('t', 'locked')], auth='basic')])\n"
        "p.begin()\nwhile True:\n    p.handle_client()\n")
    b = make_board(main=app).start()
    good = {"Authorization": "Basic " + base64.b64encode(b"esp32ap:12345678").decode()}
    assert b.request("GET", "/open")[0] == 200
    assert b.request("GET", "/locked")[0] == 401
    assert b.request("GET", "/locked", headers=good)[0] == 200
    assert b.request("POST", "/_ac/worker", body="_acuri=%2Flocked&_on=t",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 401
