"""The captive portal: begin(), the configure flow, saved networks, reconnection,
menu, hooks, application routes. Over HTTP against the simulated board."""
import json


from portaltest import WORLD, connect, form, portal_board, wait_for, write_world

HOME = {"SSID": "HomeNet", "Passphrase": "homepass123", "dhcp": "en"}
FAST = {"ap_grace_ms": 1500}


def saved(board):
    path = board.state / "fs" / "ac_credt.json"
    return json.loads(path.read_text())["entries"] if path.exists() else []


def test_fresh_board_opens_the_portal(make_board, tmp_path):
    b = portal_board(make_board, tmp_path)
    st = b.status()
    assert st["portal"] is True and st["mode"] == "AP_STA" and st["ap_ip"] == "172.217.28.1"
    assert st["ssid"] is None and st["ip"] is None
    status, _, body = b.request("GET", "/_ac/config")
    html = body.decode()
    assert status == 200 and 'name="SSID"' in html and 'name="Passphrase"' in html
    assert 'name="dhcp" value="en" checked' in html
    for field in ("sip", "gw", "nm", "ns1", "ns2"):
        assert 'name="%s"' % field in html
    assert 'action="/_ac/connect"' in html and "Total:7 Hidden:1" in html
    assert html.count('onclick="onFocus(') == 5          # five per page
    assert 'value="HomeNet"' in html and "100&#037;&ensp;Ch.6" in html
    assert 'name="page" value="1"' in html                # Next
    status, _, body = b.request("GET", "/_ac/config?page=1")
    assert 'value="Guest"' in body.decode() and 'name="page" value="0"' in body.decode()


def test_configure_flow_saves_and_closes_the_portal_after_the_grace(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": FAST, "hooks": {"connect": 1}})
    b.request("GET", "/_ac/config")
    status, location = connect(b, HOME)
    assert status == 302 and location == "http://127.0.0.1:%d/_ac/success" % b.port
    status, _, body = b.request("GET", "/_ac/success")
    assert status == 200 and "<td>HomeNet</td>" in body.decode()
    assert saved(b)[0]["ssid"] == "HomeNet" and saved(b)[0]["bssid"] == "a0:00:00:00:00:01"
    st = b.status()
    assert st["ssid"] == "HomeNet" and st["ip"] == "127.0.0.1"
    wait_for(lambda: not b.status()["portal"], timeout=10)     # the AP goes after the grace
    assert b.status()["ap_ip"] is None and b.status()["mode"] == "STA"
    assert ["connect", "127.0.0.1"] in b.get_json("/events")
    for page in ("/_ac", "/_ac/open", "/_ac/success", "/_ac/config"):
        assert b"homepass123" not in b.request("GET", page)[2]


def test_wrong_password_fails_and_is_not_saved(make_board, tmp_path):
    b = portal_board(make_board, tmp_path)
    status, location = connect(b, dict(HOME, Passphrase="wrong-pass"))
    assert location.endswith("/_ac/fail")
    body = b.request("GET", "/_ac/fail")[2].decode()
    assert "Connection Failed" in body and "(202) STAT_WRONG_PASSWORD" in body
    assert connect(b, {"SSID": "Nowhere", "Passphrase": "x", "dhcp": "en"})[1].endswith("/_ac/fail")
    assert "STAT_NO_AP_FOUND" in b.request("GET", "/_ac/fail")[2].decode()
    assert saved(b) == []
    assert b.status()["portal"] is True


def test_auto_save_always_and_never(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": {"auto_save": 2}}, name="always")
    connect(b, dict(HOME, Passphrase="wrong-pass"))
    assert [e["ssid"] for e in saved(b)] == ["HomeNet"]
    b = portal_board(make_board, tmp_path, {"config": {"auto_save": 0}}, name="never")
    assert connect(b, HOME)[1].endswith("/_ac/success")
    assert saved(b) == []


def test_saved_network_is_joined_at_boot(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": FAST})
    connect(b, HOME)
    pid = b.pid()
    b.kill9()
    b.wait_reboot(pid)
    st = wait_for(lambda: (lambda s: s["ssid"] and s)(b.status()))
    assert st["ssid"] == "HomeNet" and st["portal"] is False
    assert ["begin", True, 1] in b.get_json("/events")


def test_principle_recent_and_rssi(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": FAST})
    connect(b, HOME)
    connect(b, {"SSID": "Office", "Passphrase": "office-2026", "dhcp": "en"})
    assert [e["ssid"] for e in saved(b)] == ["Office", "HomeNet"]     # most recent first
    b.stop()
    b.start(fresh=False)
    assert wait_for(lambda: b.status()["ssid"]) == "Office"          # RECENT
    main = b.state / "fs" / "main.py"
    main.write_text(main.read_text().replace("'ap_grace_ms': 1500", "'ap_grace_ms': 1500, 'principle': 1"))
    b.stop()
    b.start(fresh=False)
    assert wait_for(lambda: b.status()["ssid"]) == "HomeNet"         # RSSI: -48 beats -60


def test_same_ssid_on_two_bssids_joins_the_stronger(make_board, tmp_path):
    b = portal_board(make_board, tmp_path)
    b.request("GET", "/_ac/config")
    connect(b, {"SSID": "Office", "Passphrase": "office-2026", "dhcp": "en"})
    assert saved(b)[0]["bssid"] == "a0:00:00:00:00:03"
    assert b.request("GET", "/_ac/success")[2].decode().count("<td>1</td>") == 1   # channel 1


def test_min_rssi_ignores_weak_networks(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": dict(FAST, min_rssi=-90, auto_reconnect=True,
                                                          principle=1)})
    connect(b, {"SSID": "Weak", "Passphrase": "weakpass99", "dhcp": "en"})
    assert saved(b)[0]["ssid"] == "Weak"
    b.stop()
    b.start(fresh=False)                  # the only saved network is below min_rssi
    assert wait_for(lambda: b.status()["portal"]) and b.status()["ssid"] is None


def test_static_ip_per_entry(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": FAST})
    fields = {"SSID": "HomeNet", "Passphrase": "homepass123", "sip": "127.0.0.9",
              "gw": "127.0.0.1", "nm": "255.0.0.0", "ns1": "127.0.0.1", "ns2": "0.0.0.0"}
    assert connect(b, fields)[1].endswith("/_ac/success")
    e = saved(b)[0]
    assert e["dhcp"] is False and e["ip"] == "127.0.0.9" and e["netmask"] == "255.0.0.0"
    assert b.status()["ip"] == "127.0.0.9"
    status, _, body = form(b, "/_ac/connect", dict(fields, sip="300.1.1.1"))
    assert status == 400 and b"sip" in body


def test_router_vanishes_and_returns(make_board, tmp_path):
    """Boot while the router is off: the portal opens; once it is back, the board
    joins it by itself (auto_reconnect retries every 30 s while the portal is up)."""
    b = portal_board(make_board, tmp_path, {"config": dict(FAST, auto_reconnect=True)})
    connect(b, HOME)
    write_world(b.world_file, WORLD[1:])                 # power cut at the router
    b.stop()
    b.start(fresh=False)
    assert wait_for(lambda: b.status()["portal"], timeout=15)
    assert b.status()["ssid"] is None
    write_world(b.world_file)                            # the router is back
    assert wait_for(lambda: b.status()["ssid"], timeout=45, step=0.5) == "HomeNet"
    wait_for(lambda: not b.status()["portal"], timeout=10)


def test_connection_lost_while_running_recovers(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": FAST})
    connect(b, HOME)
    wait_for(lambda: not b.status()["portal"])
    write_world(b.world_file, WORLD[1:])
    wait_for(lambda: b.status()["ssid"] is None)
    write_world(b.world_file)
    assert wait_for(lambda: b.status()["ssid"], timeout=10) == "HomeNet"


def test_retain_portal_keeps_the_ap_and_reopens_it(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": dict(FAST, retain_portal=True)})
    connect(b, HOME)
    assert b.status()["ssid"] == "HomeNet"
    import time
    time.sleep(2.5)
    assert b.status()["portal"] is True and b.status()["ap_ip"] == "172.217.28.1"


def test_portal_timeout_and_interrupt(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": {"portal_timeout": 1500}}, name="timeout")
    ev = wait_for(lambda: [e for e in b.get_json("/events") if e[0] == "begin"], timeout=10)
    assert ev[0][1] is False and ev[0][2] & 0x04                 # AC_TIMEOUT
    assert b.status()["portal"] is False and b.status()["ap_ip"] is None
    assert b.get_json("/api/x")["x"] == 1                       # the web server keeps running
    b = portal_board(make_board, tmp_path, {"hooks": {"portal": 3}}, name="interrupt")
    ev = wait_for(lambda: [e for e in b.get_json("/events") if e[0] == "begin"], timeout=10)
    assert ev[0][1] is False and ev[0][2] & 0x08                 # AC_INTERRUPT
    b = portal_board(make_board, tmp_path, {"config": {"portal_timeout": 1000, "retain_portal": True}},
                     name="retained")
    wait_for(lambda: [e for e in b.get_json("/events") if e[0] == "begin"], timeout=10)
    assert b.status()["portal"] is True                        # retained after the timeout


def test_on_detect_false_skips_dns(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"hooks": {"detect": False}})
    assert ["detect", "172.217.28.1"] in b.get_json("/events")
    assert b.status()["portal"] is False
    assert b.status()["ap_ip"] == "172.217.28.1"


def test_begin_with_ssid_and_immediate_start(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"begin": ["CafeFree", "", 5000]}, name="adhoc")
    ev = wait_for(lambda: [e for e in b.get_json("/events") if e[0] == "begin"])
    assert ev[0][1] is True and b.status()["ssid"] == "CafeFree" and saved(b) == []
    b = portal_board(make_board, tmp_path, {"config": FAST}, name="immediate")
    connect(b, HOME)
    main = b.state / "fs" / "main.py"
    main.write_text(main.read_text().replace("'ap_grace_ms': 1500", "'immediate_start': True"))
    b.stop()
    b.start(fresh=False)
    assert wait_for(lambda: b.status()["portal"]) and b.status()["ssid"] is None


def test_serve_runs_beside_other_tasks(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"serve": True})
    first = b.get_json("/ticks")[0]
    wait_for(lambda: b.get_json("/ticks")[0] > first + 5)
    assert b.status()["portal"] is True


def test_menu_items_and_disabled_uris(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"menu": [0x80 | 0x40, 0x02]})   # +DELETESSID +DEVINFO -OPENSSIDS
    html = b.request("GET", "/_ac")[2].decode()
    assert 'href="/_ac/config"' in html and 'href="/_ac/open"' not in html
    assert 'action="/_ac/disc"' in html and 'href="#rdlg"' in html and 'href="/"' in html
    assert ">Device info<" in html
    assert b.request("GET", "/_ac/open")[0] == 404
    assert form(b, "/_ac/del", {"del": "x"})[0] == 404       # needs OPENSSIDS too


def test_open_ssids_and_delete(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": dict(FAST, retain_portal=True), "menu": [0x80, 0]})
    connect(b, HOME)
    connect(b, {"SSID": "CafeFree", "Passphrase": "", "dhcp": "en"})
    html = b.request("GET", "/_ac/open")[2].decode()
    assert html.count('name="Credential"') == 2 and 'value="HomeNet"' in html
    assert "100&#037;&ensp;Ch.6" in html and 'class="img-trash"' in html
    status, location = connect(b, {"Credential": "HomeNet"})
    assert location.endswith("/_ac/success") and b.status()["ssid"] == "HomeNet"
    status, headers, _ = form(b, "/_ac/del", {"del": "CafeFree"})
    assert status == 302 and headers["Location"] == "http://127.0.0.1:%d/_ac/open" % b.port
    assert [e["ssid"] for e in saved(b)] == ["HomeNet"]
    form(b, "/_ac/del", {"del": "NotThere"})
    assert "NotThere could not deleted" in b.request("GET", "/_ac/open")[2].decode()


def test_no_saved_credentials_text(make_board, tmp_path):
    b = portal_board(make_board, tmp_path)
    assert "No saved credentials." in b.request("GET", "/_ac/open")[2].decode()


def test_disconnect_then_reboot_opens_the_portal(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": FAST})
    connect(b, HOME)
    assert b.request("GET", "/_ac/disc")[0] == 200          # a confirmation, nothing happens
    assert b.status()["ssid"] == "HomeNet"
    pid = b.pid()
    assert form(b, "/_ac/disc", {})[0] == 200
    b.wait_reboot(pid)                                      # auto_reset
    assert wait_for(lambda: b.status()["portal"]) and b.status()["ssid"] is None
    assert saved(b)[0]["ssid"] == "HomeNet"                 # the store keeps it


def test_reset_page_and_reboot(make_board, tmp_path):
    b = portal_board(make_board, tmp_path)
    assert b"Restart the board?" in b.request("GET", "/_ac/reset")[2]
    pid = b.pid()
    status, _, body = form(b, "/_ac/reset", {})
    html = body.decode()
    assert status == 200 and "RESET in progress..." in html
    assert '<meta http-equiv="refresh" content="30;url=http://127.0.0.1:%d/_ac">' % b.port in html
    b.wait_reboot(pid)


def test_labels_title_and_home(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"config": {
        "title": "My <Device>", "home_uri": "/app", "boot_uri": 1,
        "labels": {"MENULABEL_CONFIGNEW": "Add Wi-Fi", "PAGETITLE_STATISTICS": "Board"}}})
    html = b.request("GET", "/_ac")[2].decode()
    assert ">Add Wi-Fi<" in html and "<title>Board</title>" in html
    assert 'class="lb-brand">My &lt;Device&gt;<' in html and 'href="/app"' in html
    status, headers, _ = b.request("GET", "/x", headers={"Host": "example.com"})
    assert headers["Location"] == "http://127.0.0.1:%d/app" % b.port


def test_application_routes_and_not_found(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"hooks": {"not_found": 1}, "config": FAST})
    assert b.get_json("/api/x")["x"] == 1
    assert b.request("GET", "/api/x", headers={"Host": "example.com"})[0] == 200
    assert b.request("GET", "/nothing")[2] == b"app 404 /nothing"          # IP-literal Host
    # the portal's URI table is one string: no path reaches a page across its entries
    for path, decoded in (("/_ac%20page_stat%20100%7C/_ac/config", "/_ac page_stat 100|/_ac/config"),
                          ("/_ac%7C/_ac/config", "/_ac|/_ac/config"), ("/_ac/config%20x", "/_ac/config x"),
                          ("/_ac/conf", "/_ac/conf"), ("/_a", "/_a")):
        assert b.request("GET", path)[2] == b"app 404 " + decoded.encode(), path
    connect(b, HOME)
    wait_for(lambda: not b.status()["portal"])
    status, _, body = b.request("GET", "/nothing", headers={"Host": "example.com"})
    assert status == 404 and body == b"app 404 /nothing"                   # portal closed


def test_while_connecting_can_abandon_an_attempt(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, {"hooks": {"connecting": False}})
    assert connect(b, HOME)[1].endswith("/_ac/fail")
    assert ["connecting", "HomeNet"] in b.get_json("/events")
    assert b.status()["ssid"] is None and saved(b) == []
