"""WebServer: an HTTP/1.1 server on asyncio with bounded memory per connection.

Routes map exact (normalised, case-sensitive) paths to handlers. A handler takes
the Request and returns str/bytes (HTML), a dict or list (JSON), a tuple
(body, status[, headers]), a Response, or None (204); it may be `async def`."""
import asyncio
import socket
import sys
from time import ticks_diff, ticks_ms

from . import clock
from .conn import ClientGone, Conn, HTTPError, wait_read
from .request import read_request
from .response import TEXT, Response

_GEN = type((lambda: (yield))())
_BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def _default_conns():
    import os
    return 4 if os.uname().sysname == "esp8266" else 8


class WebServer:
    def __init__(self, port=80, max_conns=None, bufsize=1024, request_timeout_ms=10000,
                 idle_timeout_ms=10000, keepalive_max=100):
        self.port = port
        self.max_conns = max_conns or _default_conns()
        self.bufsize = bufsize
        self.request_timeout_ms = request_timeout_ms
        self.idle_timeout_ms = idle_timeout_ms
        self.keepalive_max = keepalive_max
        self.routes = {}
        self.not_found = None
        self.conns = []
        self._sock = None
        self._tasks = []

    def on(self, path, handler, methods=("GET",)):
        """Route requests for `path` with one of `methods` to handler(request)."""
        self.routes[path] = (handler, tuple(methods))

    def route(self, path, methods=("GET",)):
        """Decorator form of on()."""
        def deco(fn):
            self.on(path, fn, methods)
            return fn
        return deco

    def static(self, path, filename, content_type, max_age=86400):
        """Serve a file; its gzipped twin `filename.gz` when the client accepts gzip."""
        def handler(req):
            gz = "gzip" in req.headers.get("accept-encoding", "")
            try:
                return Response.file(filename + ".gz", content_type, True, max_age) if gz \
                    else Response.file(filename, content_type, False, max_age)
            except OSError:
                if gz:
                    return Response.file(filename, content_type, False, max_age)
                raise HTTPError(404)
        self.on(path, handler)

    async def start(self):
        """Listen and serve in background tasks."""
        ai = socket.getaddrinfo("0.0.0.0", self.port)[0][-1]
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(ai)
        s.listen(16)
        s.setblocking(False)
        self._sock = s
        self._tasks = [asyncio.create_task(self._accept()), asyncio.create_task(self._sweep())]

    async def serve(self):
        """Serve until stop() is called."""
        await self.start()
        try:
            await self._tasks[0]
        except asyncio.CancelledError:
            pass

    def stop(self):
        """Close the listener and every connection."""
        for t in self._tasks:
            t.cancel()
        for c in self.conns:
            self._drop(c)
        if self._sock:
            self._sock.close()
            self._sock = None

    async def _accept(self):
        s = self._sock
        while True:
            await wait_read(s)
            try:
                cs, peer = s.accept()
            except OSError:
                continue
            cs.setblocking(False)
            conn = Conn(cs, peer, self.bufsize)
            if self._admit(conn):
                conn.task = asyncio.create_task(self._serve(conn))

    def _admit(self, conn):
        """Make room at the cap: evict the longest-waiting idle connection; when every
        connection is busy, admit up to twice the cap, then answer 503."""
        live = [c for c in self.conns if c.task is not None]
        if len(live) >= self.max_conns:
            idle = [c for c in live if not c.busy]
            if idle:
                self._drop(min(idle, key=lambda c: ticks_diff(c.t0, conn.t0)))
            elif len(live) >= 2 * self.max_conns:
                try:
                    conn.sock.write(_BUSY)
                except OSError:
                    pass
                conn.close()
                return False
        self.conns.append(conn)
        return True

    def _drop(self, conn):
        if conn.task is not None:
            conn.task.cancel()
            conn.task = None

    async def _sweep(self):
        """Close connections idle beyond their timeouts."""
        while True:
            await asyncio.sleep_ms(250)
            clock.uptime_ms()
            now = ticks_ms()
            for c in self.conns:
                if not c.busy:
                    late = ticks_diff(now, c.t0) > self.request_timeout_ms
                else:
                    late = c.since is not None and ticks_diff(now, c.since) > self.idle_timeout_ms
                if late:
                    self._drop(c)

    async def _serve(self, conn):
        try:
            served = 0
            while True:
                conn.busy = False
                conn.t0 = ticks_ms()
                req = await read_request(conn)
                if req is None:
                    break
                conn.busy = True
                served += 1
                keep = req.keep_alive() and served < self.keepalive_max
                resp, keep = await self._respond(req, keep)
                keep = await resp.send(conn, req.method == "HEAD", req.version, keep)
                if not keep or not await req.discard():
                    break
        except HTTPError as e:
            try:
                await Response.error(e.status, e.reason).send(conn, False, "HTTP/1.1", False)
            except Exception:
                pass
        except (OSError, ClientGone):
            pass
        finally:
            conn.close()
            conn.task = None
            self.conns.remove(conn)

    async def _respond(self, req, keep):
        """(Response, keep-alive) for a request; a failing handler answers 500."""
        try:
            return _coerce(await self._dispatch(req)), keep
        except ClientGone:
            raise
        except HTTPError as e:
            return Response.error(e.status, e.reason), False
        except Exception as e:
            sys.print_exception(e)
            return Response.error(500), False

    async def _dispatch(self, req):
        route = self.routes.get(req.path)
        if route is None:
            if self.not_found is None:
                return Response.error(404)
            handler = self.not_found
        else:
            handler, methods = route
            if req.method not in methods and not (req.method == "HEAD" and "GET" in methods):
                allow = ", ".join(methods + (("HEAD",) if "GET" in methods else ()))
                return Response("Method Not Allowed", 405, {"Allow": allow}, TEXT)
        res = handler(req)
        if type(res) is _GEN:
            res = await res
        return res


def _coerce(res):
    if isinstance(res, Response):
        return res
    if res is None:
        return Response(b"", 204, None, None)
    if isinstance(res, (str, bytes)):
        return Response(res)
    if isinstance(res, (dict, list)):
        return Response.json(res)
    if isinstance(res, tuple):
        body, status = res[0], res[1]
        r = _coerce(body)
        r.status = status
        if len(res) > 2:
            r.headers.update(res[2])
        return r
    raise TypeError("handler returned %r" % type(res))
