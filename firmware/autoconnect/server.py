"""WebServer: an HTTP/1.1 server on asyncio with bounded memory per connection.

Routes map exact paths (normalised: escapes decoded, dot segments resolved;
case-sensitive) to handler(request), or to a module loaded for the request (its
handle(request)); route(path) looks them up, and an application may replace it. A
handler returns str/bytes (HTML), a dict or list (JSON), a tuple (body, status[,
headers]), a Response, or None (204); it may be `async def`. A handler that raises
answers 500; the server keeps running.

Connections: at most max_conns at once (8 on an ESP32, 1 on an ESP8266); when full,
the longest-waiting idle one (idle for at least evict_grace_ms) is evicted for a new
client, else new clients wait in the listen backlog. A connection waiting
request_timeout_ms for a whole request, or idle_timeout_ms on a socket read or write
inside a handler, is closed. The max_conns buffers of bufsize bytes are allocated when
the server starts and recycled from connection to connection."""
import asyncio
import gc
import socket
import sys
from time import ticks_diff, ticks_ms

from micropython import const

from .request import HTTPError, Request, _ready
from .response import TEXT, Response

_GEN = type((lambda: (yield))())
_SMALL = const(32768)       # free bytes under which connections and requests start tidy
_up = [ticks_ms(), 0]


def uptime_ms():
    """Milliseconds since the server module loaded; correct across ticks_ms() wrapping
    (the server calls it every 250 ms)."""
    now = ticks_ms()
    _up[1] += ticks_diff(now, _up[0])  # type: ignore[call-overload]  # _up: [ticks, ms]
    _up[0] = now
    return _up[1]


class WebServer:
    def __init__(self, port=80, max_conns=None, bufsize=1024, request_timeout_ms=10000,
                 idle_timeout_ms=10000, keepalive_max=100, evict_grace_ms=200, backlog=16):
        if max_conns is None:
            import os
            max_conns = 1 if os.uname().sysname == "esp8266" else 8
        self.port = port
        self.max_conns = max_conns
        self.bufsize = bufsize
        self.request_timeout_ms = request_timeout_ms
        self.idle_timeout_ms = idle_timeout_ms
        self.keepalive_max = keepalive_max
        self.evict_grace_ms = evict_grace_ms
        self.backlog = backlog
        self.routes = {}
        self.not_found = None
        self.before = None      # before(request): a Response to answer instead, or None
        self.app = None         # what handlers find as request.app
        self.conns = []
        self._pool = []
        self._sock = None
        self._tasks = ()

    def on(self, path, handler, methods=("GET",)):
        """Route requests for path with one of methods (HEAD goes with GET) to handler:
        a function, or the name of a module whose handle(request) serves it; such a
        module (and what it imports) is loaded for the request and unloaded after it."""
        self.routes[path] = (handler, tuple(methods))

    def route(self, path):
        """(handler, methods) serving path, or None (an application may replace it)."""
        return self.routes.get(path)

    def static(self, path, filename, content_type, max_age=86400):
        """Serve a file, or its gzipped twin filename + '.gz' to clients accepting gzip."""
        def handler(req):
            from .static import serve
            return serve(req, filename, content_type, max_age)
        self.on(path, handler)

    async def start(self):
        """Listen and serve in background tasks."""
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(socket.getaddrinfo("0.0.0.0", self.port)[0][-1])
        s.listen(self.backlog)
        s.setblocking(False)
        if not self._pool:                  # one buffer per connection, allocated early
            from . import buffers
            self._pool = buffers(self.max_conns, self.bufsize)
        self._sock = s
        self._tasks = (asyncio.create_task(self._accept()), asyncio.create_task(self._sweep()))

    async def serve(self):
        """Serve until stop()."""
        await self.start()
        try:
            await self._tasks[0]  # type: ignore[misc]  # () until start()
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

    def _drop(self, c):
        if c.task:
            c.task.cancel()
            c.task = None

    async def _accept(self):
        s = self._sock
        while True:
            await _ready(s, False)
            while not self._pool:           # at the cap: evict an idle one, or wait
                self._evict()
                await asyncio.sleep_ms(20)
            try:
                cs, peer = s.accept()
            except OSError:
                continue
            cs.setblocking(False)
            try:                            # no Nagle wait between a response's pieces
                cs.setsockopt(getattr(socket, "IPPROTO_TCP", 6),     # (the unix port names
                              getattr(socket, "TCP_NODELAY", 1), 1)  # neither constant)
            except OSError:
                pass
            if gc.mem_free() < _SMALL:      # the connection's objects from a tidy heap,
                gc.collect()                # whatever the last one left
            try:
                c = Request(cs, peer, self._pool.pop())
                self.conns.append(c)
                c.task = asyncio.create_task(self._serve(c))
            except MemoryError:             # no room for this client now: drop it, go on
                cs.close()
                gc.collect()
                continue
            await asyncio.sleep_ms(0)       # let it read its request before the next accept

    def _evict(self):
        """Drop the longest-waiting idle connection (idle at least evict_grace_ms)."""
        now = ticks_ms()
        victim = None
        for c in self.conns:
            if c.task and not c.busy and ticks_diff(now, c.t0) >= self.evict_grace_ms and (
                    victim is None or ticks_diff(c.t0, victim.t0) < 0):
                victim = c
        if victim:
            self._drop(victim)

    async def _sweep(self):
        while True:
            await asyncio.sleep_ms(250)
            now = ticks_ms()
            uptime_ms()
            for c in self.conns:
                if (ticks_diff(now, c.t0) > self.request_timeout_ms if not c.busy else
                        c.since is not None and ticks_diff(now, c.since) > self.idle_timeout_ms):
                    self._drop(c)

    async def _serve(self, c):
        try:
            served = 0
            while True:
                c.busy = False
                c.t0 = ticks_ms()
                if not await c.head():
                    break
                c.busy = True
                served += 1
                if gc.mem_free() < _SMALL:  # each request from a tidy heap
                    gc.collect()
                conn = c.headers.get("connection", "").lower()
                keep = served < self.keepalive_max and (
                    conn == "keep-alive" if c.version == "HTTP/1.0" else conn != "close")
                try:
                    res = _coerce(await self._dispatch(c))
                except HTTPError as e:
                    res, keep = Response(e.args[1] or str(e.args[0]), e.args[0], None, TEXT), False
                except EOFError:
                    raise
                except Exception as e:
                    sys.print_exception(e)
                    res, keep = Response("Internal Server Error", 500, None, TEXT), False
                if not await res.send(c, keep) or not await c.discard():
                    break
        except HTTPError as e:
            try:
                c.method, c.version = "GET", "HTTP/1.1"
                await Response(e.args[1] or str(e.args[0]), e.args[0], None, TEXT).send(c, False)
            except Exception:
                pass
        except (OSError, EOFError):
            pass
        finally:
            c.sock.close()
            c.task = None
            self.conns.remove(c)
            self._pool.append(c.buf)

    async def _dispatch(self, req):
        req.app = self.app
        route = self.route(req.path)
        if route is None:
            if self.not_found is None:
                return Response("Not Found", 404, None, TEXT)
            handler = self.not_found
        else:
            handler, methods = route
            if req.method not in methods and not (req.method == "HEAD" and "GET" in methods):
                allow = ", ".join(methods + (("HEAD",) if "GET" in methods else ()))
                return Response("Method Not Allowed", 405, {"Allow": allow}, TEXT)
        if self.before:
            res = self.before(req)
            if res is not None:
                return res
        if isinstance(handler, str):
            had = list(sys.modules)
            try:
                res = __import__(handler, None, None, [handler]).handle(req)
                if type(res) is _GEN:
                    res = await res  # type: ignore[misc]  # mypy takes _GEN for None
            finally:                        # what the handler loaded goes again
                from . import unload
                unload(*[m for m in sys.modules if m not in had])
            return res
        res = handler(req)
        if type(res) is _GEN:
            res = await res  # type: ignore[misc]  # mypy takes _GEN for None
        return res


def _coerce(res):
    if isinstance(res, Response):
        return res
    if res is None:
        return Response(b"", 204, None, None)
    if isinstance(res, (str, bytes)):
        return Response(res)
    if isinstance(res, (dict, list)):
        import json
        return Response(json.dumps(res), 200, None, "application/json")
    if isinstance(res, tuple):
        r = _coerce(res[0])
        r.status = res[1]
        if len(res) > 2:
            r.headers.update(res[2])
        return r
    raise TypeError("bad handler result")
