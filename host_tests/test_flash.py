"""The simulated ESP32 flash: partition table, otadata records, bootloader semantics."""
import hashlib
import json
import random
import struct

import pytest

from conftest import APPS
from otatest import image, otadata

NEW, PENDING_VERIFY, VALID, ABORTED = 0, 1, 2, 4


def post(board, path, body=b"", timeout=60):
    status, _, out = board.request("POST", path, body=body, timeout=timeout)
    assert status == 200, out
    return json.loads(out) if out[:1] in b"{[" else out


def flash_image(board, data, boot=True):
    return post(board, "/flash?boot=%d" % boot, data)


def reset(board):
    pid = board.pid()
    post(board, "/reset")
    board.wait_reboot(pid)


@pytest.fixture
def board(make_board):
    return make_board(main=APPS / "boardops.py").start()


def test_partition_table_layout_and_md5(board):
    raw = (board.state / "flash.bin").read_bytes()
    assert len(raw) == 4 * 1024 * 1024
    rows = []
    for pos in range(0x8000, 0x8000 + 0xC00, 32):
        magic, ptype, sub, off, size, label, flags = struct.unpack_from("<HBBII16sI", raw, pos)
        if magic != 0x50AA:
            break
        rows.append((label.rstrip(b"\0").decode(), ptype, sub, off, size))
    assert rows == [("nvs", 1, 2, 0x9000, 0x4000), ("otadata", 1, 0, 0xD000, 0x2000),
                    ("phy_init", 1, 1, 0xF000, 0x1000), ("ota_0", 0, 0x10, 0x10000, 0x180000),
                    ("ota_1", 0, 0x11, 0x190000, 0x180000)]
    md5row = raw[0x8000 + 32 * 5:0x8000 + 32 * 6]
    assert md5row[:16] == b"\xeb\xeb" + b"\xff" * 14
    assert md5row[16:] == hashlib.md5(raw[0x8000:0x8000 + 32 * 5]).digest()
    assert otadata(board) == [(0xFFFFFFFF, 0xFFFFFFFF, False)] * 2


def test_partition_api(board):
    info = board.get_json("/info")
    assert info["running"] == "ota_0" and info["boot"] == "ota_0" and info["next"] == "ota_1"
    assert [p[4] for p in info["apps"]] == ["ota_0", "ota_1"]
    assert info["apps"][0] == [0, 0x10, 0x10000, 0x180000, "ota_0", False]
    assert [p[4] for p in info["data"]] == ["nvs", "otadata", "phy_init", "vfs"]
    assert info["vfs"] == [[1, 0x81, 0x310000, 0xF0000, "vfs", False]]
    assert info["blocks"] == 0x180000 // 4096 and info["block_size"] == 4096
    sem = post(board, "/semantics")
    assert sem["erased_ff"] is True
    assert sem["and_semantics"] == [0x0F, 0xF0, 0x55, 0x00]
    assert sem["two_arg_erases"] == [0x12] * 4
    assert "ESP_ERR_INVALID_ARG" in sem["partial_erase"]
    assert "ESP_ERR_INVALID_SIZE" in sem["out_of_range"]


def test_boot_new_image_confirm_and_keep(board, tmp_path):
    assert flash_image(board, image(tmp_path, "2.0.0")) == {"ok": True, "slot": "ota_1", "blocks": 16}
    assert otadata(board) == [(2, NEW, True), (0xFFFFFFFF, 0xFFFFFFFF, False)]
    assert board.get_json("/info")["boot"] == "ota_1"
    reset(board)
    st = board.status()
    assert (st["version"], st["partition"]) == ("2.0.0", "ota_1")
    assert otadata(board)[0] == (2, PENDING_VERIFY, True)
    assert post(board, "/confirm") == {"ok": True}
    assert otadata(board)[0] == (2, VALID, True)
    reset(board)
    assert board.status()["version"] == "2.0.0"
    # the next update goes to ota_0, recorded in the other sector with a higher sequence
    assert flash_image(board, image(tmp_path, "3.0.0"))["slot"] == "ota_0"
    assert otadata(board) == [(2, VALID, True), (3, NEW, True)]
    reset(board)
    assert (board.status()["version"], board.status()["partition"]) == ("3.0.0", "ota_0")
    assert board.get_json("/info")["reset_cause"] == 5


def test_unconfirmed_image_rolls_back(board, tmp_path):
    flash_image(board, image(tmp_path, "2.0.0"))
    reset(board)
    assert board.status()["version"] == "2.0.0"
    reset(board)                                   # no confirmation before this reset
    st = board.status()
    assert (st["version"], st["partition"]) == ("sim-1.0.0", "ota_0")
    assert otadata(board)[0] == (2, ABORTED, True)
    assert "not confirmed: rolling back" in board.log()


def test_confirm_without_otadata_fails_like_esp_idf(board):
    got = post(board, "/confirm")
    assert got["ok"] is False and "ESP_FAIL" in got["error"]


@pytest.mark.parametrize("damage", ["checksum", "sha256", "magic", "truncated"])
def test_set_boot_refuses_a_corrupt_image(board, tmp_path, damage):
    data = bytearray(image(tmp_path, "2.0.0"))
    if damage == "checksum":
        data[5000] ^= 0x01
    elif damage == "sha256":
        data[-1] ^= 0x01
    elif damage == "magic":
        data[0] = 0xE8
    else:
        data = data[:40000]
    got = flash_image(board, bytes(data))
    assert got["ok"] is False and "ESP_ERR_OTA_VALIDATE_FAILED" in got["error"]
    assert otadata(board)[0][0] == 0xFFFFFFFF
    reset(board)
    assert board.status()["version"] == "sim-1.0.0"


def test_bootloader_skips_a_slot_corrupted_after_set_boot(board, tmp_path):
    flash_image(board, image(tmp_path, "2.0.0"))
    with open(board.state / "flash.bin", "r+b") as f:   # bit rot in ota_1
        f.seek(0x190000 + 3000)
        f.write(b"\x00\x00")
    reset(board)
    assert (board.status()["version"], board.status()["partition"]) == ("sim-1.0.0", "ota_0")
    assert "ota_1: checksum mismatch" in board.log()


def test_sim_crash_image_is_rolled_back(board, tmp_path):
    flash_image(board, image(tmp_path, "9.9.9", project="sim-crash"))
    reset(board)                                   # boots it: dies, power cycle, rollback
    st = board.status()
    assert (st["version"], st["partition"]) == ("sim-1.0.0", "ota_0")
    log = board.log()
    assert "Guru Meditation" in log and "not confirmed: rolling back" in log
    assert otadata(board)[0] == (2, ABORTED, True)


def test_kill9_at_random_moments_always_boots_a_valid_app(board, tmp_path):
    rnd = random.Random(2026)
    images = {v: image(tmp_path, v, size=400 * 1024) for v in ("2.0.0", "3.0.0")}
    seen = set()
    for i in range(20):
        version = "2.0.0" if i % 2 else "3.0.0"
        data = images[version]
        board.cut_during(lambda: flash_image(board, data), rnd.uniform(0.0, 0.5))
        st = board.status()
        assert st["version"] in ("sim-1.0.0", "2.0.0", "3.0.0") and st["partition"] in ("ota_0", "ota_1")
        seen.add(st["version"])
        if rnd.random() < 0.5:
            post(board, "/confirm")
    # the next attempt succeeds
    assert flash_image(board, images["2.0.0"])["ok"] is True
    reset(board)
    assert board.status()["version"] == "2.0.0"
