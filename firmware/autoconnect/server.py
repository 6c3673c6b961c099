"""WebServer: an HTTP/1.1 server on asyncio with bounded memory per connection.

Routes map exact paths (normalised: escapes decoded, dot segments resolved;
case-sensitive) to handler(request). A handler returns str/bytes (HTML), a dict
or list (JSON), a tuple (body, status[, headers]), a Response, or None (204); it
may be `async def`. A handler that raises answers 500; the server keeps running.

Connections: at most max_conns at once; when full, the longest-waiting idle one
(idle for at least evict_grace_ms) is evicted for a new client, else new clients
wait in the listen backlog. A connection waiting request_timeout_ms for a whole
request, or idle_timeout_ms on a socket read or write inside a handler, is closed."""
import asyncio
import socket
import sys
from time import ticks_diff, ticks_ms

from . import clock
from .request import HTTPError, Request, _ready
from .response import TEXT, Response

_GEN = type((lambda: (yield))())


class WebServer:
    def __init__(self, port=80, max_conns=None, bufsize=1024, request_timeout_ms=10000,
                 idle_timeout_ms=10000, keepalive_max=100, evict_grace_ms=200, backlog=16):
        if max_conns is None:
            import os
            max_conns = 4 if os.uname().sysname == "esp8266" else 8
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
        self.conns = []
        self._sock = None
        self._tasks = ()

    def on(self, path, handler, methods=("GET",)):
        """Route requests for path with one of methods (HEAD goes with GET) to handler."""
        self.routes[path] = (handler, tuple(methods))

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
        self._sock = s
        self._tasks = (asyncio.create_task(self._accept()), asyncio.create_task(self._sweep()))

    async def serve(self):
        """Serve until stop()."""
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

    def _drop(self, c):
        if c.task:
            c.task.cancel()
            c.task = None

    async def _accept(self):
        s = self._sock
        while True:
            await _ready(s, False)
            while not self._room():
                await asyncio.sleep_ms(50)
            try:
                cs, peer = s.accept()
            except OSError:
                continue
            cs.setblocking(False)
            c = Request(cs, peer, self.bufsize)
            self.conns.append(c)
            c.task = asyncio.create_task(self._serve(c))
            await asyncio.sleep_ms(0)       # let it read its request before the next accept

    def _room(self):
        """Whether a client may be accepted now, evicting an idle connection if needed."""
        live = [c for c in self.conns if c.task]
        if len(live) < self.max_conns:
            return True
        now = ticks_ms()
        victim = None
        for c in live:
            if not c.busy and ticks_diff(now, c.t0) >= self.evict_grace_ms and (
                    victim is None or ticks_diff(c.t0, victim.t0) < 0):
                victim = c
        if victim:
            self._drop(victim)
        return victim is not None

    async def _sweep(self):
        while True:
            await asyncio.sleep_ms(250)
            now = ticks_ms()
            clock.uptime_ms()
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
                keep = c.keep_alive() and served < self.keepalive_max
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

    async def _dispatch(self, req):
        route = self.routes.get(req.path)
        if route is None:
            if self.not_found is None:
                return Response("Not Found", 404, None, TEXT)
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
        import json
        return Response(json.dumps(res), 200, None, "application/json")
    if isinstance(res, tuple):
        r = _coerce(res[0])
        r.status = res[1]
        if len(res) > 2:
            r.headers.update(res[2])
        return r
    raise TypeError("bad handler result")
