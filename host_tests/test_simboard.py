"""The simulated board: stand-ins for network, machine, esp, socket, and the supervisor."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import APPS, ROOT
from portaltest import write_world

NETS = [
    {"ssid": "HomeNet", "bssid": "a0:00:00:00:00:01", "channel": 6, "rssi": -50,
     "auth": "wpa2", "password": "homepass1", "ip": "127.0.0.5"},
    {"ssid": "Open", "bssid": "a0:00:00:00:00:02", "channel": 11, "rssi": -70, "auth": "open"},
    {"ssid": "Twin", "bssid": "a0:00:00:00:00:03", "channel": 1, "rssi": -80, "auth": "wpa2",
     "password": "twinpass1"},
    {"ssid": "Twin", "bssid": "a0:00:00:00:00:04", "channel": 6, "rssi": -55, "auth": "wpa2",
     "password": "twinpass1"},
    {"ssid": "Secret", "bssid": "a0:00:00:00:00:05", "channel": 3, "rssi": -65, "auth": "wpa3",
     "password": "secretpass", "hidden": True},
]


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "world.json"
    write_world(path, NETS)
    return path


@pytest.fixture
def board(make_board, world):
    return make_board(main=APPS / "boardops.py", world=world).start()


def test_scan_tuples_like_esp32(board):
    got = board.get_json("/scan")
    assert got == [["HomeNet", "a00000000001", 6, -50, 3, False],
                   ["Open", "a00000000002", 11, -70, 0, False],
                   ["Twin", "a00000000003", 1, -80, 3, False],
                   ["Twin", "a00000000004", 6, -55, 3, False],
                   ["", "a00000000005", 3, -65, 6, True]]


def test_connect_statuses_and_interface(board):
    idle, connecting, got_ip, wrong, no_ap = board.get_json("/wlan")["consts"]
    assert (idle, connecting, got_ip, wrong, no_ap) == (1000, 1001, 1010, 202, 201)
    r = board.get_json("/connect?ssid=HomeNet&key=homepass1")
    assert r["statuses"] == [connecting, got_ip] and r["ms"] >= 250
    w = board.get_json("/wlan")
    assert w["connected"] and w["essid"] == "HomeNet" and w["rssi"] == -50
    assert w["ifconfig"] == ["127.0.0.5", "255.255.255.0", "127.0.0.5", "127.0.0.5"]
    assert w["channel"] == 6
    assert board.status()["mode"] == "STA" and board.status()["ip"] == "127.0.0.5"
    assert board.status()["ssid"] == "HomeNet"
    assert board.get_json("/connect?ssid=HomeNet&key=wrongpass")["statuses"] == [connecting, wrong]
    assert board.get_json("/connect?ssid=Nowhere&key=x")["statuses"] == [connecting, no_ap]
    assert board.get_json("/connect?ssid=Open")["statuses"][-1] == got_ip
    assert board.get_json("/connect?ssid=Secret&key=secretpass")["statuses"][-1] == got_ip
    assert board.get_json("/connect?ssid=Twin&key=twinpass1")["statuses"][-1] == got_ip
    assert board.get_json("/wlan")["rssi"] == -55          # the stronger twin
    assert board.get_json("/connect?bssid=a00000000003&key=twinpass1")["statuses"][-1] == got_ip
    assert board.get_json("/wlan")["rssi"] == -80


def test_network_vanishes_and_returns(board, world):
    assert board.get_json("/connect?ssid=HomeNet&key=homepass1")["statuses"][-1] == 1010
    write_world(world, NETS[1:])
    w = board.get_json("/wlan")
    assert not w["connected"] and w["status"] == 1001 and board.status()["ip"] is None
    write_world(world, NETS)
    deadline = time.monotonic() + 5
    while not board.get_json("/wlan")["connected"]:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_soft_ap_and_stations(board, world):
    w = board.get_json("/wlan")
    assert w["ap_active"] is False and w["stations"] is None
    board.get_json("/ap?on=1")
    w = board.get_json("/wlan")
    assert w["ap_ifconfig"][0] == "172.217.28.1" and w["stations"] == 0 and not w["ap_connected"]
    st = board.status()
    assert st["ap_ip"] == "172.217.28.1" and st["mode"] == "AP"
    write_world(world, NETS, stations=2)
    w = board.get_json("/wlan")
    assert w["stations"] == 2 and w["ap_connected"]
    board.get_json("/connect?ssid=Open")
    assert board.status()["mode"] == "AP_STA"
    board.get_json("/ap?on=0")
    board.request("GET", "/sta_off")
    assert board.status()["mode"] == "OFF"


def test_world_rewrites_within_a_second_are_seen(board, world):
    """The board parses the world file again only when it changed, and mtime counts whole
    seconds: a rewrite of the same size (even back onto the same inode, as replacing
    through a temporary file alternates them) within the second it was read is seen."""
    board.get_json("/ap?on=1")
    for n in (1, 2, 3, 4, 5, 6):
        write_world(world, NETS, stations=n)
        assert board.get_json("/wlan")["stations"] == n
        write_world(world, NETS, stations=9)        # never read ...
        write_world(world, NETS, stations=n + 1)    # ... replaced at once
        assert board.get_json("/wlan")["stations"] == n + 1
    board.get_json("/ap?on=0")


def test_outgoing_connections_only_to_loopback(board):
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        port = srv.getsockname()[1]
        assert board.request("GET", f"/outgoing?host=127.0.0.1&port={port}")[2] == b"connected"
    for host in ("10.0.0.1", "8.8.8.8", "192.168.4.1"):
        body = board.request("GET", f"/outgoing?host={host}&port=80")[2]
        assert body.startswith(b"refused") and b"EHOSTUNREACH" in body
    # the board's own addresses are the board itself: port 80 is the simulator's HTTP port
    assert board.request("GET", "/outgoing?host=172.217.28.1&port=80")[2] == b"connected"


def test_board_modules_esp32(board):
    m = board.get_json("/modules")
    assert m["esp32"] and m["md5"] and m["sysname"] == "esp32"
    assert m["flash_size"] == 4 * 1024 * 1024 and m["freq"] == 160000000
    assert len(bytes.fromhex(m["uid"])) == 6 and m["reset_cause"] == 1
    assert "main.py" in m["files"] and "lib" in m["files"]
    assert board.get_json("/esp_flash") == [0x0F, 0x00, 0xFF, 0x0F, 0x10, 0x30, 0x56, 0x78] + \
        [0x0F] * 4 + [0x00] * 4
    pid = board.pid()
    board.request("GET", "/reset")
    board.wait_reboot(pid)      # a new process knows nothing of what was erased before
    assert board.get_json("/esp_flash?again=1") == [0x00, 0x00, 0xFF, 0x0F]


def test_board_modules_esp8266(make_board, world):
    b = make_board(main=APPS / "boardops.py", chip="esp8266", world=world, heap="128K").start()
    m = b.get_json("/modules")
    assert not m["esp32"] and not m["md5"] and m["sha256"] and m["sysname"] == "esp8266"
    assert m["user_start"] == 0x100000 and m["freq"] == 80000000
    idle, connecting, got_ip, wrong, no_ap = b.get_json("/wlan")["consts"]
    assert (idle, connecting, got_ip, wrong, no_ap) == (0, 1, 5, 2, 3)
    assert b.get_json("/connect?ssid=HomeNet&key=homepass1")["statuses"][-1] == got_ip
    assert "128K for the application" in b.log()


def test_machine_reset_and_watchdog(board):
    pid = board.pid()
    board.request("GET", "/reset")
    board.wait_reboot(pid)
    assert board.get_json("/modules")["reset_cause"] == 5
    pid = board.pid()
    t = time.monotonic()
    board.request("GET", "/wdt?ms=1000")
    board.wait_reboot(pid)
    assert 0.9 < time.monotonic() - t < 5
    assert board.get_json("/modules")["reset_cause"] == 3
    assert "watchdog reset" in board.log()


def test_kill9_is_a_power_cut_and_state_persists(board):
    board.request("GET", "/note?text=kept")
    pid = board.pid()
    t = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    board.wait_reboot(pid)
    assert time.monotonic() - t >= 0.5
    assert board.get_json("/modules")["reset_cause"] == 1
    assert (board.state / "fs" / "note.txt").read_text() == "kept"
    assert "power cycle" in board.log()


def test_restart_keeps_state_reinstall_and_fresh(make_board, world, tmp_path):
    b = make_board(main=APPS / "boardops.py", world=world).start()
    b.request("GET", "/note?text=persist")
    main = (b.state / "fs" / "main.py").read_text()
    (b.state / "fs" / "main.py").write_text(main.replace("return \"saved\"", "return \"changed\""))
    b.stop()
    b.start(fresh=False)                                   # a restart never reinstalls
    assert b.request("GET", "/note?text=x")[2] == b"changed"
    b.stop()
    b.start(fresh=False, extra=("--reinstall",))           # reinstall keeps the data
    assert b.request("GET", "/note?text=y")[2] == b"saved"
    assert (b.state / "fs" / "note.txt").exists()
    b.stop()
    b.start(fresh=True)
    assert not (b.state / "fs" / "note.txt").exists()
    b.stop()
    r = subprocess.run([sys.executable, "-m", "tools.simboard", "--state", str(b.state),
                        "--chip", "esp8266"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "add --fresh" in r.stderr


def test_cli_errors_are_clear(tmp_path):
    r = subprocess.run([sys.executable, "-m", "tools.simboard", "--main", str(tmp_path / "nope.py")],
                       cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "no such file" in r.stderr
