"""A raw HTTP/1.1 client for tests: exact bytes out, responses parsed strictly."""
import socket


class Raw:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)
        return self

    def _more(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._more()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _take(self, n):
        while len(self.buf) < n:
            self._more()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self, head=False):
        """(status, headers with lowercase names, body) of the next response."""
        version, status, _ = self._line().split(b" ", 2)
        assert version == b"HTTP/1.1", version
        headers = {}
        while True:
            line = self._line()
            if not line:
                break
            k, v = line.split(b":", 1)
            headers[k.decode().lower()] = v.strip().decode()
        status = int(status)
        if head or status in (204, 304) or 100 <= status < 200:
            return status, headers, b""
        if "content-length" in headers:
            return status, headers, self._take(int(headers["content-length"]))
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if not size:
                    assert self._line() == b""
                    return status, headers, body
                body += self._take(size)
                assert self._take(2) == b"\r\n"
        return status, headers, self.rest()

    def rest(self):
        """Everything until the server closes."""
        try:
            while True:
                self._more()
        except (EOFError, ConnectionResetError):
            pass
        out, self.buf = self.buf, b""
        return out

    def closed(self, timeout=5):
        """True when the server closes the connection within timeout."""
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def request(port, data, timeout=10):
    """Send raw bytes, return the first response."""
    c = Raw(port, timeout)
    try:
        return c.send(data).response()
    finally:
        c.close()
