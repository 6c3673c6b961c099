"""GET /_ac/status: the board's state as JSON."""
import gc

from . import sysinfo
from .server import uptime_ms


def info(portal=False):
    mode, ssid, ip, ap_ip = sysinfo.wifi()
    part = sysinfo.running_partition()
    gc.collect()
    return {"version": sysinfo.app_version(), "partition": part.info()[4] if part else None,
            "mode": mode, "ssid": ssid, "ip": ip, "ap_ip": ap_ip, "portal": portal,
            "free_heap": gc.mem_free(), "uptime_s": uptime_ms() // 1000,
            "chip": sysinfo.chip()}


def attach(server, portal=lambda: False):
    """Route /_ac/status on a WebServer; portal() tells whether the captive portal is up."""
    server.on("/_ac/status", lambda req: info(portal()))
