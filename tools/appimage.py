"""ESP32 application images: build them with esptool's image classes, read their
app descriptor and verify them as the ESP-IDF bootloader does."""
import io
import random
import struct

from esptool.bin_image import ImageSegment, LoadFirmwareImage
from esptool.bin_image import (ESP32C3FirmwareImage, ESP32C6FirmwareImage,
                               ESP32FirmwareImage, ESP32S2FirmwareImage,
                               ESP32S3FirmwareImage)

DESC_MAGIC = 0xABCD5432
DESC_OFFSET = 32          # 24-byte image header + 8-byte segment header
DESC_SIZE = 256
CHIPS = {"esp32": ESP32FirmwareImage, "esp32s2": ESP32S2FirmwareImage,
         "esp32s3": ESP32S3FirmwareImage, "esp32c3": ESP32C3FirmwareImage,
         "esp32c6": ESP32C6FirmwareImage}
_OVERHEAD = 24 + 8 + 16 + 32   # header, segment header, checksum padding, SHA-256


def descriptor(version, project, date="Nov 26 2026", time_="00:00:00", idf="v5.2.2"):
    """An esp_app_desc_t (256 bytes) with the given version and project name."""
    for name, value, size in (("version", version, 32), ("project", project, 32)):
        if len(value.encode()) >= size:
            raise ValueError(f"{name} must be shorter than {size} bytes")
    head = struct.pack("<II8x32s32s16s16s32s", DESC_MAGIC, 0, version.encode(),
                       project.encode(), time_.encode(), date.encode(), idf.encode())
    return head.ljust(DESC_SIZE, b"\0")


def build(version, project="app", size=64 * 1024, chip="esp32"):
    """Bytes of a valid app image of about `size` bytes (checksum and SHA-256 appended)."""
    cls = CHIPS[chip]
    img = cls()
    img.append_digest = True
    img.entrypoint = 0x40080000 if chip in ("esp32", "esp32s2", "esp32s3") else 0x40380000
    body = max(DESC_SIZE, size - _OVERHEAD) // 4 * 4
    filler = random.Random(f"{project}/{version}/{size}").randbytes(body - DESC_SIZE)
    addr = cls.ROM_LOADER.DROM_MAP_START + DESC_OFFSET
    img.segments = [ImageSegment(addr, descriptor(version, project) + filler)]
    return img.save(None)


def read_descriptor(data):
    """The app descriptor of an image as a dict, or None when the image has none."""
    raw = bytes(data[DESC_OFFSET:DESC_OFFSET + DESC_SIZE])
    if len(raw) < DESC_SIZE or struct.unpack_from("<I", raw)[0] != DESC_MAGIC:
        return None
    fields = struct.unpack_from("<16x32s32s16s16s32s", raw)
    names = ("version", "project_name", "time", "date", "idf_ver")
    return {n: f.split(b"\0", 1)[0].decode(errors="replace") for n, f in zip(names, fields)}


def verify(data, chip="esp32"):
    """Check an image as the bootloader does; returns its length or raises ValueError."""
    try:
        img = LoadFirmwareImage(chip, bytes(data))
    except Exception as e:  # esptool raises FatalError, struct.error, ...
        raise ValueError(f"not a valid image: {e}") from None
    if img.checksum != img.calculate_checksum():
        raise ValueError("checksum mismatch")
    if img.append_digest:
        if img.stored_digest != img.calc_digest:
            raise ValueError("SHA-256 mismatch")
        return img.data_length + 32
    return _unhashed_length(data)


def _unhashed_length(data):
    """Length of an image without an appended digest (header, segments, checksum padding)."""
    f = io.BytesIO(bytes(data))
    nseg = f.read(2)[1]
    pos = 24
    for _ in range(nseg):
        f.seek(pos)
        pos += 8 + struct.unpack("<II", f.read(8))[1]
    return (pos + 16) // 16 * 16
