"""tools.updateserver run as a subprocess for the tests, and what its clients send."""
import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, free_port, stop

from tools.procs import request, wait_listening

GATE = {"User-Agent": "ESP32-http-Update", "x-ESP32-STA-MAC": "24:0A:C4:00:00:01"}
SECRET = b"TOP-SECRET-" + os.urandom(8).hex().encode()


def md5(data):
    return hashlib.md5(data).hexdigest()


class UpdateServer:
    """`python -m tools.updateserver` as a subprocess; its stdout and stderr kept in files."""

    def __init__(self, catalog, *args, cwd=ROOT, logdir):
        self.port = free_port()
        self.out, self.err = Path(logdir) / f"out-{self.port}", Path(logdir) / f"err-{self.port}"
        cmd = [sys.executable, "-m", "tools.updateserver", "-p", str(self.port),
               "-b", "127.0.0.1", "-d", str(catalog), *args]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        self.wait_ready()

    def wait_ready(self, timeout=10):
        try:
            wait_listening(self.port, timeout, self.proc)
        except (RuntimeError, TimeoutError) as e:
            raise AssertionError(f"{e}:\n{self.log()}") from None

    def log(self):
        return self.err.read_text(errors="replace")

    def stop(self):
        """SIGTERM; returns the exit code."""
        return stop(self.proc)

    def request(self, path, headers=None, method="GET", timeout=10):
        """(status, headers with lowercase names, body) over http.client."""
        return request(self.port, method, path, headers=headers, timeout=timeout)

    def raw(self, data, timeout=10):
        """Send exact bytes (the path unnormalised); (status, head, body) read until close."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), head.decode("latin-1"), body

    def listing(self, path=None):
        query = "/_catalog?op=list" + ("" if path is None else f"&path={path}")
        status, headers, body = self.request(query)
        assert status == 200, body
        assert headers["content-type"] == "application/json"
        assert int(headers["content-length"]) == len(body)
        return json.loads(body)
