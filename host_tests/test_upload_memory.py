"""A multi-megabyte multipart upload streams through a 64K heap (esp8266 mode, .mpy):
the live heap during the upload does not grow with the upload's size."""
import hashlib
import json
import random

import pytest

from conftest import httpcore
from rawhttp import Raw

BOUNDARY = b"----AcUploadBoundaryQ9x"


def upload(board, size):
    rnd = random.Random(size)
    head_part = (b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=\"firmware\"; "
                 b"filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
    tail = b"\r\n--" + BOUNDARY + b"--\r\n"
    c = Raw(board.port, timeout=120)
    c.send(b"POST /upload HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=%s\r\n"
           b"Content-Length: %d\r\n\r\n" % (BOUNDARY, len(head_part) + size + len(tail)))
    c.send(head_part)
    sha = hashlib.sha256()
    left = size
    while left:
        block = rnd.randbytes(min(left, 65536))
        sha.update(block)
        c.send(block)
        left -= len(block)
    c.send(tail)
    status, _, body = c.response()
    c.close()
    assert status == 200, body
    got = json.loads(body)
    assert got["parts"][0]["size"] == size
    assert got["parts"][0]["sha256"] == sha.hexdigest()
    return got["heap_growth"]


@pytest.fixture(scope="module")
def small_board(tmp_path_factory):
    b = httpcore(tmp_path_factory, "upload", chip="esp8266", heap="64K", mpy=True)
    yield b
    b.stop()


def test_upload_heap_does_not_grow_with_size(small_board):
    small = upload(small_board, 256 * 1024)
    big = upload(small_board, 4 * 1024 * 1024)
    print(f"live heap growth during upload: {small} B (256 KB), {big} B (4 MB)")
    assert big <= small + 1024, (small, big)
    assert small_board.status()["free_heap"] > 0
    assert "MemoryError" not in small_board.log()
