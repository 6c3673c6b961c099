"""AutoConnectConfig: AutoConnect's settings, snake_case, with its defaults and units."""

# field=default; T/F: True/False, N: None, digits: int; apid and ticker_on depend on the chip
_DEFAULTS = (";apid=;psk=12345678;apip=172.217.28.1;gateway=172.217.28.1;netmask=255.255.255.0"
             ";channel=1;hidden=0;min_rssi=-120;auto_save=1;boot_uri=0;principle=0"
             ";boundary_offset=0;uptime=30;auto_rise=T;auto_reset=T;auto_reconnect=F"
             ";immediate_start=F;retain_portal=F;preserve_ap_mode=F;preserve_ip=F"
             ";begin_timeout=30000;portal_timeout=0;menu_items=63;reconnect_interval=0;ticker=F"
             ";ticker_port=2;ticker_on=;auth=0;auth_scope=2;username=;password=;host_name="
             ";home_uri=/;title=AutoConnect;staip=0.0.0.0;sta_gateway=0.0.0.0"
             ";sta_netmask=0.0.0.0;dns1=0.0.0.0;dns2=0.0.0.0;ota=0;ota_extra_caption=N"
             ";ap_grace_ms=30000;labels=N;max_credentials=8;credential_file=/ac_credt.json"
             ";upload_dir=/uploads;")


def _default(name):
    i = _DEFAULTS.find(";%s=" % name)
    if i < 0 or name[0] == "_":
        raise AttributeError(name)
    i += len(name) + 2
    v = _DEFAULTS[i:_DEFAULTS.find(";", i)]
    if name == "apid" or name == "ticker_on":
        import os
        esp8266 = os.uname().sysname == "esp8266"
        return ("esp8266ap" if esp8266 else "esp32ap") if name == "apid" else int(not esp8266)
    if v == "T" or v == "F" or v == "N":
        return {"T": True, "F": False, "N": None}[v]
    return int(v) if v.lstrip("-").isdigit() else v


class AutoConnectConfig:
    """Every field of AutoConnect's AutoConnectConfig, snake_case, same defaults; a
    field name it does not have raises TypeError. Durations follow AutoConnect:
    portal_timeout and begin_timeout in ms, reconnect_interval in units of 30 s,
    uptime in s. Added here: ap_grace_ms (how long the soft AP stays up after a
    portal connection, default 30000), labels (a dict overriding page and menu texts
    by AutoConnect's label names), max_credentials (8), credential_file and
    upload_dir (where ACFile uploads go, "/uploads")."""

    def __init__(self, apid=None, psk=None, portal_timeout=0, channel=1, **fields):
        if apid is not None:
            self.apid = apid
        if psk is not None:
            self.psk = psk
        self.portal_timeout = portal_timeout
        self.channel = channel
        for k, v in fields.items():
            try:
                _default(k)
            except AttributeError:
                raise TypeError("AutoConnectConfig has no field '%s'" % k)
            setattr(self, k, v)

    def __getattr__(self, name):
        return _default(name)
