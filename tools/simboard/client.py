"""A simulated board for programs (the tests, the benchmark, soak): `python -m
tools.simboard` started on free ports with its state in a folder, spoken to over HTTP."""
import http.client
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from tools.procs import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Board:
    """One board: state folder `state`, its log beside it (state + ".log"); `port`: one
    already serving there, started by someone else."""

    def __init__(self, state, main=None, chip="esp32", heap=None, mpy=None, world=None,
                 romfs=False, port=None):
        self.state = Path(state)
        self.main, self.chip, self.heap, self.mpy, self.world = main, chip, heap, mpy, world
        self.romfs = romfs
        self.port, self.dns_port = port or free_port(), free_port()
        self.logfile = self.state.with_name(self.state.name + ".log")
        self.proc = None

    def command(self, fresh=True, extra=()):
        cmd = [sys.executable, "-m", "tools.simboard", "--state", str(self.state),
               "--chip", self.chip, "--http-port", str(self.port),
               "--dns-port", str(self.dns_port), *extra]
        if fresh:
            cmd.append("--fresh")
        if self.main:
            cmd += ["--main", str(self.main)]
        if self.heap:
            cmd += ["--heap", self.heap]
        if self.mpy is not None:
            cmd.append("--mpy" if self.mpy else "--no-mpy")
        if self.world:
            cmd += ["--world", str(self.world)]
        if self.romfs:
            cmd.append("--romfs")
        return cmd

    def start(self, fresh=True, ready=True, extra=()):
        """Start the simulator (the board's output goes to the log); with ready, wait
        until it serves."""
        with open(self.logfile, "ab") as out:
            self.proc = subprocess.Popen(self.command(fresh, extra), cwd=ROOT, stdout=out,
                                         stderr=subprocess.STDOUT)
        if ready:
            self.wait_ready()
        return self

    def stop(self):
        if self.proc:
            stop(self.proc)
            self.proc = None

    def log(self):
        """The simulator's output so far ("" before it wrote any)."""
        try:
            return self.logfile.read_text(errors="replace")
        except OSError:
            return ""

    def pid(self):
        """The board process's pid (it changes at every reboot)."""
        return int((self.state / "board.pid").read_text())

    def request(self, method, path, body=None, headers=None, timeout=10):
        """(status, headers as the board named them, body)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def post(self, path, fields, headers=None, timeout=10):
        """POST fields as a form."""
        return self.request("POST", path, urlencode(fields), {**FORM, **(headers or {})},
                            timeout)

    def post_ok(self, path, fields, timeout=30):
        """POST fields as a form; the body of a 200 answer, else RuntimeError."""
        status, _, body = self.post(path, fields, timeout=timeout)
        if status != 200:
            raise RuntimeError("POST %s answered %d: %r" % (path, status, body[:200]))
        return body

    def get_json(self, path):
        status, _, body = self.request("GET", path)
        if status != 200:
            raise ValueError("GET %s answered %d: %r" % (path, status, body[:200]))
        return json.loads(body)

    def status(self):
        return self.get_json("/_ac/status")

    def wait_for(self, check, timeout=30, what="condition"):
        """Poll check() until it is true (errors talking to the board count as false)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError("simulator exited:\n" + self.log()[-3000:])
            try:
                if check():
                    return
            except (OSError, ValueError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("board: %s not met after %d s:\n%s"
                                   % (what, timeout, self.log()[-3000:]))
            time.sleep(0.05)

    def wait_ready(self, timeout=30, path="/_ac/status"):
        """Wait until path answers (perhaps behind authentication)."""
        self.wait_for(lambda: self.request("GET", path, timeout=2)[0] in (200, 401), timeout,
                      "ready")

    def wait_reboot(self, old_pid, timeout=30):
        """Wait for a new board process, then for it to serve."""
        deadline = time.monotonic() + timeout
        self.wait_for(lambda: self.pid() != old_pid, timeout, "reboot")
        self.wait_ready(max(1, deadline - time.monotonic()))

    def pull(self, name, timeout=120):
        """What the update page's script does: pick name, #s, poll until #e; the result
        page's text (the caller sends #r to reboot into a success)."""
        for path, op in (("/_ac/update_act", {"firmwares": name}),
                         ("/_ac/update_progress", {"op": "#s"})):
            status, _, body = self.post(path, op, timeout=30)
            if status != 200:
                raise RuntimeError("%s %r answered %d: %r" % (path, op, status, body[:200]))
        self.wait_for(lambda: self.request("GET", "/_ac/update_progress")[2] == b"#e", timeout,
                      "the pull of %s ended" % name)
        return self.request("GET", "/_ac/update_result")[2].decode()
