"""An ESP32 updater's download as a host client: the Arduino core's request headers, a
small receive window, 4 KB reads, optionally paced to a flash-write rate."""
import hashlib
import socket
import time

HEADERS = {"User-Agent": "ESP32-http-Update", "x-ESP32-STA-MAC": "24:0A:C4:00:00:01",
           "x-ESP32-AP-MAC": "24:0A:C4:00:00:02", "x-ESP32-free-space": "1572864",
           "x-ESP32-sketch-size": "1048576", "x-ESP32-sketch-md5": "0" * 32,
           "x-ESP32-chip-size": "4194304", "x-ESP32-sdk-version": "v5.2.2",
           "x-ESP32-mode": "sketch", "Connection": "close"}
CHUNK = 4096


def _head(f):
    """Status and Content-Length of the response read from file f."""
    status = int(f.readline().split()[1])
    length = None
    while True:
        line = f.readline()
        if line in (b"\r\n", b"\n", b""):
            return status, length
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)


def download(port, path, rate=None, rcvbuf=None, mss=None, md5=False, timeout=180):
    """GET path; returns (seconds from connect to the last byte, bytes, MD5 hex or None).
    rate: bytes/s at most (the board writing flash); rcvbuf: SO_RCVBUF (its TCP window);
    mss: the segment size it announces."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if mss:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    s.settimeout(timeout)
    t0 = time.monotonic()
    try:
        s.connect(("127.0.0.1", port))
        req = "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % path
        s.sendall((req + "".join("%s: %s\r\n" % kv for kv in HEADERS.items()) + "\r\n").encode())
        f = s.makefile("rb", buffering=CHUNK)
        status, length = _head(f)
        if status != 200 or length is None:
            raise RuntimeError("download %s: HTTP %d" % (path, status))
        got = _body(f, length, rate, hashlib.md5() if md5 else None)
    finally:
        s.close()
    return time.monotonic() - t0, length, got


def _body(f, length, rate, md5):
    """Read the body; paced from its first byte (a board that waited cannot catch up)."""
    t0 = time.monotonic()
    buf = bytearray(CHUNK)
    mv = memoryview(buf)
    done = 0
    while done < length:
        n = f.readinto(mv[:min(CHUNK, length - done)])
        if not n:
            raise RuntimeError("download cut at %d of %d bytes" % (done, length))
        if md5:
            md5.update(mv[:n])
        done += n
        if rate:
            ahead = done / rate - (time.monotonic() - t0)
            if ahead > 0.002:
                time.sleep(ahead)
    return md5.hexdigest() if md5 else None
