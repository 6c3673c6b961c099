"""AutoConnectConfig: AutoConnect's settings, snake_case, same defaults and units."""
from . import (AC_AUTH_NONE, AC_AUTHSCOPE_AUX, AC_MENUITEM_CONFIGNEW, AC_MENUITEM_DISCONNECT,
               AC_MENUITEM_HOME, AC_MENUITEM_OPENSSIDS, AC_MENUITEM_RESET, AC_MENUITEM_UPDATE,
               AC_ONBOOTURI_ROOT, AC_OTA_EXTRA, AC_PRINCIPLE_RECENT, AC_SAVECREDENTIAL_AUTO)


class AutoConnectConfig:
    """Every field of AutoConnect's AutoConnectConfig; unknown names raise TypeError.

    Durations follow AutoConnect: portal_timeout and begin_timeout in ms,
    reconnect_interval in units of 30 s, uptime in s. Added here: ap_grace_ms (how
    long the soft AP stays up after a portal connection), labels (dict overriding
    page and menu texts), max_credentials and credential_file."""
    apid = None                 # "esp32ap" / "esp8266ap"
    psk = "12345678"
    apip = "172.217.28.1"
    gateway = "172.217.28.1"
    netmask = "255.255.255.0"
    channel = 1
    hidden = 0
    min_rssi = -120
    auto_save = AC_SAVECREDENTIAL_AUTO
    boot_uri = AC_ONBOOTURI_ROOT
    principle = AC_PRINCIPLE_RECENT
    boundary_offset = 0
    uptime = 30
    auto_rise = True
    auto_reset = True
    auto_reconnect = False
    immediate_start = False
    retain_portal = False
    preserve_ap_mode = False
    preserve_ip = False
    begin_timeout = 30000
    portal_timeout = 0
    menu_items = (AC_MENUITEM_CONFIGNEW | AC_MENUITEM_OPENSSIDS | AC_MENUITEM_DISCONNECT
                  | AC_MENUITEM_RESET | AC_MENUITEM_HOME | AC_MENUITEM_UPDATE)
    reconnect_interval = 0
    ticker = False
    ticker_port = 2
    ticker_on = None            # 1 on ESP32, 0 on ESP8266
    auth = AC_AUTH_NONE
    auth_scope = AC_AUTHSCOPE_AUX
    username = ""
    password = ""
    host_name = ""
    home_uri = "/"
    title = "AutoConnect"
    staip = "0.0.0.0"
    sta_gateway = "0.0.0.0"
    sta_netmask = "0.0.0.0"
    dns1 = "0.0.0.0"
    dns2 = "0.0.0.0"
    ota = AC_OTA_EXTRA
    ota_extra_caption = None
    ap_grace_ms = 30000
    labels = None
    max_credentials = 8
    credential_file = "/ac_credt.json"

    def __init__(self, apid=None, psk=None, portal_timeout=0, channel=1, **fields):
        import os
        esp8266 = os.uname().sysname == "esp8266"
        self.apid = apid or ("esp8266ap" if esp8266 else "esp32ap")
        if psk is not None:
            self.psk = psk
        self.portal_timeout = portal_timeout
        self.channel = channel
        self.ticker_on = 0 if esp8266 else 1
        self.labels = {}
        for k, v in fields.items():
            if not hasattr(AutoConnectConfig, k) or k[0] == "_":
                raise TypeError("AutoConnectConfig has no field '%s'" % k)
            setattr(self, k, v)
