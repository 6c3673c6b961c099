"""Microdot (PyPI, pinned in MICRODOT) on the MicroPython unix port: its package copied
from the host venv, as .py or compiled to .mpy, and its hello world started."""
import importlib.metadata
import importlib.util
import shutil
from pathlib import Path

from bench import procs
from bench.sim import APPS
from tools.simboard.install import compile_mpy

MICRODOT = "2.7.0"
FILES = ("__init__.py", "microdot.py")      # what the hello world imports


def version():
    try:
        return importlib.metadata.version("microdot")
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def stage(folder, mpy):
    """A MICROPYPATH folder holding the microdot package; returns its path."""
    spec = importlib.util.find_spec("microdot")
    if spec is None or version() != MICRODOT:
        raise SystemExit("bench needs microdot==%s in the venv: .venv/bin/pip install "
                         "microdot==%s" % (MICRODOT, MICRODOT))
    src = Path(spec.submodule_search_locations[0])
    lib = Path(folder) / ("microdot-mpy" if mpy else "microdot-py")
    dest = lib / "microdot"
    dest.mkdir(parents=True, exist_ok=True)
    for py in (src / name for name in FILES):
        if mpy:
            compile_mpy(py, dest / (py.stem + ".mpy"))
        else:
            shutil.copyfile(py, dest / py.name)
    return lib


def start(lib, port, log, heap=None):
    """micropython [-X heapsize=heap] hello.py PORT with lib on MICROPYPATH."""
    env = dict(procs.env_without("MICROPYPATH"), MICROPYPATH=".frozen:%s" % lib)
    heap_opt = ["-X", "heapsize=%d" % heap] if heap else []
    return procs.start([procs.MICROPYTHON, *heap_opt, APPS / "hello.py", port], log, env)
