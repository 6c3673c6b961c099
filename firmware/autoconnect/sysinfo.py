"""What the board is and runs: chip, application version, partition, network state."""
import os

APP_VERSION_FILE = "/.version"      # written when an application bundle is installed


def chip():
    """'esp32' or 'esp8266' (os.uname().sysname; ESP32 variants report 'esp32')."""
    return os.uname().sysname


def running_partition():
    """The running app partition (esp32.Partition), or None without OTA slots."""
    if chip() != "esp32":
        return None
    from esp32 import Partition  # type: ignore[import-not-found]  # ESP32 only: chip() above
    try:
        return Partition(Partition.RUNNING)  # type: ignore[arg-type]  # stubs: id may be RUNNING
    except (OSError, ValueError):
        return None


def app_version():
    """The running application's version: the app descriptor of the running slot
    (ESP32), else the installed bundle's version."""
    part = running_partition()
    if part is not None:
        head = bytearray(80)
        part.readblocks(0, head)
        if head[32:36] == b"\x32\x54\xcd\xab":
            return str(bytes(head[48:80]).split(b"\0", 1)[0], "utf-8")
    try:
        with open(APP_VERSION_FILE) as f:
            return f.read().strip()
    except OSError:
        return None


def wifi():
    """(mode, ssid, station ip, soft-AP ip) from the network interfaces."""
    import network
    sta = network.WLAN(network.STA_IF)
    ap = network.WLAN(network.AP_IF)
    on_sta, on_ap = sta.active(), ap.active()
    mode = ("AP_STA" if on_ap else "STA") if on_sta else ("AP" if on_ap else "OFF")
    linked = on_sta and sta.isconnected()
    return (mode, sta.config("essid") if linked else None, sta.ifconfig()[0] if linked else None,
            ap.ifconfig()[0] if on_ap else None)
