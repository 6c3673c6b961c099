"""Child processes of the host tools and tests: a free loopback port, a bounded stop,
waiting for a listener, one HTTP request."""
import http.client
import socket
import subprocess
import time


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc, timeout=10):
    """SIGTERM a process, SIGKILL it after timeout s; returns its exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def wait_listening(port, timeout=30, proc=None):
    """Poll until a TCP connection to port is accepted (and close it)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited with status %s" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError("nothing listening on 127.0.0.1:%d after %d s" % (port, timeout))


def request(port, method, path, body=None, headers=None, timeout=10):
    """(status, headers with lowercase names, body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()
