"""An esp8266's ROMFS partition (FLASH_2M_ROMFS), mounted at /rom with /rom and /rom/lib
on the module path, as the board's firmware does. On the board it is memory-mapped
flash; here its bytes are read before the other stand-ins load, so the supervisor counts
them as flash, not heap. The supervisor finds the image (SIM_ROMFS: offset:length).
Installed on esp8266 boards only."""
import os
import sys
import vfs

_at = os.getenv("SIM_ROMFS")
if _at:
    _off, _n = _at.split(":")
    with open("/.sim/flash.bin", "rb") as f:
        f.seek(int(_off))
        vfs.mount(vfs.VfsRom(f.read(int(_n))), "/rom")
    sys.path[3:3] = ["/rom", "/rom/lib"]
