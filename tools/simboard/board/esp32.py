"""Stand-in for MicroPython's esp32 module: Partition over the simulated flash
(installed for simulated ESP32 boards only)."""
import os

import micropython

import _flash
import _flashfmt as ff

HEAP_DATA = 4
HEAP_EXEC = 1
WAKEUP_ALL_LOW = False
WAKEUP_ANY_HIGH = True


def _esp_err(code, name):
    """The OSError MicroPython raises for an ESP-IDF error code."""
    return OSError(-code, name)


@micropython.viper
def _xor(buf, n: int, c: int) -> int:
    """c XOR each byte of buf[:n], a word at a time."""
    w = ptr32(buf)
    acc = 0
    for i in range(n >> 2):
        acc ^= w[i]
    p = ptr8(buf)
    for i in range((n >> 2) << 2, n):
        c ^= p[i]
    return (c ^ acc ^ (acc >> 8) ^ (acc >> 16) ^ (acc >> 24)) & 0xFF


def _table():
    buf = bytearray(0xC00)
    _flash.read(ff.TABLE_OFFSET, buf)
    parts = ff.parse_table(buf)
    end = max(p[2] + p[3] for p in parts)
    parts.append((ff.TYPE_DATA, 0x81, end, _flash.SIZE - end, "vfs"))
    return parts


_PARTS = _table()
_SLOTS = sorted([p for p in _PARTS if p[0] == ff.TYPE_APP and p[1] >= ff.OTA_0],
                key=lambda p: p[1])


def _otadata():
    for p in _PARTS:
        if p[0] == ff.TYPE_DATA and p[1] == ff.SUBTYPE_OTA_DATA:
            return p[2]
    return None


def _records(base):
    rec = bytearray(32)
    out = []
    for i in (0, 1):
        _flash.read(base + i * ff.SECTOR, rec)
        out.append(ff.unpack_record(rec))
    return out


def _write_record(base, index, seq, state):
    off = base + index * ff.SECTOR
    _flash.erase(off, ff.SECTOR)
    _flash.write(off, ff.pack_record(seq, state))


class Partition:
    BOOT = 0
    RUNNING = 1
    TYPE_APP = ff.TYPE_APP
    TYPE_DATA = ff.TYPE_DATA

    def __init__(self, id, block_size=4096):
        if id == Partition.RUNNING:
            id = os.getenv("SIM_BOOT")
        elif id == Partition.BOOT:
            id = _boot_label()
        for p in _PARTS:
            if p[4] == id:
                self._p = p
                break
        else:
            raise ValueError("partition not found")
        self._bs = block_size

    @staticmethod
    def find(type=TYPE_APP, subtype=0xFF, label=None, block_size=4096):
        return [Partition(p[4], block_size) for p in _PARTS
                if p[0] == type and (subtype == 0xFF or p[1] == subtype)
                and (label is None or p[4] == label)]

    def __repr__(self):
        t, s, a, n, lbl = self._p
        return "<Partition type=%d, subtype=%d, address=%d, size=%d, label=%s, encrypted=0>" % (
            t, s, a, n, lbl)

    def __eq__(self, other):
        return isinstance(other, Partition) and self._p == other._p

    def info(self):
        t, s, a, n, lbl = self._p
        return (t, s, a, n, lbl, False)

    def _addr(self, block, off, n):
        a = block * self._bs + off
        if a < 0 or a + n > self._p[3]:
            raise _esp_err(0x104, "ESP_ERR_INVALID_SIZE")
        return self._p[2] + a

    def readblocks(self, block, buf, offset=0):
        _flash.read(self._addr(block, offset, len(buf)), buf)

    def writeblocks(self, block, buf, offset=None):
        if offset is None:
            addr = self._addr(block, 0, len(buf))
            _flash.erase(addr, len(buf))
        else:
            addr = self._addr(block, offset, len(buf))
        _flash.write(addr, buf)

    def ioctl(self, op, arg):
        if op == 4:
            return self._p[3] // self._bs
        if op == 5:
            return self._bs
        if op == 6:
            _flash.erase(self._addr(arg, 0, self._bs), self._bs)
        return 0

    def set_boot(self):
        if self._p not in _SLOTS:
            raise _esp_err(0x102, "ESP_ERR_INVALID_ARG")
        if not _verify(self._p):
            raise _esp_err(0x1503, "ESP_ERR_OTA_VALIDATE_FAILED")
        base = _otadata()
        recs = _records(base)
        index, seq = ff.next_seq(recs, _SLOTS.index(self._p), len(_SLOTS))
        _write_record(base, index, seq, ff.NEW)

    def get_next_update(self):
        if self._p not in _SLOTS:
            raise OSError(2, "ENOENT")
        return Partition(_SLOTS[(_SLOTS.index(self._p) + 1) % len(_SLOTS)][4], self._bs)

    @staticmethod
    def mark_app_valid_cancel_rollback():
        base = _otadata()
        recs = _records(base)
        i = ff.active(recs)
        if i < 0:
            raise _esp_err(-1, "ESP_FAIL")
        if recs[i][1] != ff.VALID:
            _write_record(base, i, recs[i][0], ff.VALID)


def _boot_label():
    base = _otadata()
    if base is None or not _SLOTS:
        return os.getenv("SIM_BOOT")
    recs = _records(base)
    i = ff.active(recs)
    return _SLOTS[0 if i < 0 else (recs[i][0] - 1) % len(_SLOTS)][4]


def _verify(p):
    """ESP-IDF's image check: magic, segments, checksum, SHA-256, size."""
    import hashlib
    import struct

    addr, size = p[2], p[3]
    buf = _flash.scratch
    mv = memoryview(buf)
    _flash.read(addr, mv[:24])
    if buf[0] != 0xE9 or not 0 < buf[1] <= 16:
        return False
    nseg, digest = buf[1], buf[23] == 1
    sha = hashlib.sha256(mv[:24])
    pos, csum = 24, 0xEF
    for _ in range(nseg):
        if pos + 8 > size:
            return False
        _flash.read(addr + pos, mv[:8])
        sha.update(mv[:8])
        left = struct.unpack_from("<II", buf)[1]
        pos += 8
        if left & 3 or pos + left > size:
            return False
        while left:
            k = min(left, 4096)
            _flash.read(addr + pos, mv[:k])
            csum = _xor(mv, k, csum)
            sha.update(mv[:k])
            pos += k
            left -= k
    pad = 15 - pos % 16
    _flash.read(addr + pos, mv[:pad + 1])
    sha.update(mv[:pad + 1])
    if buf[pad] != csum:
        return False
    pos += pad + 1
    if digest:
        if pos + 32 > size:
            return False
        _flash.read(addr + pos, mv[:32])
        return sha.digest() == bytes(mv[:32])
    return True
