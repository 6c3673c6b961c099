"""Boot of the simulated board: mount its filesystem, then run boot.py and main.py."""
import os
import sys
import vfs

vfs.umount("/")
vfs.mount(vfs.VfsPosix(os.getenv("SIM_FS")), "/")
vfs.mount(vfs.VfsPosix(os.getenv("SIM_RUN")), "/.sim")
os.chdir("/")
sys.path[:] = ["/.sim/lib", "", ".frozen", "/lib"]


def _romfs(at=0xB0000):
    """An esp8266's ROMFS partition (FLASH_2M_ROMFS), mounted at /rom as the board's
    firmware does. On the board it is memory-mapped flash; here its bytes are read
    before the stand-ins, so the supervisor counts them as flash, not heap."""
    with open("/.sim/flash.bin", "rb") as f:
        f.seek(at)
        head = f.read(8)
        if head[:3] != b"\xd2\xcd\x31":
            return
        i = n = 0
        for i in range(3, 8):
            n = n << 7 | head[i] & 0x7F
            if not head[i] & 0x80:
                break
        f.seek(at)
        vfs.mount(vfs.VfsRom(f.read(i + 1 + n)), "/rom")
    sys.path[3:3] = ["/rom", "/rom/lib"]


if os.getenv("SIM_CHIP") == "esp8266":
    _romfs()
del vfs, _romfs

# The board's C modules cost its GC heap nothing: load the stand-ins first and let the
# supervisor add what they keep (measured with SIM_CALIBRATE) to the heap size.
for _m in ("socket", "network", "machine", "esp", "hashlib", "os", "esp32"):
    try:
        __import__(_m)
    except ImportError:
        pass
del _m
if os.getenv("SIM_CALIBRATE"):
    import gc
    gc.collect()
    print("standins", gc.mem_alloc())
    sys.exit(0)

if os.getenv("SIM_CRASH"):
    print("Guru Meditation Error: Core 0 panic'ed (simulated broken firmware)")
    sys.exit(70)


def _run(g):
    for name in ("boot.py", "main.py"):
        try:
            f = open(name)
        except OSError:
            continue
        with f:
            code = compile(f.read(), name, "exec")
        exec(code, g)
        code = None


try:
    _run({"__name__": "__main__"})
except KeyboardInterrupt:
    sys.exit(1)
except Exception as e:
    sys.print_exception(e)
    sys.exit(1)
