"""Runs the board process, reboots it through the simulated bootloader and restarts it
after a power cut."""
import ctypes
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tools import romfs
from tools.simboard import bootloader
from tools.simboard.flashimage import Flash

MICROPYTHON = Path(sys.executable).with_name("micropython")
PWRON_RESET, WDT_RESET, SOFT_RESET = 1, 3, 5
POWER_CUT_DELAY = 0.5
_PR_SET_PDEATHSIG = 1


def _link(target):
    """A symlink of fixed length (/tmp/acsim-XXXXXXXX) to target: the board reaches its
    files through it, so that its heap is laid out alike wherever the state folder lies
    (MicroPython keeps a filesystem's root path on the heap)."""
    for _ in range(100):
        link = Path("/tmp/acsim-%08x" % random.getrandbits(32))
        try:
            link.symlink_to(target)
            return link
        except FileExistsError:
            continue
    raise RuntimeError("no free name for a link in /tmp")


def _die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class Supervisor:
    def __init__(self, state, chip, world, http_port, dns_port, heap, exit_on_halt=False):
        self.state, self.chip, self.world = state, chip, Path(world).resolve()
        self.http_port, self.dns_port, self.heap = http_port, dns_port, heap
        self.exit_on_halt = exit_on_halt
        self.proc = None
        self.link = _link(state.path)

    def close(self):
        """Stop the board process; remove the link to the state folder."""
        self._kill()
        self.link.unlink(missing_ok=True)

    def log(self, msg):
        print(f"[simboard] {msg}", flush=True)

    def run(self):
        """Boot the board again and again until interrupted; returns an exit status."""
        self.state.prepare_run(self.world)
        tax = self._standin_tax()
        self.heap_bytes = parse_size(self.heap) + tax
        self.log(f"heap: {self.heap} for the application + {tax} bytes kept by the "
                 f"simulator's stand-in modules")
        cause = PWRON_RESET
        while True:
            try:
                slot, desc = self._boot()
            except bootloader.NoBootableApp as e:
                self.log(f"bootloader: {e}; the board is halted")
                return 1 if self.exit_on_halt else self._wait_forever()
            outcome, code = self._run_board(slot, desc, cause)
            if outcome == "halt":
                self.log(f"main.py finished (exit status {code}); the board is idle")
                return code if self.exit_on_halt else self._wait_forever()
            if outcome == "died" and self.exit_on_halt and code > 0:
                self.log(f"board process exited with status {code}")
                return code
            if outcome == "died":
                self.log(f"board process died (status {code}): power cycle in {POWER_CUT_DELAY} s")
                time.sleep(POWER_CUT_DELAY)
                cause = PWRON_RESET
            else:
                self.log(f"{outcome}: rebooting")
                cause = WDT_RESET if outcome == "watchdog reset" else SOFT_RESET

    def _boot(self):
        if self.chip != "esp32":
            return None, {}
        slot, desc = bootloader.boot(Flash(self.state.flash), self.log)
        self.log(f"booting {slot}: {desc.get('project_name')} {desc.get('version')}")
        return slot, desc

    def _env(self, slot, desc, cause):
        env = dict(os.environ, SIM_CHIP=self.chip, SIM_RUN=str(self.link / "run"),
                   SIM_FS=str(self.link / "fs"),
                   SIM_HTTP_PORT=str(self.http_port), SIM_DNS_PORT=str(self.dns_port),
                   SIM_UID=self.state.uid(), SIM_RESET_CAUSE=str(cause), SIM_BOOT=slot or "")
        env.pop("SIM_CRASH", None)
        env.pop("MICROPYPATH", None)
        if desc.get("project_name") == "sim-crash":
            env["SIM_CRASH"] = "1"
        if self.chip == "esp8266":          # its ROMFS image, if installed (_romfs stand-in)
            n = romfs.length(Flash(self.state.flash).read(romfs.ESP8266_OFFSET, 8))
            if n:
                env["SIM_ROMFS"] = "%d:%d" % (romfs.ESP8266_OFFSET, n)
        return env

    def _run_board(self, slot, desc, cause):
        """Start the board process and watch it: (outcome, exit status)."""
        for name in ("reset", "wdt"):
            (self.state.run / name).unlink(missing_ok=True)
        cmd = [str(MICROPYTHON), "-X", f"heapsize={self.heap_bytes}", "_simboot.py"]
        self.proc = subprocess.Popen(cmd, env=self._env(slot, desc, cause), cwd=self.link / "run",
                                     start_new_session=True, preexec_fn=_die_with_parent)
        tmp = self.state.path / "board.pid.tmp"             # atomic: readers never see half
        tmp.write_text(f"{self.proc.pid}\n")
        tmp.replace(self.state.path / "board.pid")
        try:
            return self._watch()
        finally:
            self._kill()

    def _standin_tax(self):
        """Heap bytes the stand-ins keep beyond a bare interpreter's (C code on a board)."""
        env = dict(self._env("ota_0", {}, PWRON_RESET), SIM_CALIBRATE="1")
        out = subprocess.run([str(MICROPYTHON), "-X", "heapsize=1M", "_simboot.py"], env=env,
                             cwd=self.link / "run", capture_output=True, text=True,
                             check=True).stdout
        bare = subprocess.run([str(MICROPYTHON), "-X", "heapsize=1M", "-c",
                               "import gc; gc.collect(); print(gc.mem_alloc())"],
                              capture_output=True, text=True, check=True).stdout
        return max(0, int(out.split()[-1]) - int(bare))

    def _watch(self):
        reset, wdt = self.state.run / "reset", self.state.run / "wdt"
        while True:
            code = self.proc.poll()
            if code is not None:
                return ("halt" if code == 0 else "died"), code
            if reset.exists():
                return "machine.reset()", None
            if wdt.exists() and _expired(wdt):
                return "watchdog reset", None
            time.sleep(0.02)

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def _wait_forever(self):
        while True:
            time.sleep(3600)


def parse_size(text):
    """Bytes in a size such as 65536, 64K or 1M."""
    text = text.strip().upper()
    scale = {"K": 1024, "M": 1024 * 1024}.get(text[-1:], 1)
    return int(text[:-1] if scale > 1 else text) * scale


def _expired(path):
    try:
        deadline = int(path.read_text() or 0)
    except (OSError, ValueError):
        return False
    return time.time() * 1000 > deadline
