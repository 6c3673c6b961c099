"""Stand-in for MicroPython's esp module over the simulated flash."""
import os

import _flash

_CHIP = os.getenv("SIM_CHIP")
LOW_POWER = 0
MODEM_SLEEP = 1
SLEEP_NONE = 0
SLEEP_LIGHT = 1
SLEEP_MODEM = 2


def flash_size():
    return _flash.SIZE


def flash_user_start():
    return 0x100000 if _CHIP == "esp8266" else 0x310000


def flash_id():
    return 0x1640EF


def flash_read(offset, buf_or_len):
    buf = bytearray(buf_or_len) if isinstance(buf_or_len, int) else buf_or_len
    _flash.read(offset, buf)
    return buf if isinstance(buf_or_len, int) else None


def flash_write(offset, buf):
    if offset & 3 or len(buf) & 3:
        raise OSError(22, "EINVAL")
    _flash.write(offset, buf)


def flash_erase(sector):
    _flash.erase(sector * _flash.SECTOR, _flash.SECTOR)


def osdebug(*args):
    pass


def sleep_type(*args):
    return SLEEP_NONE


def freemem():
    import gc
    return gc.mem_free()
