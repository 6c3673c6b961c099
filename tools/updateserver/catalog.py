"""The catalog folder: containment, listings (the `_catalog` answer) and per-file facts."""
import hashlib
import json
import os
import re
import stat
import threading
import time
from collections import namedtuple

from tools.appimage import read_descriptor
from tools.bundle import MAGIC
from tools.updateserver.paths import Traversal, relative, servable

Info = namedtuple("Info", "md5 version")
BUNDLE = f"{MAGIC} ".encode()
HEAD_SIZE = 4096          # enough for the image header and app descriptor, or a bundle's 1st line
CHUNK = 1 << 16
MAX_ENTRY = 255           # the device parses one catalog object at a time in a 256-byte buffer
VERSION = re.compile(r"[\w.+~:@/()-]+( [\w.+~:@/()-]+)*", re.ASCII)


def to_json(entries):
    """The `_catalog` answer's body: compact JSON."""
    return json.dumps(entries, separators=(",", ":")).encode()


class Catalog:
    """A catalog folder. Paths given to it are catalog-relative (see paths.relative)."""

    def __init__(self, root):
        self.root = os.path.realpath(root)
        self._cache = {}          # real path -> ((dev, ino, size, mtime_ns), Info)
        self._lock = threading.Lock()

    def inside(self, real):
        """True when a real path is the catalog or lies within it."""
        return os.path.commonpath([self.root, real]) == self.root

    def resolve(self, path):
        """The real path of a catalog-relative path; Traversal when it leads outside."""
        real = os.path.realpath(os.path.join(self.root, relative(path)))
        if not self.inside(real):
            raise Traversal(path)
        return real

    def listing(self, path="."):
        """Entries of a catalog folder sorted by name; OSError when it is not a folder."""
        folder = self.resolve(path)
        if not os.path.isdir(folder):
            raise NotADirectoryError(path)
        entries = (self._entry(folder, name) for name in sorted(os.listdir(folder)))
        return [e for e in entries if e]

    def _entry(self, folder, name):
        """The catalog object of one folder entry, or None when it is not served."""
        path = os.path.join(folder, name)
        if not servable(name) or not self.inside(os.path.realpath(path)):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if stat.S_ISDIR(st.st_mode):
            kind, size = "directory", 0
        elif stat.S_ISREG(st.st_mode):
            kind, size = _kind(path, name), st.st_size
        else:
            return None
        when = time.localtime(st.st_mtime)
        entry = {"name": name, "type": kind, "date": time.strftime("%m/%d/%y", when),
                 "time": time.strftime("%H:%M:%S", when), "size": size}
        return entry if len(to_json(entry)) <= MAX_ENTRY else None

    def open(self, real):
        """The regular file at a resolved path, opened for reading; None when there is none."""
        try:
            f = open(real, "rb", opener=_open_flags)
        except OSError:
            return None
        if stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return f
        f.close()
        return None

    def describe(self, f):
        """Info (MD5, version) of a file opened by `open`, computed once per content."""
        st = os.fstat(f.fileno())
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            hit = self._cache.get(f.name)
            if hit is None or hit[0] != key:
                hit = self._cache[f.name] = (key, _scan(f))
        return hit[1]

    def info(self, path):
        """Info of a catalog-relative file path, or None when it is no regular file."""
        f = self.open(self.resolve(path))
        if f is None:
            return None
        with f:
            return self.describe(f)


def _open_flags(path, flags):
    """Never follow a final symlink (the path is already resolved), never block on a FIFO."""
    return os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK)


def _kind(path, name):
    """`bin` for a .bin file starting with 0xE9, `bundle` for an application bundle, else `file`."""
    try:
        with open(path, "rb", opener=_open_flags) as f:
            head = f.read(len(BUNDLE))
    except OSError:
        return "file"
    if name.endswith(".bin") and head[:1] == b"\xe9":
        return "bin"
    return "bundle" if head == BUNDLE else "file"


def _scan(f):
    """MD5 and version of a file, read once in chunks."""
    f.seek(0)
    head = f.read(HEAD_SIZE)
    md5 = hashlib.md5(head)
    for chunk in iter(lambda: f.read(CHUNK), b""):
        md5.update(chunk)
    return Info(md5.hexdigest(), _version(head))


def _version(head):
    """The app descriptor version of an ESP32 image or the version of a bundle, when valid."""
    version = None
    if head[:1] == b"\xe9":
        desc = read_descriptor(head)
        version = desc and desc["version"]
    elif head.startswith(BUNDLE) and b"\n" in head:
        version = head[len(BUNDLE):head.index(b"\n")].decode("ascii", "replace")
    return version if version and len(version) <= 64 and VERSION.fullmatch(version) else None
