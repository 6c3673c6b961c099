"""python -m tools.boardcheck [--chip esp32|esp8266|all]: type-check the firmware with
mypy against each board's MicroPython stubs, each chip on the files it runs, so that a
module, function or attribute the board lacks is reported before a board runs into it.

The two stub packages overwrite each other's files, so each is installed with pip into
its own folder under build/stubs/ on first use (mypy's settings: tools/boardcheck.ini)."""
import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "build"
CONFIG = Path(__file__).with_name("boardcheck.ini")
STUBS = {"esp32": "micropython-esp32-stubs==1.29.0.post1",
         "esp8266": "micropython-esp8266-stubs==1.29.0.post1"}
STDLIB = "micropython-stdlib-stubs==1.29.0.post2"     # what both require (~=1.29.0)
# Modules the ESP8266 never loads, so checked for the ESP32 only:
#   ota_image.py: the firmware image writer; ota_job.open_sink and ota_server.setup
#   load it only when the chip is "esp32" (the ESP8266 has no OTA slots).
# In the modules both chips load, a chip-only API is used behind a guard (except
# ImportError or AttributeError, or a sysinfo.chip() test) and its line carries a
# "# type: ignore[...]" saying so: the other chip's check skips that line only.
ESP32_ONLY = {"autoconnect/ota_image.py"}
CHIPS = tuple(STUBS)


def files(chip, root):
    """The firmware files chip runs, relative to root."""
    names = sorted(p.name for p in root.glob("*.py"))
    names += sorted("autoconnect/" + p.name for p in (root / "autoconnect").glob("*.py"))
    return [n for n in names if chip == "esp32" or n not in ESP32_ONLY]


def stubs(chip):
    """chip's stub folder (a typeshed), installed by pip on first use."""
    pins = (STUBS[chip], STDLIB)
    folder = BUILD / "stubs" / "-".join([chip] + [p.split("==")[1] for p in pins])
    if not folder.is_dir():
        tmp = folder.with_name(f"{folder.name}.{os.getpid()}")
        try:
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                            "--disable-pip-version-check", "--target", str(tmp),
                            *pins], check=True)
            tmp.rename(folder)
        except OSError:
            if not folder.is_dir():         # else another check installed it meanwhile
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def check(chip, root):
    """Run mypy over chip's files in root with chip's stubs; returns its exit code."""
    typeshed = stubs(chip)
    names = files(chip, root)
    print(f"boardcheck {chip}: {len(names)} files, {STUBS[chip]}", flush=True)
    cmd = [sys.executable, "-m", "mypy", "--config-file", str(CONFIG),
           "--custom-typeshed-dir", str(typeshed), "--platform", chip,
           "--cache-dir", str(BUILD / "mypy" / chip), *names]
    return subprocess.run(cmd, cwd=root, env=dict(os.environ, MYPYPATH=str(typeshed))).returncode


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.boardcheck",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--chip", choices=CHIPS + ("all",), default="all")
    ap.add_argument("--root", type=Path, default=REPO / "firmware",
                    help="the firmware folder (boot.py, main.py, webupdate.py, autoconnect/)")
    args = ap.parse_args(argv)
    chips = CHIPS if args.chip == "all" else (args.chip,)
    failed = [c for c in chips if check(c, args.root.resolve())]
    if failed:
        print("boardcheck failed for " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
