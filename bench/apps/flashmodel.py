# The simulator's flash model alone: micropython flashmodel.py FOLDER STANDINS SIZE RUNS
# FOLDER holds a 4 MB flash.bin (mounted as the board's /.sim); SIZE bytes are erased
# and programmed 4 KB at a time into ota_1, as an update does, then read back and hashed
# with SHA-256, as the simulated ESP-IDF's check in set_boot() does, RUNS times; prints
# the milliseconds of each run's two steps.
import hashlib
import sys
import time

import vfs

vfs.mount(vfs.VfsPosix(sys.argv[1]), "/.sim")
sys.path.insert(0, sys.argv[2])
import _flash  # noqa: E402

OTA_1 = 0x190000
block = bytearray(4096)
end = OTA_1 + int(sys.argv[3])
for _ in range(int(sys.argv[4])):
    t0 = time.ticks_us()
    for off in range(OTA_1, end, 4096):
        _flash.erase(off, 4096)
        _flash.write(off, block)
    t1 = time.ticks_us()
    sha = hashlib.sha256()
    for off in range(OTA_1, end, 4096):
        _flash.read(off, block)
        sha.update(block)
    print(time.ticks_diff(t1, t0) / 1000, time.ticks_diff(time.ticks_us(), t1) / 1000)
