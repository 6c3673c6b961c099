# Test application for the HTTP core: echo, forms, streamed uploads, errors, assets.
import asyncio
import gc
import hashlib

# multipart is loaded now, while the heap is in one piece, as HTTPUpdateServer.setup()
# does: test_upload_memory streams uploads through this app at a 64K heap
from autoconnect import auth, multipart, status  # noqa: F401
from autoconnect.response import Response, redirect
from autoconnect.server import WebServer

server = WebServer(request_timeout_ms=3000, idle_timeout_ms=3000)
status.attach(server)


def route(path, methods=("GET",)):
    def deco(fn):
        server.on(path, fn, methods)
        return fn
    return deco


@route("/echo", ("GET", "POST", "PUT"))
async def echo(req):
    sha, size, buf = hashlib.sha256(), 0, bytearray(512)
    while True:
        n = await req.readinto(buf)
        if not n:
            break
        sha.update(memoryview(buf)[:n])
        size += n
    return {"method": req.method, "path": req.path, "query": req.query, "args": req.args,
            "headers": req.headers, "version": req.version, "len": size,
            "sha256": "".join("%02x" % x for x in sha.digest())}


@route("/form", ("POST",))
async def form(req):
    return await req.form()


@route("/upload", ("POST",))
async def upload(req):
    mp = req.multipart()
    parts = []
    gc.collect()
    base = peak = gc.mem_alloc()
    n = 0
    while True:
        part = await mp.next()
        if part is None:
            break
        sha, size, largest = hashlib.sha256(), 0, 0
        while True:
            chunk = await part.read()
            if not chunk:
                break
            sha.update(chunk)
            size += len(chunk)
            largest = max(largest, len(chunk))
            n += 1
            if n % 64 == 0:
                gc.collect()
                peak = max(peak, gc.mem_alloc())
        parts.append({"name": part.name, "filename": part.filename, "type": part.content_type,
                      "size": size, "largest": largest,
                      "sha256": "".join("%02x" % x for x in sha.digest())})
    return {"parts": parts, "heap_growth": peak - base}


@route("/go")
def go(req):
    return redirect("/echo?from=go")


@route("/boom")
def boom(req):
    raise ValueError("boom")


@route("/stream")
def stream(req):
    n = int(req.args.get("n", "100"))
    return Response("line %d\n" % i for i in range(n))


@route("/secret")
def secret(req):
    if not auth.check_basic(req, "admin", "s3cr3t"):
        return auth.challenge("AUTOCONNECT")
    return "welcome"


@route("/sleep")
async def sleep(req):
    await asyncio.sleep_ms(int(req.args.get("ms", "100")))
    return "slept"


@route("/meminfo")
def meminfo(req):
    import micropython
    gc.collect()
    micropython.mem_info(1)
    return "ok"


@route("/heap")
def heap(req):
    gc.collect()
    return {"free": gc.mem_free(), "alloc": gc.mem_alloc()}


@route("/conns")
def conns(req):
    return {"live": len([c for c in server.conns if c.task is not None]),
            "max": server.max_conns}


server.static("/asset.css", "/www/asset.css", "text/css")
asyncio.run(server.serve())
