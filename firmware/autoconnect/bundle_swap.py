"""Swapping a staged application bundle in, run from boot.py before main.py. A
journal makes it safe: the old files move to /.old, the new ones into place,
/.version is written, and READY goes last (the commit). A power cut at any moment is
resumed at the next boot before the application starts, so the application that
runs is the old one or the new one, never a mix."""
import os

from .bundle import OLD, STAGE, _exists, _makedirs, _rmtree, _write_atomic


def _manifest():
    """(version, [relative paths]) of the staged bundle."""
    with open(STAGE + "/MANIFEST") as f:
        version = f.readline().split()[1]
        return version, [line.split(" ", 2)[2].rstrip("\n") for line in f if line.strip()]


def apply():
    """Swap a staged bundle in (run at boot, before main.py); resumes after a power cut."""
    if not _exists(STAGE + "/READY"):
        if _exists(STAGE) or _exists(OLD):
            _rmtree(STAGE)                  # an unfinished upload or a finished swap's rest
            _rmtree(OLD)
        return None
    version, paths = _manifest()
    phase = open(STAGE + "/PHASE").read() if _exists(STAGE + "/PHASE") else "A"
    if phase == "A":
        for p in paths:                     # the old files aside
            old = OLD + "/" + p
            if _exists("/" + p) and not _exists(old):
                _makedirs(old)
                os.rename("/" + p, old)
        _write_atomic(STAGE + "/PHASE", "B")
    for p in paths:                         # the new files in
        if _exists(STAGE + "/" + p):
            _makedirs("/" + p)
            os.rename(STAGE + "/" + p, "/" + p)
    _write_atomic("/.version", version)
    os.remove(STAGE + "/READY")             # the commit
    _rmtree(STAGE)
    _rmtree(OLD)
    return version
