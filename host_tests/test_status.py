"""GET /_ac/status on the example application, served by the MicroPython process."""
from pathlib import Path

from conftest import APPS


def test_status_fields_on_esp32(make_board):
    board = make_board().start()
    st = board.status()
    assert st["version"] == "sim-1.0.0"
    assert st["partition"] == "ota_0"
    assert st["chip"] == "esp32"
    assert st["mode"] in ("STA", "AP", "AP_STA", "OFF")
    for key in ("ssid", "ip", "ap_ip"):
        assert st[key] is None or isinstance(st[key], str)
    assert st["portal"] in (True, False)
    assert isinstance(st["free_heap"], int) and st["free_heap"] > 0
    assert isinstance(st["uptime_s"], int) and st["uptime_s"] >= 0
    cmdline = Path(f"/proc/{board.pid()}/cmdline").read_bytes().split(b"\0")
    assert any(arg.endswith(b"micropython") for arg in cmdline), cmdline


def test_status_on_esp8266_from_mpy(make_board):
    board = make_board(chip="esp8266", main=APPS / "statusonly.py").start()
    st = board.status()
    assert st["version"] == "sim-1.0.0"
    assert st["partition"] is None
    assert st["chip"] == "esp8266"
    lib = board.state / "fs" / "lib" / "autoconnect"
    assert (lib / "server.mpy").exists() and not (lib / "server.py").exists()
