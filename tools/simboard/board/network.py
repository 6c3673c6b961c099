"""Stand-in for the board's network module: WLAN over the simulator's world file.

The world file (JSON) lists access points, or is {"networks": [...], "stations": N,
"connect_ms": ms, "scan_ms": ms}; at every scan, connect and status check it is read
again if it changed."""
import json
import os
import time

_CHIP = os.getenv("SIM_CHIP")
_ESP32 = _CHIP == "esp32"
STA_IF = 0
AP_IF = 1
AUTH_OPEN = 0
AUTH_WEP = 1
AUTH_WPA_PSK = 2
AUTH_WPA2_PSK = 3
AUTH_WPA_WPA2_PSK = 4
AUTH_WPA2_ENTERPRISE = 5
AUTH_WPA3_PSK = 6
AUTH_WPA2_WPA3_PSK = 7
MODE_11B = 1
MODE_11G = 2
MODE_11N = 4
if _ESP32:
    STAT_IDLE = 1000
    STAT_CONNECTING = 1001
    STAT_GOT_IP = 1010
    STAT_BEACON_TIMEOUT = 200
    STAT_NO_AP_FOUND = 201
    STAT_WRONG_PASSWORD = 202
    STAT_ASSOC_FAIL = 203
    STAT_HANDSHAKE_TIMEOUT = 204
else:
    STAT_IDLE = 0
    STAT_CONNECTING = 1
    STAT_WRONG_PASSWORD = 2
    STAT_NO_AP_FOUND = 3
    STAT_CONNECT_FAIL = 4
    STAT_GOT_IP = 5
_AUTH = {"open": 0, "wep": 1, "wpa": 2, "wpa2": 3, "wpa/wpa2": 4, "wpa3": 6, "wpa2/wpa3": 7}
_AP_IP = ("172.217.28.1", "255.255.255.0", "172.217.28.1", "172.217.28.1")
_NO_IP = ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")
_WORLD = "/.sim/world.json"
_last_world = [{}, None, 0]     # the world, the file's (inode, size, mtime), when parsed (s)
_hostname = ["esp32" if _ESP32 else "esp8266"]


def _world():
    """The world file as a dict, parsed again only when the file may have changed (a
    board's status checks do not build its objects again); the last good copy while it
    is being rewritten. mtime counts whole seconds: a file changed in the second it was
    parsed is parsed again."""
    try:
        st = os.stat(_WORLD)
        key = (st[1], st[6], st[8])
        if key != _last_world[1] or st[8] >= _last_world[2]:
            with open(_WORLD) as f:
                w = json.load(f)
            _last_world[:] = [{"networks": w} if isinstance(w, list) else w, key, int(time.time())]
    except (OSError, ValueError):
        pass
    return _last_world[0]


def _mac(bssid):
    return bytes(int(x, 16) for x in bssid.split(":"))


def _find(ssid, bssid=None):
    """The strongest access point matching an SSID (or a BSSID), or None."""
    best = None
    for ap in _world().get("networks", ()):
        if bssid is not None:
            if _mac(ap["bssid"]) != bytes(bssid):
                continue
        elif ap.get("ssid") != ssid:
            continue
        if best is None or ap.get("rssi", -60) > best.get("rssi", -60):
            best = ap
    return best


def hostname(name=None):
    if name is None:
        return _hostname[0]
    _hostname[0] = name


def country(code=None):
    return "XX" if code is None else None


def phy_mode(mode=None):
    return MODE_11N if mode is None else None


class WLAN:
    _ifs = {}

    def __new__(cls, interface_id=STA_IF):
        if interface_id not in (STA_IF, AP_IF):
            raise ValueError("invalid WLAN interface identifier")
        obj = cls._ifs.get(interface_id)
        if obj is None:
            obj = cls._ifs[interface_id] = object.__new__(cls)
            obj._init(interface_id)
        return obj

    def __init__(self, interface_id=STA_IF):
        pass

    def _init(self, itf):
        self._if = itf
        self._active = False
        self._want = None      # (ssid, key, bssid) while a connection is requested
        self._ap = None        # the access point joined
        self._t0 = 0
        self._lost = False
        self._status = STAT_IDLE
        self._static = None
        uid = bytearray(bytes.fromhex(os.getenv("SIM_UID")))
        uid[5] = (uid[5] + itf) & 0xFF
        self._cfg = {"mac": bytes(uid), "reconnects": -1, "txpower": 20, "channel": 1,
                     "essid": ("ESP_%02X%02X%02X" % tuple(uid[3:])), "password": "",
                     "authmode": AUTH_OPEN, "hidden": False, "max_clients": 4,
                     "pm": 1}

    def __repr__(self):
        return "<WLAN %s>" % ("AP" if self._if else "STA")

    def active(self, state=None):
        if state is None:
            return self._active
        self._active = bool(state)
        if not state:
            self.disconnect()
        return None

    # station
    def connect(self, ssid=None, key=None, *, bssid=None):
        self._need_sta()
        self.disconnect()
        self._want = (ssid, key or "", bssid)
        self._status = STAT_CONNECTING
        self._t0 = time.ticks_ms()

    def disconnect(self):
        self._want = self._ap = None
        self._lost = False
        if self._if == STA_IF:
            self._status = STAT_IDLE

    def _need_sta(self):
        if self._if != STA_IF:
            raise OSError("STA required")
        if not self._active:
            raise OSError(-12295, "ESP_ERR_WIFI_NOT_STARTED") if _ESP32 else OSError("STA must be active")

    def _delay(self):
        return _world().get("connect_ms", 800)

    def _update(self):
        """Advance the station's state machine from the world file."""
        if self._want is None:
            return
        ssid, key, bssid = self._want
        if self._ap is not None:
            if _find(None, _mac(self._ap["bssid"])) is not None:
                return
            self._ap = None
            self._lost = True
            if self._cfg["reconnects"] == 0:
                self._want = None
                self._status = STAT_NO_AP_FOUND
                return
            self._status = STAT_CONNECTING
            self._t0 = time.ticks_ms()
            return
        if time.ticks_diff(time.ticks_ms(), self._t0) < self._delay():
            return
        ap = _find(ssid, bssid)
        if ap is None:
            if self._lost:
                self._t0 = time.ticks_ms()
                return
            self._want = None
            self._status = STAT_NO_AP_FOUND
        elif ap.get("auth", "open") != "open" and key != ap.get("password", ""):
            self._want = None
            self._status = STAT_WRONG_PASSWORD
        else:
            self._ap = ap
            self._lost = False
            self._status = STAT_GOT_IP

    def status(self, param=None):
        if param is None:
            if self._if == AP_IF:
                return STAT_IDLE
            self._update()
            return self._status
        if param == "rssi":
            self._update()
            if self._ap is None:
                raise OSError("not connected")
            ap = _find(None, _mac(self._ap["bssid"])) or self._ap
            return ap.get("rssi", -60)
        if param == "stations":
            if self._if != AP_IF:
                raise ValueError("AP required")
            n = _world().get("stations", 0) if self._active else 0
            return [(bytes((0x02, 0, 0, 0, 0, i + 1)),) for i in range(n)]
        raise ValueError("unknown status param")

    def isconnected(self):
        if self._if == AP_IF:
            return self._active and _world().get("stations", 0) > 0
        self._update()
        return self._ap is not None

    def scan(self):
        self._need_sta()
        w = _world()
        time.sleep_ms(w.get("scan_ms", 200))
        out = []
        for ap in w.get("networks", ()):
            hidden = bool(ap.get("hidden", False))
            out.append((b"" if hidden else ap.get("ssid", "").encode(), _mac(ap["bssid"]),
                        ap.get("channel", 1), ap.get("rssi", -60),
                        _AUTH.get(ap.get("auth", "open"), 0), hidden if _ESP32 else int(hidden)))
        return out

    def ifconfig(self, config=None):
        if config is not None:
            if config == "dhcp":
                self._static = None
            else:
                self._static = tuple(config)
            return None
        if self._if == AP_IF:
            return (self._static or _AP_IP) if self._active else _NO_IP
        self._update()
        if self._ap is None:
            return _NO_IP
        if self._static:
            return self._static
        ip = self._ap.get("ip", "127.0.0.1")
        return (ip, self._ap.get("netmask", "255.255.255.0"), self._ap.get("gateway", ip),
                self._ap.get("dns", ip))

    def config(self, *args, **kwargs):
        if kwargs:
            for k, v in kwargs.items():
                if k in ("ssid", "essid"):
                    k = "essid"
                elif k in ("hostname", "dhcp_hostname"):
                    hostname(v)
                    continue
                elif k == "key":
                    k = "password"
                elif k == "security":
                    k = "authmode"
                elif k not in self._cfg:
                    raise ValueError("unknown config param")
                self._cfg[k] = v
            return None
        if len(args) != 1:
            raise TypeError("can query only one param")
        k = args[0]
        if k in ("hostname", "dhcp_hostname"):
            return hostname()
        if k in ("ssid", "essid") and self._if == STA_IF:
            self._update()
            return self._ap.get("ssid", "") if self._ap else ""
        if k == "channel" and self._if == STA_IF and self._ap:
            return self._ap.get("channel", 1)
        if k == "security":
            k = "authmode"
        if k not in self._cfg:
            raise ValueError("unknown config param")
        return self._cfg[k]


# A board's WLAN objects and scan state live outside its GC heap: made here, at import,
# they are counted with the stand-ins, not the application.
WLAN(STA_IF)
WLAN(AP_IF)
_world()
