# Test application: drives esp32.Partition, machine and network from HTTP requests.
import asyncio
import gc
import json

import esp32
import machine
from autoconnect import status
from autoconnect.server import WebServer

server = WebServer()
status.attach(server)
Partition = esp32.Partition


def label(p):
    return p.info()[4] if p else None


async def flash(req):
    """Stream the raw body into the next OTA slot; set_boot when ?boot=1."""
    nxt = Partition(Partition.RUNNING).get_next_update()
    buf = bytearray(4096)
    mv = memoryview(buf)
    block = fill = 0
    while True:
        n = await req.readinto(mv[fill:])
        if n:
            fill += n
        if fill == 4096 or (not n and fill):
            for i in range(fill, 4096):
                buf[i] = 0xFF
            nxt.writeblocks(block, buf)
            block += 1
            fill = 0
        if not n:
            break
    if req.args.get("boot") == "1":
        try:
            nxt.set_boot()
        except OSError as e:
            return {"ok": False, "error": str(e), "slot": label(nxt)}
    return {"ok": True, "slot": label(nxt), "blocks": block}


def confirm(req):
    try:
        Partition.mark_app_valid_cancel_rollback()
        return {"ok": True}
    except OSError as e:
        return {"ok": False, "error": str(e)}


async def _reset_soon():
    await asyncio.sleep_ms(100)
    machine.reset()


def reset(req):
    asyncio.create_task(_reset_soon())
    return "resetting"


def info(req):
    run = Partition(Partition.RUNNING)
    try:
        nxt = label(run.get_next_update())
    except OSError as e:
        nxt = str(e)
    return {"running": label(run), "boot": label(Partition(Partition.BOOT)), "next": nxt,
            "apps": [p.info() for p in Partition.find(Partition.TYPE_APP)],
            "data": [p.info() for p in Partition.find(Partition.TYPE_DATA)],
            "vfs": [p.info() for p in Partition.find(Partition.TYPE_DATA, label="vfs")],
            "blocks": run.ioctl(4, 0), "block_size": run.ioctl(5, 0),
            "reset_cause": machine.reset_cause(), "uid": machine.unique_id().hex()}


def semantics(req):
    """Erase and write semantics of the simulated flash, on the spare slot."""
    p = Partition(Partition.RUNNING).get_next_update()
    out = {}
    b = bytearray(4096)
    p.ioctl(6, 10)                                   # erase block 10
    p.readblocks(10, b)
    out["erased_ff"] = b == bytearray(b"\xff" * 4096)
    p.writeblocks(10, b"\x0f\xf0\x55\xaa", 100)      # 3-arg: write at offset, no erase
    p.writeblocks(10, b"\xff\xff\xff\x00", 100)      # bits can only be cleared
    r = bytearray(4)
    p.readblocks(10, r, 100)
    out["and_semantics"] = list(r)
    p.writeblocks(10, bytearray(b"\x12" * 4096))     # 2-arg: erase, then write
    p.readblocks(10, r, 100)
    out["two_arg_erases"] = list(r)
    try:
        p.writeblocks(10, b"short")                  # 2-arg erase needs whole sectors
        out["partial_erase"] = "accepted"
    except OSError as e:
        out["partial_erase"] = str(e)
    try:
        p.readblocks(p.ioctl(4, 0), r)
        out["out_of_range"] = "accepted"
    except OSError as e:
        out["out_of_range"] = str(e)
    return out


def wdt(req):
    machine.WDT(timeout=int(req.args.get("ms", "1000")))
    return "armed"


server.on("/flash", flash, ("POST",))
server.on("/confirm", confirm, ("POST",))
server.on("/reset", reset, ("POST",))
server.on("/info", info)
server.on("/semantics", semantics, ("POST",))
server.on("/wdt", wdt, ("POST",))
asyncio.run(server.serve())
