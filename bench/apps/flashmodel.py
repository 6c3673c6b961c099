# The simulator's flash model alone: micropython flashmodel.py FOLDER STANDINS SIZE RUNS
# FOLDER holds a 4 MB flash.bin (mounted as the board's /.sim); SIZE bytes are erased
# and programmed 4 KB at a time into ota_1, as an update does, RUNS times; prints the
# milliseconds of each run.
import sys
import time

import vfs

vfs.mount(vfs.VfsPosix(sys.argv[1]), "/.sim")
sys.path.insert(0, sys.argv[2])
import _flash  # noqa: E402

OTA_1 = 0x190000
block = bytearray(4096)
for _ in range(int(sys.argv[4])):
    t0 = time.ticks_us()
    for off in range(OTA_1, OTA_1 + int(sys.argv[3]), 4096):
        _flash.erase(off, 4096)
        _flash.write(off, block)
    print(time.ticks_diff(time.ticks_us(), t0) / 1000)
