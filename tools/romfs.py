"""ROMFS images: a folder as MicroPython's read-only filesystem, whose .mpy files run
in place from memory-mapped flash (no copy of their bytecode in the heap).

ESP8266_GENERIC's FLASH_2M_ROMFS variant maps a 320 KB ROMFS partition at 0xB0000,
just below the filesystem."""
import contextlib
import io

ESP8266_OFFSET = 0xB0000
ESP8266_SIZE = 0x50000
MAGIC = b"\xd2\xcd\x31"


class RomfsError(ValueError):
    """The image does not fit its partition."""


def build(folder, size=ESP8266_SIZE):
    """The ROMFS image of folder (files as they are: compile .py to .mpy first)."""
    from mpremote.romfs import make_romfs
    with contextlib.redirect_stdout(io.StringIO()):    # make_romfs prints a file tree
        image = make_romfs(str(folder), mpy_cross=False)
    if len(image) > size:
        raise RomfsError(f"the ROMFS image of {folder} is {len(image)} bytes; "
                         f"the partition holds {size}")
    return image


def length(image):
    """The length a ROMFS image says it has (its header: magic, then a big-endian
    base-128 size, perhaps after a 0x80 padding byte), or None when it is not one."""
    if image[:3] != MAGIC:
        return None
    n = 0
    for i in range(3, min(len(image), 8)):
        n = n << 7 | image[i] & 0x7F
        if not image[i] & 0x80:
            return i + 1 + n
    return None
