"""MD5 for boards whose hashlib has none (ESP8266): MD5().update(data), .digest()."""
import struct

import micropython

_S = (bytes((7, 12, 17, 22)) * 4 + bytes((5, 9, 14, 20)) * 4 + bytes((4, 11, 16, 23)) * 4 +
      bytes((6, 10, 15, 21)) * 4)
# RFC 1321's T[1..64] as little-endian 32-bit words: bytes, not a tuple of 64 ints, so
# that loading the module allocates next to nothing (each MD5 copies them aligned)
_K = (b"\x78\xa4\x6a\xd7\x56\xb7\xc7\xe8\xdb\x70\x20\x24\xee\xce\xbd\xc1"
      b"\xaf\x0f\x7c\xf5\x2a\xc6\x87\x47\x13\x46\x30\xa8\x01\x95\x46\xfd"
      b"\xd8\x98\x80\x69\xaf\xf7\x44\x8b\xb1\x5b\xff\xff\xbe\xd7\x5c\x89"
      b"\x22\x11\x90\x6b\x93\x71\x98\xfd\x8e\x43\x79\xa6\x21\x08\xb4\x49"
      b"\x62\x25\x1e\xf6\x40\xb3\x40\xc0\x51\x5a\x5e\x26\xaa\xc7\xb6\xe9"
      b"\x5d\x10\x2f\xd6\x53\x14\x44\x02\x81\xe6\xa1\xd8\xc8\xfb\xd3\xe7"
      b"\xe6\xcd\xe1\x21\xd6\x07\x37\xc3\x87\x0d\xd5\xf4\xed\x14\x5a\x45"
      b"\x05\xe9\xe3\xa9\xf8\xa3\xef\xfc\xd9\x02\x6f\x67\x8a\x4c\x2a\x8d"
      b"\x42\x39\xfa\xff\x81\xf6\x71\x87\x22\x61\x9d\x6d\x0c\x38\xe5\xfd"
      b"\x44\xea\xbe\xa4\xa9\xcf\xde\x4b\x60\x4b\xbb\xf6\x70\xbc\xbf\xbe"
      b"\xc6\x7e\x9b\x28\xfa\x27\xa1\xea\x85\x30\xef\xd4\x05\x1d\x88\x04"
      b"\x39\xd0\xd4\xd9\xe5\x99\xdb\xe6\xf8\x7c\xa2\x1f\x65\x56\xac\xc4"
      b"\x44\x22\x29\xf4\x97\xff\x2a\x43\xa7\x23\x94\xab\x39\xa0\x93\xfc"
      b"\xc3\x59\x5b\x65\x92\xcc\x0c\x8f\x7d\xf4\xef\xff\xd1\x5d\x84\x85"
      b"\x4f\x7e\xa8\x6f\xe0\xe6\x2c\xfe\x14\x43\x01\xa3\xa1\x11\x08\x4e"
      b"\x82\x7e\x53\xf7\x35\xf2\x3a\xbd\xbb\xd2\xd7\x2a\x91\xd3\x86\xeb")


@micropython.viper
def _rounds(st: ptr32, m: ptr32, k: ptr32, s: ptr8):
    """MD5's 64 rounds over one 64-byte block m into the state st (32-bit words)."""
    a = uint(st[0])
    b = uint(st[1])
    c = uint(st[2])
    d = uint(st[3])
    for i in range(64):
        if i < 16:
            f = (b & c) | (~b & d)
            g = i
        elif i < 32:
            f = (d & b) | (~d & c)
            g = (5 * i + 1) & 15
        elif i < 48:
            f = b ^ c ^ d
            g = (3 * i + 5) & 15
        else:
            f = c ^ (b | ~d)
            g = (7 * i) & 15
        f = (f + a + uint(k[i]) + uint(m[g])) & uint(0xFFFFFFFF)
        a = d
        d = c
        c = b
        r = uint(s[i])
        b = (b + (((f << r) | (f >> (uint(32) - r))) & uint(0xFFFFFFFF))) & uint(0xFFFFFFFF)
    st[0] = (uint(st[0]) + a) & uint(0xFFFFFFFF)
    st[1] = (uint(st[1]) + b) & uint(0xFFFFFFFF)
    st[2] = (uint(st[2]) + c) & uint(0xFFFFFFFF)
    st[3] = (uint(st[3]) + d) & uint(0xFFFFFFFF)


class MD5:
    def __init__(self, data=b""):
        self._st = bytearray(struct.pack("<4I", 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476))
        self._k = bytearray(_K)
        self._buf = bytearray(64)
        self._n = 0
        if data:
            self.update(data)

    def update(self, data):
        mv = memoryview(data)
        i = 0
        fill = self._n & 63
        if fill:
            k = min(64 - fill, len(mv))
            self._buf[fill:fill + k] = mv[:k]
            i = k
            if fill + k == 64:
                _rounds(self._st, self._buf, self._k, _S)  # type: ignore[arg-type]  # viper: buffers as ptrs
        while i + 64 <= len(mv):
            self._buf[:] = mv[i:i + 64]
            _rounds(self._st, self._buf, self._k, _S)  # type: ignore[arg-type]  # viper: buffers as ptrs
            i += 64
        if i < len(mv):
            self._buf[:len(mv) - i] = mv[i:]
        self._n += len(mv)

    def digest(self):
        n = self._n
        saved = (bytearray(self._st), bytearray(self._buf), n)
        self.update(b"\x80" + b"\0" * ((55 - n) % 64) + struct.pack("<Q", n * 8))
        out = bytes(self._st)
        self._st, self._buf, self._n = saved
        return out
