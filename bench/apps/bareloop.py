# The OTA reference on the MicroPython unix port: micropython bareloop.py PORT FILE [BUF]
# For each connection: readinto a 4 KB (or BUF-byte) buffer until EOF, update MD5 and
# SHA-256, write to FILE; then answer both digests (hex) and close.
import hashlib
import socket
import sys

from binascii import hexlify

buf = bytearray(int(sys.argv[3]) if len(sys.argv) > 3 else 4096)
mv = memoryview(buf)


def receive(conn):
    md5, sha = hashlib.md5(), hashlib.sha256()
    with open(sys.argv[2], "wb") as f:
        while True:
            n = conn.readinto(buf)
            if not n:
                break
            md5.update(mv[:n])
            sha.update(mv[:n])
            f.write(mv[:n])
    conn.write(hexlify(md5.digest()) + b" " + hexlify(sha.digest()))


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(socket.getaddrinfo("127.0.0.1", int(sys.argv[1]))[0][-1])
srv.listen(4)
while True:
    conn = srv.accept()[0]
    receive(conn)
    conn.close()
