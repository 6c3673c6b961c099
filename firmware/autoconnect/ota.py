"""Over-the-air updates: HTTPUpdateServer (a browser uploads to /update, as with
ESP8266HTTPUpdateServer) and AutoConnectUpdate (the board pulls from an update server).
Each loads on first use."""


class OTAError(Exception):
    """An update refused or failed; str() is the reason shown to the user."""


def __getattr__(name):
    if name == "HTTPUpdateServer":
        from .ota_server import HTTPUpdateServer
        return HTTPUpdateServer
    raise AttributeError(name)


def confirm():
    """Confirm the running image (after an update the bootloader rolls back an image
    that is not confirmed before the next reset). The portal calls it once it serves."""
    try:
        from esp32 import Partition
        Partition.mark_app_valid_cancel_rollback()
        return True
    except (ImportError, OSError):
        return False
