"""AutoConnect for MicroPython: Wi-Fi provisioning portal, custom pages and OTA updates.

Classes load on first use (module __getattr__), so importing a constant costs little."""
__version__ = "0.2.0"

# portal_status() bits
AC_ESTABLISHED = 0x01
AC_AUTORECONNECT = 0x02
AC_TIMEOUT = 0x04
AC_INTERRUPT = 0x08
AC_CAPTIVEPORTAL = 0x40
AC_INPROGRESS = 0x80
# menu items
AC_MENUITEM_NONE = 0x00
AC_MENUITEM_CONFIGNEW = 0x01
AC_MENUITEM_OPENSSIDS = 0x02
AC_MENUITEM_DISCONNECT = 0x04
AC_MENUITEM_RESET = 0x08
AC_MENUITEM_HOME = 0x10
AC_MENUITEM_UPDATE = 0x20
AC_MENUITEM_DEVINFO = 0x40
AC_MENUITEM_DELETESSID = 0x80
# credential saving, boot URI, AP choice
AC_SAVECREDENTIAL_NEVER = 0
AC_SAVECREDENTIAL_AUTO = 1
AC_SAVECREDENTIAL_ALWAYS = 2
AC_ONBOOTURI_ROOT = 0
AC_ONBOOTURI_HOME = 1
AC_PRINCIPLE_RECENT = 0
AC_PRINCIPLE_RSSI = 1
# authentication
AC_AUTH_NONE = 0
AC_AUTH_DIGEST = 1
AC_AUTH_BASIC = 2
AC_AUTHSCOPE_PARTIAL = 0x0001
AC_AUTHSCOPE_AUX = 0x0002
AC_AUTHSCOPE_AC = 0x0004
AC_AUTHSCOPE_PORTAL = 0x0006
AC_AUTHSCOPE_WITHCP = 0x8000
# OTA
AC_OTA_EXTRA = 0
AC_OTA_BUILTIN = 1

_LAZY = {"AutoConnect": "portal", "AutoConnectConfig": "config",
         "AutoConnectCredential": "credential"}


def __getattr__(name):
    mod = _LAZY.get(name)
    try:
        if mod:
            return getattr(__import__("autoconnect." + mod, None, None, (name,)), name)
        return __import__("autoconnect." + name, None, None, ("_",))   # a submodule
    except ImportError:
        raise AttributeError(name)
