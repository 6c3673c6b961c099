"""AutoConnect for MicroPython: Wi-Fi provisioning portal, custom pages and OTA updates."""
__version__ = "0.1.0"
