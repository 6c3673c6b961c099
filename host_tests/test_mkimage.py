"""tools.mkimage: valid ESP32 app images that esptool accepts and the bootloader boots."""
import subprocess
import sys

import pytest

from conftest import ROOT

ESPTOOL = [sys.executable, "-m", "esptool"]


def mkimage(*args):
    return subprocess.run([sys.executable, "-m", "tools.mkimage", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("size", [4096, 64 * 1024, 1536 * 1024 - 4096])
def test_image_is_accepted_by_esptool(tmp_path, size):
    out = tmp_path / "app.bin"
    r = mkimage("--version", "v1.2.3-rc1", "-o", str(out), "--size", str(size),
                "--project", "webupdate")
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert abs(len(data) - size) < 64 and data[0] == 0xE9
    info = subprocess.run(ESPTOOL + ["image-info", str(out)], capture_output=True, text=True,
                          timeout=60)
    assert info.returncode == 0, info.stderr
    assert "Checksum: 0x" in info.stdout and "(valid)" in info.stdout
    assert "Validation hash" in info.stdout and "invalid" not in info.stdout
    assert "App version: v1.2.3-rc1" in info.stdout and "Project name: webupdate" in info.stdout
    assert data[32:36] == b"\x32\x54\xcd\xab"
    assert data[48:48 + 10] == b"v1.2.3-rc1" and data[80:89] == b"webupdate"


def test_other_chip_ids(tmp_path):
    out = tmp_path / "s3.bin"
    assert mkimage("--version", "1", "-o", str(out), "--chip", "esp32s3").returncode == 0
    assert out.read_bytes()[12:14] == b"\x09\x00"
    info = subprocess.run(ESPTOOL + ["image-info", str(out)], capture_output=True, text=True)
    assert "ESP32-S3" in info.stdout and "invalid" not in info.stdout


def test_bad_arguments_are_reported(tmp_path):
    r = mkimage("--version", "x" * 40, "-o", str(tmp_path / "a.bin"))
    assert r.returncode == 2 and "version must be shorter than 32 bytes" in r.stderr
    r = mkimage("-o", str(tmp_path / "a.bin"))
    assert r.returncode == 2 and "--version" in r.stderr
