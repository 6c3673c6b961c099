"""Helpers for portal tests: boards running apps/portalapp.py with a given setup."""
import time

from conftest import APPS

from tools.simboard import world as simworld

WORLD = [
    {"ssid": "HomeNet", "bssid": "a0:00:00:00:00:01", "channel": 6, "rssi": -48, "auth": "wpa2",
     "password": "homepass123", "ip": "127.0.0.1"},
    {"ssid": "CafeFree", "bssid": "a0:00:00:00:00:02", "channel": 11, "rssi": -71, "auth": "open"},
    {"ssid": "Office", "bssid": "a0:00:00:00:00:03", "channel": 1, "rssi": -60, "auth": "wpa/wpa2",
     "password": "office-2026"},
    {"ssid": "Office", "bssid": "a0:00:00:00:00:04", "channel": 11, "rssi": -82, "auth": "wpa/wpa2",
     "password": "office-2026"},
    {"ssid": "Hidden", "bssid": "a0:00:00:00:00:05", "channel": 3, "rssi": -66, "auth": "wpa2",
     "password": "hiddenpass", "hidden": True},
    {"ssid": "Weak", "bssid": "a0:00:00:00:00:06", "channel": 9, "rssi": -95, "auth": "wpa3",
     "password": "weakpass99"},
    {"ssid": "Guest", "bssid": "a0:00:00:00:00:07", "channel": 5, "rssi": -77, "auth": "open"},
]


def write_world(path, networks=WORLD, stations=0):
    simworld.write(path, networks, stations)


def portal_board(make_board, tmp_path, setup=None, networks=WORLD, name="board",
                 app="portalapp.py", **kw):
    """A started board running a portal test app (apps/portalapp.py) with `setup`."""
    world = tmp_path / (name + "-world.json")
    write_world(world, networks)
    main = tmp_path / (name + "-main.py")
    main.write_text("T = %r\n" % (setup or {}) + (APPS / app).read_text())
    board = make_board(name, main=main, world=world, **kw).start()
    board.world_file = world
    return board


def pull_board(make_board, tmp_path, port, name="board", setup=None, **kw):
    """A portal board joined to HomeNet whose update agent pulls from 127.0.0.1:port."""
    t = {"begin": ["HomeNet", "homepass123"], "pull": ["127.0.0.1", port, ".", 2000]}
    t.update(setup or {})
    board = portal_board(make_board, tmp_path, t, name=name, **kw)
    if t.get("begin"):
        assert wait_for(lambda: board.status()["ssid"] == "HomeNet", 15)
    return board


def ota_board(make_board, tmp_path, config=None, chip="esp32", **setup):
    """A portal board with the built-in update page (esp8266: at the portal's heap today)."""
    return portal_board(make_board, tmp_path, dict(setup, config=dict({"ota": 1}, **(config or {}))),
                        chip=chip, heap="128K" if chip == "esp8266" else None)


def form(board, path, fields, headers=None):
    from urllib.parse import urlencode
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    return board.request("POST", path, body=urlencode(fields), headers=h)


def connect(board, fields, wait=True):
    """Post the connect form; returns (status, location) of /_ac/result."""
    status, _, body = form(board, "/_ac/connect", fields)
    assert status == 200, body
    status, headers, _ = board.request("GET", "/_ac/result", timeout=40)
    return status, headers.get("Location")


def wait_for(fn, timeout=10, step=0.1):
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(step)
