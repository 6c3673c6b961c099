"""tools.boardcheck: the firmware passes mypy against both boards' stubs, and a planted
misuse of a board's API fails the check for the chip that runs it."""
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

# appended to a module both chips load (status.py) and to one only the ESP32 loads
SHARED = """

def _planted():
    import asyncio
    import hashlib
    import machine
    import esp32
    machine.reset_cuase()
    asyncio.TaskGroup()
    return hashlib.md5(), esp32.Partition
"""
ESP32_ONLY = """

def _planted():
    import machine
    machine.WDT(timeout=1000).feeed()
"""
# (file, message) each chip reports: ota_image.py is not checked for the ESP8266, the
# esp32 module and hashlib.md5 are there on the ESP32
EXPECTED = {
    "esp32": [("status.py", 'Module has no attribute "reset_cuase"'),
              ("status.py", 'Module has no attribute "TaskGroup"'),
              ("ota_image.py", '"WDT" has no attribute "feeed"')],
    "esp8266": [("status.py", 'Cannot find implementation or library stub for module named '
                 '"esp32"'),
                ("status.py", 'Module has no attribute "reset_cuase"'),
                ("status.py", 'Module has no attribute "TaskGroup"'),
                ("status.py", 'Module has no attribute "md5"')],
}


def boardcheck(*args):
    return subprocess.run([sys.executable, "-m", "tools.boardcheck", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_firmware_passes_for_both_chips():
    r = boardcheck()
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("Success: no issues found") == 2


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A copy of the firmware with the planted errors."""
    root = tmp_path_factory.mktemp("planted") / "firmware"
    shutil.copytree(ROOT / "firmware", root, ignore=shutil.ignore_patterns("www", "__pycache__"))
    for name, code in (("status.py", SHARED), ("ota_image.py", ESP32_ONLY)):
        path = root / "autoconnect" / name
        path.write_text(path.read_text() + code)
    return root


@pytest.mark.parametrize("chip", ["esp32", "esp8266"])
def test_planted_errors_fail_the_chip_that_runs_them(planted, chip):
    r = boardcheck("--chip", chip, "--root", str(planted))
    assert r.returncode == 1
    errors = [line for line in r.stdout.splitlines() if ": error: " in line]
    for name, message in EXPECTED[chip]:
        assert any(line.startswith("autoconnect/" + name) and message in line
                   for line in errors), (name, message, r.stdout)
    assert len(errors) == len(EXPECTED[chip]), r.stdout      # nothing else, nothing more
