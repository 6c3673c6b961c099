# Test application: exposes the simulated board's network, machine and socket stand-ins.
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
    esp.flash_erase(off // 4096)
    esp.flash_write(off, b"\x0f\x0f\xff\xff")
    esp.flash_write(off, b"\xff\x00\xff\x0f")
    return list(esp.flash_read(off, 4))


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
                 ("/esp_flash", esp_flash), ("/wdt", wdt), ("/reset", reset), ("/note", note)):
    server.on(path, fn)
asyncio.run(server.serve())
