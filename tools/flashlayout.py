"""Where MicroPython and its filesystem go on the supported boards."""
from collections import namedtuple

from tools import romfs
from tools.simboard.board import _flashfmt as ff

Board = namedtuple("Board", "chip firmware_offset description romfs")
BOARDS = {
    "ESP32_GENERIC": Board("esp32", 0x1000, "ESP32 firmware without OTA partitions", None),
    "ESP32_GENERIC-OTA": Board("esp32", 0x1000, "ESP32 firmware with OTA partitions", None),
    "ESP8266_GENERIC": Board("esp8266", 0x0, "ESP8266 firmware", None),
    "ESP8266_GENERIC-FLASH_2M_ROMFS": Board(
        "esp8266", 0x0, "ESP8266 firmware with a ROMFS partition",
        (romfs.ESP8266_OFFSET, romfs.ESP8266_SIZE)),
}
ESP8266_FS_START = 0x100000
ESP8266_SDK_RESERVED = 20 * 1024      # SDK parameters at the end of flash
FACTORY = 0x00


class LayoutError(ValueError):
    """The board or firmware cannot hold what was asked for."""


def board_of(chip, table=None):
    """The board name a firmware belongs to, from its chip and partition table."""
    if chip == "esp8266":
        return "ESP8266_GENERIC"
    if chip != "esp32":
        raise LayoutError(f"{chip} firmware: only {', '.join(BOARDS)} are supported")
    ota = any(ptype == ff.TYPE_APP and sub >= ff.OTA_0 for ptype, sub, *_ in table)
    return "ESP32_GENERIC-OTA" if ota else "ESP32_GENERIC"


def filesystem(board, flash_size, table=None):
    """(offset, size) of the region MicroPython mounts as its filesystem.

    ESP32: the `vfs` partition when the table has one, else from the end of the last
    partition to the end of flash. ESP8266 (2 MB+): 1 MB up to the SDK's last 20 KB."""
    if BOARDS[board].chip == "esp8266":
        if flash_size < 2 * 1024 * 1024:
            raise LayoutError("ESP8266 boards with less than 2 MB flash are not supported")
        start, end = ESP8266_FS_START, flash_size - ESP8266_SDK_RESERVED
    else:
        vfs = [p for p in table if p[0] == ff.TYPE_DATA and p[4] == "vfs"]
        if vfs:
            start, end = vfs[0][2], vfs[0][2] + vfs[0][3]
        else:
            start, end = max(off + size for _, _, off, size, _ in table), flash_size
    if end - start < 2 * 4096:
        raise LayoutError(f"no room for a filesystem at 0x{start:x} on a "
                          f"{flash_size // 1024} KB flash")
    return start, end - start


def app_slot(table):
    """(offset, size) of the slot an application-only image goes to: factory, else ota_0."""
    for sub in (FACTORY, ff.OTA_0):
        for ptype, psub, off, size, _ in table:
            if ptype == ff.TYPE_APP and psub == sub:
                return off, size
    raise LayoutError("the partition table has no factory or ota_0 application slot")


def otadata(table):
    """(offset, size) of the otadata partition, or None when the table has none."""
    for ptype, sub, off, size, _ in table:
        if ptype == ff.TYPE_DATA and sub == ff.SUBTYPE_OTA_DATA:
            return off, size
    return None
