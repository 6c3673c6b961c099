"""Uptime that survives ticks_ms() wrapping (call uptime_ms() at least daily)."""
from time import ticks_diff, ticks_ms

_last = ticks_ms()
_ms = 0


def uptime_ms():
    global _last, _ms
    now = ticks_ms()
    _ms += ticks_diff(now, _last)
    _last = now
    return _ms
