"""What a MicroPython firmware file is, read from its image headers with esptool's classes.

- full: an ESP32 merged firmware (bootloader, partition table, app) as written at the
  bootloader offset (0x1000 on ESP32, so the table is at +0x7000)
- app: an ESP32 application-only image (micropython.bin, *.app-bin) with an app descriptor
- esp8266: an ESP8266 firmware (no extended header, hence no chip id)"""
import io
import struct
from collections import namedtuple

from esptool.bin_image import ESP32FirmwareImage, ESP8266ROMFirmwareImage
from esptool.targets import CHIP_DEFS
from esptool.util import FatalError

from tools import appimage
from tools.simboard.board import _flashfmt as ff

FULL, APP, ESP8266 = "full", "app", "esp8266"
TABLE_SIZE = 0xC00
CHIP_IDS = {cls.IMAGE_CHIP_ID: name for name, cls in CHIP_DEFS.items() if name != "esp8266"}

Firmware = namedtuple("Firmware", "kind chip table version")
"""kind: FULL, APP or ESP8266; table: partitions of a FULL firmware, else None;
version: the application's version, or None when the file has no app descriptor."""


def _load(cls, data):
    """The image parsed by an esptool class, or None when it does not parse or check."""
    try:
        img = cls(io.BytesIO(data))
    except (FatalError, RuntimeError, struct.error):
        return None
    return img if img.checksum == img.calculate_checksum() else None


def _version(data):
    desc = appimage.read_descriptor(data)
    return desc and desc["version"]


def inspect(data):
    """The Firmware a file holds; ValueError when it is no ESP32 or ESP8266 firmware."""
    if data[:1] != b"\xe9":
        raise ValueError("not an ESP firmware image (it does not start with 0xE9)")
    esp32 = _load(ESP32FirmwareImage, data)
    if esp32 is None:
        if _load(ESP8266ROMFirmwareImage, data) is None:
            raise ValueError("not a valid ESP32 or ESP8266 image (bad header or checksum)")
        return Firmware(ESP8266, "esp8266", None, None)
    chip = CHIP_IDS.get(esp32.chip_id, f"chip id {esp32.chip_id}")
    if appimage.read_descriptor(data):
        return Firmware(APP, chip, None, _version(data))
    base = CHIP_DEFS[chip].BOOTLOADER_FLASH_OFFSET if chip in CHIP_DEFS else 0
    start = ff.TABLE_OFFSET - base
    table = ff.parse_table(data[start:start + TABLE_SIZE])
    if not table:
        raise ValueError(f"an {chip} image with no partition table at 0x{start:x} "
                         "(a bootloader alone?), not a MicroPython firmware")
    apps = [off for ptype, _, off, _, _ in table if ptype == ff.TYPE_APP]
    return Firmware(FULL, chip, table, _version(data[min(apps) - base:]) if apps else None)
