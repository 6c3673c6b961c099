# Test application: drives the simulated board's stand-ins (network, machine, socket, esp,
# esp32.Partition) from HTTP requests.
import asyncio
import hashlib
import os
import socket
import time

import esp
import machine
import network
from autoconnect import status
from autoconnect.server import WebServer

server = WebServer()
status.attach(server)
sta = network.WLAN(network.STA_IF)
ap = network.WLAN(network.AP_IF)


def label(p):
    return p.info()[4] if p else None


async def flash(req):
    """Stream the raw body into the next OTA slot; set_boot when ?boot=1."""
    from esp32 import Partition
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
    from esp32 import Partition
    try:
        Partition.mark_app_valid_cancel_rollback()
        return {"ok": True}
    except OSError as e:
        return {"ok": False, "error": str(e)}


def info(req):
    from esp32 import Partition
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
    from esp32 import Partition
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


def scan(req):
    sta.active(True)
    return [[s.decode(), b.hex(), ch, rssi, auth, bool(hidden)]
            for s, b, ch, rssi, auth, hidden in sta.scan()]


def connect(req):
    sta.active(True)
    a = req.args
    bssid = bytes.fromhex(a["bssid"]) if "bssid" in a else None
    sta.connect(a.get("ssid"), a.get("key", ""), bssid=bssid)
    seen = []
    t = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t) < 5000:
        st = sta.status()
        if not seen or seen[-1] != st:
            seen.append(st)
        if st != network.STAT_CONNECTING:
            break
        time.sleep_ms(50)
    return {"statuses": seen, "ms": time.ticks_diff(time.ticks_ms(), t)}


def wlan(req):
    out = {"status": sta.status(), "connected": sta.isconnected(), "ifconfig": sta.ifconfig(),
           "essid": sta.config("essid"), "mac": sta.config("mac").hex(),
           "hostname": network.hostname(), "ap_active": ap.active(),
           "ap_ifconfig": ap.ifconfig(), "ap_connected": ap.isconnected(),
           "stations": len(ap.status("stations")) if ap.active() else None,
           "consts": [network.STAT_IDLE, network.STAT_CONNECTING, network.STAT_GOT_IP,
                      network.STAT_WRONG_PASSWORD, network.STAT_NO_AP_FOUND]}
    if sta.isconnected():
        out["rssi"] = sta.status("rssi")
        out["channel"] = sta.config("channel")
    return out


def set_ap(req):
    ap.active(req.args.get("on") == "1")
    ap.config(essid="esp32ap", password="12345678", authmode=network.AUTH_WPA2_PSK)
    return {"essid": ap.config("essid")}


def sta_off(req):
    sta.disconnect()
    sta.active(False)
    return "off"


def outgoing(req):
    try:
        addr = socket.getaddrinfo(req.args["host"], int(req.args["port"]))[0][-1]
        s = socket.socket()
        s.connect(addr)
        s.close()
        return "connected"
    except OSError as e:
        return "refused: %s" % e


def modules(req):
    try:
        import esp32
        has_esp32 = True
    except ImportError:
        has_esp32 = False
    return {"esp32": has_esp32, "md5": hasattr(hashlib, "md5"), "sha256": hasattr(hashlib, "sha256"),
            "sysname": os.uname().sysname, "machine": os.uname().machine,
            "flash_size": esp.flash_size(), "user_start": esp.flash_user_start(),
            "freq": machine.freq(), "uid": machine.unique_id().hex(),
            "reset_cause": machine.reset_cause(), "files": sorted(os.listdir("/"))}


def esp_flash(req):
    off = esp.flash_user_start() + 8192
    if req.args.get("again"):                       # after a reboot: the same bytes
        esp.flash_write(off, b"\xf0\xff\xff\xff")
        return list(esp.flash_read(off, 4))
    esp.flash_erase(off // 4096)
    esp.flash_erase(off // 4096 + 1)
    esp.flash_write(off, b"\x0f\x0f\xff\xff")
    esp.flash_write(off, b"\xff\x00\xff\x0f")      # bits only cleared
    esp.flash_write(off + 4, b"\x12\x34\x56\x78")  # the erased rest of the sector
    esp.flash_write(off, b"\xff\xff\xff\xff")      # below what was written last
    esp.flash_write(off + 4, b"\xf0\xf0\xff\xff")
    esp.flash_write(off + 4092, b"\x0f" * 8)         # across two sectors
    esp.flash_write(off + 4096, b"\xf0" * 4)
    return list(esp.flash_read(off, 8)) + list(esp.flash_read(off + 4092, 8))


def wdt(req):
    machine.WDT(timeout=int(req.args.get("ms", "1000")))
    return "armed"


async def _reset_soon():
    await asyncio.sleep_ms(100)
    machine.reset()


def reset(req):
    asyncio.create_task(_reset_soon())
    return "resetting"


def note(req):
    with open("/note.txt", "w") as f:
        f.write(req.args.get("text", ""))
    return "saved"


for path, fn in (("/scan", scan), ("/connect", connect), ("/wlan", wlan), ("/ap", set_ap),
                 ("/sta_off", sta_off), ("/outgoing", outgoing), ("/modules", modules),
                 ("/esp_flash", esp_flash), ("/wdt", wdt), ("/reset", reset), ("/note", note),
                 ("/info", info)):
    server.on(path, fn)
for path, fn in (("/flash", flash), ("/confirm", confirm), ("/reset", reset),
                 ("/semantics", semantics)):
    server.on(path, fn, ("GET", "POST"))
asyncio.run(server.serve())
