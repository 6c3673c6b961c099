"""The simulated board's 4 MB flash: layout, fresh images and otadata access (host side)."""
import hashlib
import struct

from tools import appimage, flashlayout
from tools.simboard.board import _flashfmt as ff

FLASH_SIZE = 4 * 1024 * 1024
FRESH_VERSION = "sim-1.0.0"
FRESH_PROJECT = "micropython"
# MicroPython's ESP32_GENERIC OTA variant (partitions-4MiB-ota.csv)
LAYOUT = (
    ("nvs", ff.TYPE_DATA, 0x02, 0x9000, 0x4000),
    ("otadata", ff.TYPE_DATA, ff.SUBTYPE_OTA_DATA, 0xD000, 0x2000),
    ("phy_init", ff.TYPE_DATA, 0x01, 0xF000, 0x1000),
    ("ota_0", ff.TYPE_APP, 0x10, 0x10000, 0x180000),
    ("ota_1", ff.TYPE_APP, 0x11, 0x190000, 0x180000),
)


def partition_table():
    """The binary partition table: entries, the MD5 row, then 0xFF."""
    rows = b"".join(struct.pack(ff.ENTRY, ff.ENTRY_MAGIC, t, s, off, size, label.encode(), 0)
                    for label, t, s, off, size in LAYOUT)
    md5 = struct.pack("<H14x", ff.MD5_MAGIC).replace(b"\0", b"\xff") + hashlib.md5(rows).digest()
    return (rows + md5).ljust(0xC00, b"\xff")


def fresh_esp32():
    """A fresh esp32 flash image: table, erased otadata, ota_0 holding version sim-1.0.0."""
    flash = bytearray(b"\xff" * FLASH_SIZE)
    table = partition_table()
    flash[ff.TABLE_OFFSET:ff.TABLE_OFFSET + len(table)] = table
    app = appimage.build(FRESH_VERSION, FRESH_PROJECT, 256 * 1024)
    flash[0x10000:0x10000 + len(app)] = app
    return flash


class Flash:
    """Read and write the flash file the way the bootloader does."""

    def __init__(self, path):
        self.path = path

    def read(self, off, n):
        with open(self.path, "rb") as f:
            f.seek(off)
            return f.read(n)

    def write(self, off, data):
        with open(self.path, "r+b") as f:
            f.seek(off)
            f.write(data)

    def partitions(self):
        return ff.parse_table(self.read(ff.TABLE_OFFSET, 0xC00))

    def slots(self):
        """OTA app partitions in slot order: [(label, offset, size), ...]."""
        apps = sorted((p for p in self.partitions() if p[0] == ff.TYPE_APP and p[1] >= ff.OTA_0),
                      key=lambda p: p[1])
        return [(p[4], p[2], p[3]) for p in apps]

    def otadata_offset(self):
        found = flashlayout.otadata(self.partitions())
        if found is None:
            raise ValueError("no otadata partition")
        return found[0]

    def records(self):
        base = self.otadata_offset()
        return [ff.unpack_record(self.read(base + i * ff.SECTOR, 32)) for i in (0, 1)]

    def write_record(self, index, seq, state):
        """Erase one otadata sector and write a record into it."""
        rec = ff.pack_record(seq, state)
        self.write(self.otadata_offset() + index * ff.SECTOR, rec.ljust(ff.SECTOR, b"\xff"))
