"""File-backed SPI flash shared by the esp and esp32 stand-ins.

Erasing sets whole 4 KB sectors to 0xFF; writing can only clear bits, as on the chip.
Each sector remembers where its still-erased tail begins (from its last erase in this
process), so bytes programmed there are written as they are: ANDing them with 0xFF
would give the same."""
import array

import micropython

SECTOR = 4096
SIZE = 4 * 1024 * 1024
_f = open("/.sim/flash.bin", "r+b")
_ff = b"\xff" * SECTOR          # these three allocated at import: counted with the
scratch = bytearray(SECTOR)     # stand-ins, not the app
# per sector: where its erased tail begins; 0xFFFF (every entry at start): not erased
# by this process, so nothing is known
_fresh = array.array("H", b"\xff\xff" * (SIZE // SECTOR))


@micropython.viper
def _and(dst, src, n: int):
    """dst[:n] &= src[:n], a word at a time."""
    d = ptr32(dst)
    s = ptr32(src)
    w = n >> 2
    for i in range(w):
        d[i] = d[i] & s[i]
    d8 = ptr8(dst)
    s8 = ptr8(src)
    for i in range(w << 2, n):
        d8[i] = d8[i] & s8[i]


def _check(off, n):
    if off < 0 or n < 0 or off + n > SIZE:
        raise OSError(-258, "ESP_ERR_INVALID_ARG")


def read(off, buf):
    _check(off, len(buf))
    _f.seek(off)
    _f.readinto(buf)


def erase(off, size):
    _check(off, size)
    if off % SECTOR or size % SECTOR:
        raise OSError(-258, "ESP_ERR_INVALID_ARG")
    _f.seek(off)
    for i in range(size // SECTOR):
        _f.write(_ff)
        _fresh[off // SECTOR + i] = 0


def write(off, data):
    """Program `data` at `off`: each byte becomes old AND new."""
    n = len(data)
    _check(off, n)
    src = memoryview(data)
    done = 0
    while done < n:
        s = (off + done) // SECTOR
        o = (off + done) % SECTOR
        k = min(SECTOR - o, n - done)
        _f.seek(off + done)
        if o >= _fresh[s]:              # erased and not programmed since
            _f.write(src[done:done + k])
        else:
            old = memoryview(scratch)[:k]
            _f.readinto(old)
            _and(old, src[done:done + k], k)
            _f.seek(off + done)
            _f.write(old)
        _fresh[s] = max(_fresh[s], o + k)     # 0xFFFF (not known) stays so
        done += k
