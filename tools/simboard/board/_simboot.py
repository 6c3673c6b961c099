"""Boot of the simulated board: mount its filesystem, then run boot.py and main.py."""
import os
import sys
import vfs

vfs.umount("/")
vfs.mount(vfs.VfsPosix(os.getenv("SIM_FS")), "/")
vfs.mount(vfs.VfsPosix(os.getenv("SIM_RUN")), "/.sim")
os.chdir("/")
sys.path[:] = ["/.sim/lib", "", ".frozen", "/lib"]
del vfs

# The board's C modules (and its memory-mapped ROMFS, _romfs on an esp8266) cost its GC
# heap nothing: load the stand-ins first and let the supervisor add what they keep
# (measured with SIM_CALIBRATE) to the heap size.
for _m in ("_romfs", "socket", "network", "machine", "esp", "hashlib", "os", "esp32"):
    try:
        __import__(_m)
    except ImportError:
        pass
del _m
if os.getenv("SIM_CALIBRATE"):
    import gc
    gc.collect()
    print(gc.mem_alloc())
    sys.exit(0)

if os.getenv("SIM_CRASH"):
    print("Guru Meditation Error: Core 0 panic'ed (simulated broken firmware)")
    sys.exit(70)


def _run(g):
    # execfile compiles from the file as it reads it, never holding the whole source,
    # as a board's pyexec does
    for name in ("boot.py", "main.py"):
        try:
            os.stat(name)
        except OSError:
            continue
        execfile(name, g)  # noqa: F821  # MicroPython's unix port has it


try:
    _run({"__name__": "__main__"})
except KeyboardInterrupt:
    sys.exit(1)
except Exception as e:
    sys.print_exception(e)
    sys.exit(1)
