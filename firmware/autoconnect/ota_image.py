"""Writing an ESP32 app image into the next OTA slot as it streams in.

Checks, in order: magic, segment count, chip id (the running image's), app
descriptor (a merged firmware.bin is refused), segment lengths, checksum, SHA-256,
size against the slot, MD5 when given. The first 80 bytes are checked before anything
is written; then each chunk is scanned and written straight to flash (sectors erased
ahead), so no block buffer is needed. The first 16 bytes are written last and
set_boot() runs only after every check passed: a refused or interrupted upload never
leaves a bootable slot."""
import hashlib

import micropython

from .ota import OTAError

BLOCK = 4096
MERGED = ("this is a merged firmware image (bootloader, partition table and app): "
          "upload the application image (micropython.bin, *.app-bin) instead")

_one = None


@micropython.viper
def _xor(buf, n: int, c: int) -> int:
    """c XOR each byte of buf[:n]: bytes up to a word boundary, then aligned words."""
    p = ptr8(buf)
    i = 0
    while i < n and (uint(p) + i) & 3:
        c ^= p[i]
        i += 1
    w = ptr32(uint(p) + i)
    acc = 0
    for j in range((n - i) >> 2):
        acc ^= w[j]
    i += ((n - i) >> 2) << 2
    while i < n:
        c ^= p[i]
        i += 1
    return (c ^ acc ^ (acc >> 8) ^ (acc >> 16) ^ (acc >> 24)) & 0xFF


class ImageWriter:
    """Use writer(): one instance, made early, so that an upload never needs a large
    block of a heap that serving pages has fragmented."""

    def __init__(self):
        self.head = bytearray(80)   # the start of the image, checked before anything is written
        self.acc = bytearray(32)    # a structure being scanned
        self.part = self.sha = None
        self.chip = self.cap = 0
        self._reset(None)

    def begin(self, size=None, md5=None):
        """Get ready for an image of about size bytes (None: unknown) for the next OTA
        slot, with the MD5 md5 (hex) when given."""
        from esp32 import Partition
        run = Partition(Partition.RUNNING)  # type: ignore[arg-type]  # stubs: id may be RUNNING
        try:
            self.part = run.get_next_update()
        except OSError:
            raise OTAError("Partition Could Not be Found")
        self.cap = self.part.ioctl(4, 0) * BLOCK  # type: ignore[operator]  # stubs: ioctl(4) gives an int
        if size is not None and size > self.cap:
            raise OTAError("Not Enough Space: %d bytes for a slot of %d" % (size, self.cap))
        run.readblocks(0, self.head)
        self.chip = self.head[12] | self.head[13] << 8
        self.sha = hashlib.sha256()
        self._reset(md5)
        return self

    def _reset(self, md5):
        self.size = 0               # bytes received
        self.erased = 0             # sectors erased so far
        self.first = None           # the image's first 16 bytes, written last
        self.want_md5 = md5.lower() if md5 else None
        self.md5 = None
        if md5:
            try:
                self.md5 = hashlib.md5()
            except AttributeError:          # ESP8266: no md5 in hashlib
                from .md5 import MD5
                self.md5 = MD5()
        self.alen = 0
        self.state = 0          # 0 header, 1 segment header, 2 segment data, 3 padding, 4 digest, 5 done
        self.nseg = self.seg = self.left = 0
        self.csum = 0xEF
        self.end = 0            # offset of the checksum byte
        self.digest = False
        self.version = ""

    def write(self, data):
        """Take the next bytes of the image (any size; written to flash as they come)."""
        mv = memoryview(data)
        if self.md5:
            self.md5.update(mv)
        if self.first is None:              # still gathering the first 80 bytes
            k = min(80 - self.size, len(mv))
            self.head[self.size:self.size + k] = mv[:k]
            self.size += k
            mv = mv[k:]
            if self.size < 80:
                return
            self._start(80)
        if len(mv):
            self._put(mv, self.size)
            self.size += len(mv)

    def _start(self, n):
        self._check_start(n)
        self.first = bytes(self.head[:16])
        self._put(memoryview(self.head)[:n], 0)

    def _put(self, mv, pos):
        """Scan bytes at image offset pos, then write them (never the first 16)."""
        n = len(mv)
        if pos + n > self.cap:
            raise OTAError("Not Enough Space: the image is larger than the slot (%d bytes)" % self.cap)
        self._scan(mv, pos)
        while self.erased * BLOCK < pos + n:
            self.part.ioctl(6, self.erased)
            self.erased += 1
        if pos < 16:
            mv, pos = mv[16 - pos:], 16
        if len(mv):
            self.part.writeblocks(pos // BLOCK, mv, pos % BLOCK)

    def _check_start(self, n):
        b = self.head
        if n < 36 or b[0] != 0xE9:
            raise OTAError("Wrong Magic Byte" if n and b[0] != 0xE9 else "Image too short")
        if not 0 < b[1] <= 16:
            raise OTAError("Invalid segment count %d" % b[1])
        chip = b[12] | b[13] << 8
        if chip != self.chip:
            raise OTAError("Wrong chip: the image is for chip id %d, this board runs %d" % (chip, self.chip))
        if bytes(b[32:36]) != b"\x32\x54\xcd\xab":
            raise OTAError(MERGED)
        self.version = str(bytes(b[48:80]).split(b"\0", 1)[0], "utf-8")

    def _take(self, mv, i, n, need):
        """Accumulate `need` bytes of a structure into self.acc; returns bytes used."""
        k = min(need - self.alen, n - i)
        self.acc[self.alen:self.alen + k] = mv[i:i + k]
        self.alen += k
        return k

    def _scan(self, mv, base):
        n = len(mv)
        hashed = min(n, self.end + 1 - base) if self.state >= 3 else n
        i = 0
        while i < n and self.state < 5:
            st = self.state
            if st == 0:
                i += self._take(mv, i, n, 24)
                if self.alen == 24:
                    self.nseg, self.digest = self.acc[1], self.acc[23] == 1
                    self.alen, self.state = 0, 1
            elif st == 1:
                i += self._take(mv, i, n, 8)
                if self.alen == 8:
                    a = self.acc
                    self.left = a[4] | a[5] << 8 | a[6] << 16 | a[7] << 24
                    self.alen = 0
                    if self.left & 3:
                        raise OTAError("Invalid segment length %d" % self.left)
                    if base + i + self.left > self.cap:
                        raise OTAError("Not Enough Space: the image is larger than the slot "
                                       "(%d bytes)" % self.cap)
                    self.state = 2
            elif st == 2:
                k = min(self.left, n - i)
                self.csum = _xor(mv[i:i + k], k, self.csum)
                self.left -= k
                i += k
                if not self.left:
                    self.seg += 1
                    if self.seg < self.nseg:
                        self.state = 1
                    else:
                        self.end = (base + i) // 16 * 16 + 15
                        self.state = 3
                        hashed = min(n, self.end + 1 - base)
            elif st == 3:
                if base + n <= self.end:
                    i = n
                else:
                    i = self.end - base
                    if mv[i] != self.csum:
                        raise OTAError("Checksum mismatch")
                    i += 1
                    self.state = 4 if self.digest else 5
            else:
                i += self._take(mv, i, n, 32)
                if self.alen == 32:
                    self.state = 5
        self.sha.update(mv[:max(0, hashed)])
        if self.state == 5 and self.digest and self.sha.digest() != bytes(self.acc):
            raise OTAError("SHA-256 mismatch")

    def abort(self):
        """Nothing to undo: the slot is never bootable before finish() succeeds."""

    def finish(self):
        """Verify the end of the image, write its first 16 bytes and make it the boot
        slot; returns the new version."""
        if self.first is None:
            self._start(self.size)
        if self.state != 5:
            raise OTAError("Image truncated after %d bytes" % self.size)
        if self.md5:
            got = "".join("%02x" % x for x in self.md5.digest())
            if got != self.want_md5:
                raise OTAError("MD5 Check Failed: expected %s, got %s" % (self.want_md5, got))
        self.part.writeblocks(0, self.first, 0)
        try:
            self.part.set_boot()
        except OSError as e:
            raise OTAError("Could Not Activate The Firmware: %s" % e)
        return self.version


def writer():
    """The one ImageWriter (call begin() on it for each upload)."""
    global _one
    if _one is None:
        _one = ImageWriter()
    return _one
