"""An esp8266's ROMFS partition (FLASH_2M_ROMFS at 0xB0000), mounted at /rom with /rom
and /rom/lib on the module path, as the board's firmware does. On the board it is
memory-mapped flash; here its bytes are read before the other stand-ins load, so the
supervisor counts them as flash, not heap. Installed on esp8266 boards only (its offset
and header format: tools/romfs.py)."""
import sys
import vfs

with open("/.sim/flash.bin", "rb") as f:
    f.seek(0xB0000)
    head = f.read(8)
    if head[:3] == b"\xd2\xcd\x31":
        i = n = 0
        for i in range(3, 8):                   # the image's length, a varuint
            n = n << 7 | head[i] & 0x7F
            if not head[i] & 0x80:
                break
        f.seek(0xB0000)
        vfs.mount(vfs.VfsRom(f.read(i + 1 + n)), "/rom")
        sys.path[3:3] = ["/rom", "/rom/lib"]
