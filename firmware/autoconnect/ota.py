"""Over-the-air updates: HTTPUpdateServer (a browser uploads to /update, as with
ESP8266HTTPUpdateServer) and AutoConnectUpdate (the board pulls from an update server).
Each loads on first use."""


class OTAError(Exception):
    """An update refused or failed; str() is the reason shown to the user."""


class Updater:
    """What every update path offers: on_start(fn()), on_progress(fn(amount, size)),
    on_end(fn()), on_error(fn(message)), reboot_on_update (True) and wdt (a
    machine.WDT fed while writing). portal.ota is one with AC_OTA_BUILTIN."""

    busy = False                # an update is being written (one at a time, whatever the path)

    def __init__(self):
        self.reboot_on_update = True
        self.wdt = None
        self.last = None        # the built-in page's last result: (file, text, rc)
        self._cb = {}

    def __getattr__(self, name):
        # on_start(fn), on_progress(fn), on_end(fn), on_error(fn): one function for four
        if name[:3] != "on_" or name[3:] not in ("start", "progress", "end", "error"):
            raise AttributeError(name)

        def set_callback(fn):
            self._cb[name[3:]] = fn
        return set_callback

    def fire(self, name, *args):
        fn = self._cb.get(name)
        if fn:
            fn(*args)


def __getattr__(name):
    if name == "HTTPUpdateServer":
        from .ota_server import HTTPUpdateServer
        return HTTPUpdateServer
    if name == "AutoConnectUpdate":
        from .ota_pull import AutoConnectUpdate
        return AutoConnectUpdate
    raise AttributeError(name)


def confirm():
    """Confirm the running image (after an update the bootloader rolls back an image
    that is not confirmed before the next reset). The portal calls it once it serves."""
    try:
        from esp32 import Partition  # type: ignore[import-not-found]  # guarded: ESP32 only
        Partition.mark_app_valid_cancel_rollback()
        return True
    except (ImportError, OSError):
        return False
