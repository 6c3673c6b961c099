"""Application bundles, staged as they stream in (bundle_swap.py swaps them in at
boot). Stager takes a bundle (format in tools/bundle.py) chunk by chunk: every file
is written under /.stage and its size and SHA-256 checked; only a complete, verified
bundle is marked READY."""
import hashlib
import os
from binascii import hexlify, unhexlify

from .ota import OTAError

STAGE = "/.stage"
OLD = "/.old"
_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/"
_NOT_A_BUNDLE = ("not an application bundle (made with python -m tools.bundle); a raw "
                 "filesystem image cannot be written while the filesystem is mounted")


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _makedirs(path):
    """Create the folders leading to a file."""
    cur = ""
    for part in path.split("/")[1:-1]:
        cur += "/" + part
        try:
            os.mkdir(cur)
        except OSError:
            pass


def _rmtree(path):
    try:
        for name in os.listdir(path):
            p = path + "/" + name
            if os.stat(p)[0] & 0x4000:
                _rmtree(p)
            else:
                os.remove(p)
        os.rmdir(path)
    except OSError:
        pass


def _write_atomic(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


class Stager:
    """Receives a bundle chunk by chunk: phase 0 the header line, 1 the file lines,
    2 the files' data, 3 complete."""

    def __init__(self, md5=None):
        _rmtree(STAGE)
        os.mkdir(STAGE)
        self.phase = 0
        self.line = bytearray()
        self.files = []         # (size, sha256 hex, path)
        self.version = None
        self.index = 0          # the file being received
        self.cur = None
        self.left = 0
        self.sha = None
        self.size = 0
        self.want_md5 = md5.lower() if md5 else None
        self.md5 = None
        if md5:
            try:
                self.md5 = hashlib.md5()  # type: ignore[attr-defined]  # guarded: none on ESP8266
            except AttributeError:          # ESP8266: no md5 in hashlib
                from .md5 import MD5
                self.md5 = MD5()

    def write(self, data):
        mv = memoryview(data)
        if self.md5:
            self.md5.update(mv)
        self.size += len(mv)
        i = 0
        while i < len(mv):
            if self.phase < 2:
                i = self._head(mv, i)
            elif self.phase == 2:
                i = self._data(mv, i)
            else:
                raise OTAError("data after the end of the bundle")

    def _head(self, mv, i):
        while i < len(mv) and self.phase < 2:
            c = mv[i]
            i += 1
            if c != 10:
                self.line.append(c)
                if len(self.line) > 300 or self.phase == 0 and len(self.line) == 5 and \
                        self.line != b"ACB1 ":
                    raise OTAError(_NOT_A_BUNDLE)
                continue
            line = bytes(self.line)
            self.line = bytearray()
            if self.phase == 0:
                parts = line.split()
                if len(parts) != 2 or parts[0] != b"ACB1":
                    raise OTAError(_NOT_A_BUNDLE)
                self.version = str(parts[1], "utf-8")
                self.phase = 1
            elif line:
                self._entry(line)
            elif not self.files:
                raise OTAError("empty bundle")
            else:
                self.phase = 2
                self._open()
        return i

    def _entry(self, line):
        try:
            size, sha, path = str(line, "utf-8").split(" ", 2)
            size = int(size)
            sha = unhexlify(sha) if len(sha) == 64 else b""
        except (ValueError, UnicodeError):
            raise OTAError("bad bundle entry")
        if size < 0 or len(sha) != 32 or not path or path[0] == "/" or \
                any(c not in _SAFE for c in path) or ".." in path.split("/") or \
                path.split("/")[0] in (".stage", ".old", ".sim"):
            raise OTAError("unsafe path in the bundle: %s" % path[:64])
        self.files.append((size, sha, path))

    def _open(self):
        """Start the next file (empty ones are checked at once); phase 3 after the last."""
        while self.index < len(self.files):
            size, _, path = self.files[self.index]
            target = STAGE + "/" + path
            _makedirs(target)
            self.cur = open(target, "wb")
            self.left = size
            self.sha = hashlib.sha256()
            if size:
                return
            self._close()
        self.phase = 3

    def _data(self, mv, i):
        k = min(self.left, len(mv) - i)
        chunk = mv[i:i + k]
        self.cur.write(chunk)
        self.sha.update(chunk)
        self.left -= k
        if not self.left:
            self._close()
            self._open()
        return i + k

    def _close(self):
        _, sha, path = self.files[self.index]
        self.cur.close()
        self.cur = None
        if self.sha.digest() != sha:
            raise OTAError("%s: SHA-256 mismatch" % path)
        self.index += 1

    def abort(self):
        """Forget a refused or interrupted bundle."""
        if self.cur is not None:
            self.cur.close()
        _rmtree(STAGE)

    def finish(self):
        """Check the bundle is complete and mark it ready for the next boot."""
        if self.phase != 3:
            raise OTAError("bundle truncated after %d bytes" % self.size)
        if self.md5:
            got = "".join("%02x" % x for x in self.md5.digest())
            if got != self.want_md5:
                raise OTAError("MD5 Check Failed: expected %s, got %s" % (self.want_md5, got))
        with open(STAGE + "/MANIFEST.tmp", "w") as f:        # line by line: no big string
            f.write("ACB1 %s\n" % self.version)
            for n, h, p in self.files:
                f.write("%d %s %s\n" % (n, str(hexlify(h), "ascii"), p))
        os.rename(STAGE + "/MANIFEST.tmp", STAGE + "/MANIFEST")
        _write_atomic(STAGE + "/READY", self.version)
        return self.version
