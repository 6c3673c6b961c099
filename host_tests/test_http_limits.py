"""Connection limits: timeouts, eviction of idle connections, slow clients, parallel load.

The test application uses request and idle timeouts of 3 s and the esp32 cap of 8."""
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rawhttp import request


@pytest.fixture(scope="module")
def board(httpcore_board):
    return httpcore_board


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed_within(sock, seconds):
    """True when the server closes the connection within `seconds`."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if not sock.recv(4096):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def timed_get(port, path="/echo"):
    t = time.monotonic()
    status, _, _ = request(port, b"GET %s HTTP/1.1\r\n\r\n" % path.encode(), timeout=15)
    return status, time.monotonic() - t


@pytest.mark.parametrize("opening", [b"", b"GET /echo HTTP/1.1\r\nHost: x", b"GE"])
def test_idle_or_partial_requests_time_out(board, opening):
    s = connect(board.port)
    s.sendall(opening)
    t = time.monotonic()
    assert not closed_within(s, 1.0)
    assert closed_within(s, 6.0)
    assert 2.5 < time.monotonic() - t < 7
    s.close()


def test_trickled_headers_are_cut_by_the_request_timeout(board):
    s = connect(board.port)
    t = time.monotonic()
    req = b"GET /echo HTTP/1.1\r\n" + b"X-Slow: " + b"a" * 100
    try:
        for byte in req:
            s.sendall(bytes([byte]))
            time.sleep(0.25)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert closed_within(s, 6.0)
    assert time.monotonic() - t < 8
    s.close()


def test_stalled_body_times_out_inside_the_handler(board):
    s = connect(board.port)
    s.sendall(b"POST /echo HTTP/1.1\r\nContent-Length: 1000\r\n\r\n0123456789")
    t = time.monotonic()
    assert closed_within(s, 8.0)
    assert 2.5 < time.monotonic() - t < 8
    s.close()


def test_idle_connections_are_evicted_for_a_new_client(board):
    idle = [connect(board.port) for _ in range(8)]
    for s in idle:
        s.sendall(b"GET /ec")
    time.sleep(0.5)
    status, took = timed_get(board.port)
    assert status == 200 and took < 2
    assert closed_within(idle[0], 2.0), "the longest-waiting idle connection is evicted"
    assert board.get_json("/conns")["live"] <= 8
    for s in idle:
        s.close()


def test_busy_connections_are_not_evicted_new_clients_wait(board):
    with ThreadPoolExecutor(12) as pool:
        slow = [pool.submit(timed_get, board.port, "/sleep?ms=1500") for _ in range(8)]
        time.sleep(0.3)
        late = pool.submit(timed_get, board.port, "/echo")
        results = [f.result() for f in slow]
        status, took = late.result()
    assert all(st == 200 for st, _ in results)
    assert status == 200 and took >= 0.9, "the ninth client waited in the backlog"


def test_hundred_parallel_connections(board):
    def one(i):
        return request(board.port, b"GET /echo?i=%d HTTP/1.1\r\nConnection: close\r\n\r\n" % i,
                       timeout=30)
    with ThreadPoolExecutor(100) as pool:
        results = list(pool.map(one, range(100)))
    assert [json.loads(body)["args"]["i"] for status, _, body in results] == [str(i) for i in range(100)]


def test_two_hundred_slow_clients_do_not_lock_out_a_normal_one(board):
    base = board.get_json("/heap")["free"]
    stop = threading.Event()
    socks = []

    def slow_clients():
        for i in range(200):
            try:
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", board.port))
                socks.append(s)
            except OSError:
                pass
            if i % 20 == 0:
                time.sleep(0.01)
        time.sleep(0.5)
        for s in socks[:100]:                 # half: a partial request, then silence
            try:
                s.send(b"GET /echo HTTP/1.1\r\nHost: slow")
            except OSError:
                pass
        while not stop.is_set():              # half: a byte every 2 s
            for s in socks[100:]:
                try:
                    s.send(b"X")
                except OSError:
                    pass
            stop.wait(2)

    t = threading.Thread(target=slow_clients, daemon=True)
    t.start()
    time.sleep(1.5)
    try:
        status, took = timed_get(board.port)
        print(f"normal client served in {took:.2f} s beside 200 slow ones")
        assert status == 200 and took < 10, took
        assert board.get_json("/conns")["live"] <= 8
    finally:
        stop.set()
        t.join()
        for s in socks:
            s.close()
    time.sleep(4)                               # timeouts clean up what is left
    after = board.get_json("/heap")["free"]
    assert after > base - 4096, (base, after)
