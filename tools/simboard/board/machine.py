"""Stand-in for the board's machine module: the unix port's machine plus reset,
reset_cause, unique_id, freq, WDT and a minimal Pin."""
import os
import time

import _ext

_m = _ext.builtin("machine")
idle = _m.idle
mem8, mem16, mem32 = _m.mem8, _m.mem16, _m.mem32
Signal = _m.Signal
time_pulse_us = _m.time_pulse_us

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5
_CHIP = os.getenv("SIM_CHIP")
_freq = [160000000 if _CHIP == "esp32" else 80000000]


def reset():
    """Hard reset: the supervisor kills this process and boots the board again."""
    with open("/.sim/reset", "w") as f:
        f.write("reset")
    while True:
        time.sleep(1)


def soft_reset():
    reset()


def deepsleep(ms=0):
    time.sleep_ms(ms)
    reset()


def lightsleep(ms=0):
    time.sleep_ms(ms)


def reset_cause():
    return int(os.getenv("SIM_RESET_CAUSE") or PWRON_RESET)


def unique_id():
    uid = bytes.fromhex(os.getenv("SIM_UID"))
    return uid if _CHIP == "esp32" else uid[2:]


def freq(hz=None):
    if hz is None:
        return _freq[0]
    if hz not in ((80000000, 160000000, 240000000) if _CHIP == "esp32" else (80000000, 160000000)):
        raise ValueError("frequency must be 80MHz, 160MHz or 240MHz")
    _freq[0] = hz


def disable_irq():
    return 0


def enable_irq(state=0):
    pass


class WDT:
    """Watchdog: the supervisor resets the board when it is not fed in time."""

    def __init__(self, id=0, timeout=5000):
        self._ms = max(1, timeout)
        self._last = None
        self.feed()

    def feed(self):
        now = time.ticks_ms()
        if self._last is not None and time.ticks_diff(now, self._last) < self._ms // 4:
            return
        self._last = now
        with open("/.sim/wdt", "w") as f:
            f.write(str(time.time_ns() // 1000000 + self._ms))


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1
    IRQ_RISING = 1
    IRQ_FALLING = 2

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self.id = id
        self._v = 0
        if value is not None:
            self._v = 1 if value else 0

    def init(self, mode=-1, pull=-1, value=None):
        if value is not None:
            self._v = 1 if value else 0

    def value(self, v=None):
        if v is None:
            return self._v
        self._v = 1 if v else 0

    def __call__(self, v=None):
        return self.value(v)

    def on(self):
        self._v = 1

    def off(self):
        self._v = 0

    def irq(self, handler=None, trigger=3):
        return None
