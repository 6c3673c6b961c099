"""MD5 for boards whose hashlib has none (ESP8266): MD5().update(data), .digest()."""
import struct

import micropython

_S = bytes((7, 12, 17, 22) * 4 + (5, 9, 14, 20) * 4 + (4, 11, 16, 23) * 4 + (6, 10, 15, 21) * 4)
_K = (0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391)


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
        self._k = bytearray(struct.pack("<64I", *_K))
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
