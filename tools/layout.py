"""What goes on a board's filesystem, laid out in a folder: main.py and boot.py from
firmware/; under lib/ the library and firmware/'s other modules (the example's
webupdate.py), compiled to .mpy when a compiler is given; web assets with gzipped
twins. Shared by tools.build and the simulator's install."""
import gzip
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRMWARE = ROOT / "firmware"
GZIPPED = (".css", ".js")      # web assets served gzipped
ROOT_FILES = ("boot.py", "main.py")     # what the board runs as source, from its root


def module_name(rel):
    """The dotted name of the module at rel, a path under lib/ (autoconnect/portal.py ->
    autoconnect.portal): what tracebacks name it by, and a name the board interns anyway
    (a separate source file name would cost one more entry in its table of names)."""
    parts = rel[:-3].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources():
    """(source file, path on the board) of every file the firmware puts on a board."""
    for item in sorted(FIRMWARE.iterdir()):
        if item.name in ROOT_FILES:
            yield item, item.name
        elif item.is_file() and item.suffix == ".py":
            yield item, f"lib/{item.name}"
        elif item.is_dir() and (item / "__init__.py").exists():
            for path in sorted(item.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    yield path, f"lib/{path.relative_to(FIRMWARE).as_posix()}"


def lay_out(out, compile=None, lib_root=None):
    """Write the board's files under out (lib/ under lib_root when given; library
    modules compiled with compile(src, dst, module name) when given); returns
    {path on the board: size}."""
    made = {}
    for src, rel in sources():
        root = lib_root if lib_root and rel.startswith("lib/") else out
        dst = root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if compile and rel.startswith("lib/") and src.suffix == ".py":
            dst = dst.with_suffix(".mpy")
            compile(src, dst, module_name(rel[4:]))
        else:
            shutil.copyfile(src, dst)
        made[dst.relative_to(root).as_posix()] = dst.stat().st_size
        if src.suffix in GZIPPED:
            twin = dst.with_name(dst.name + ".gz")
            twin.write_bytes(gzip.compress(src.read_bytes(), 9, mtime=0))
            made[twin.relative_to(root).as_posix()] = twin.stat().st_size
    return made
