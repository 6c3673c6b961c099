"""Processes the benchmark starts, free ports, waiting for servers, plain HTTP calls."""
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tools.procs import free_port, request, wait_listening  # noqa: F401  (used as procs.*)
from tools.procs import stop as _stop

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
MICROPYTHON = str(Path(sys.executable).with_name("micropython"))
_started: list = []


def start(cmd, log, env=None, cwd=ROOT):
    """Popen with stdout and stderr to the file log; stopped by stop_all()."""
    out = open(log, "ab")
    proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=out,
                            stderr=subprocess.STDOUT)
    out.close()
    return track(proc)


def track(proc):
    """Have stop_all() stop proc too; returns it."""
    _started.append(proc)
    return proc


def stop(proc, timeout=10):
    """SIGTERM, then SIGKILL after timeout s; forgotten by stop_all()."""
    _stop(proc, timeout)
    if proc in _started:
        _started.remove(proc)


def stop_all():
    for proc in list(_started):
        stop(proc)


def on_signal_stop_all():
    """SIGTERM/SIGINT end every process started here before the benchmark exits."""
    def handler(signum, _frame):
        stop_all()
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def wait_http(port, path="/", timeout=30, ok=(200,), proc=None):
    """Poll until GET path answers a status in ok; the seconds it took."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited with status %s" % proc.returncode)
        try:
            if request(port, "GET", path, timeout=2)[0] in ok:
                return time.monotonic() - t0
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.02)
    raise TimeoutError("127.0.0.1:%d%s not answering after %d s" % (port, path, timeout))


def env_without(*names):
    return {k: v for k, v in os.environ.items() if k not in names}


def updateserver(catalog, log, *extra):
    """`python -m tools.updateserver` on a free port over catalog: (process, port)."""
    port = free_port()
    proc = start([PY, "-m", "tools.updateserver", "-p", port, "-b", "127.0.0.1", "-d", catalog,
                  "-l", "WARNING", *extra], log)
    wait_http(port, "/_catalog?op=list&path=.", 30, proc=proc)
    return proc, port
