"""python -m tools.bundle: pack application files into a bundle for boards without OTA
slots (ESP8266) or for updating only the application on ESP32.

Format (line based, so a board parses it with a tiny buffer):
    ACB1 <version>\\n
    <size> <sha256 hex> <path relative to the board's root>\\n   (one line per file)
    \\n
    <the files' bytes, one after another, in that order>"""
import argparse
import hashlib
import re
import sys
from pathlib import Path

MAGIC = "ACB1"
SAFE = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")


def files_of(folder):
    """(relative path, bytes) of every file under folder, sorted."""
    out = []
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            rel = p.relative_to(folder).as_posix()
            if not SAFE.match(rel) or any(part in (".", "..") for part in rel.split("/")):
                raise ValueError(f"unsafe file name in the bundle: {rel}")
            out.append((rel, p.read_bytes()))
    return out


def build(version, files):
    """The bundle's bytes for (path, data) pairs."""
    if not version or any(c in version for c in " \n"):
        raise ValueError("the version must be one word")
    head = [f"{MAGIC} {version}\n"]
    for rel, data in files:
        head.append(f"{len(data)} {hashlib.sha256(data).hexdigest()} {rel}\n")
    return "".join(head).encode() + b"\n" + b"".join(data for _, data in files)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.bundle", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", required=True, help="the application's version")
    ap.add_argument("-o", "--output", required=True, help="bundle file to write")
    ap.add_argument("folder", help="the files, laid out as on the board (main.py, lib/...)")
    args = ap.parse_args(argv)
    if not Path(args.folder).is_dir():
        ap.error(f"no such folder: {args.folder}")
    try:
        files = files_of(args.folder)
        if not files:
            ap.error(f"no files in {args.folder}")
        data = build(args.version, files)
    except ValueError as e:
        ap.error(str(e))
    Path(args.output).write_bytes(data)
    print(f"{args.output}: bundle {args.version}, {len(files)} files, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
