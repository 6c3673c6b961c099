"""Request checks: the updater header gate, "no update" (304) and Basic credentials."""
import base64
import binascii
import hmac
import re

UPDATER = re.compile(r"(ESP8266|ESP32)-http-Update")
ARCHS = ("ESP32", "ESP8266")


def gate_refusal(headers):
    """Why the header gate refuses a download (a 403 reason), or None to serve it."""
    found = UPDATER.search(headers.get("User-Agent") or "")
    if not found:
        return "Only for ESP8266-http-Update or ESP32-http-Update clients"
    mac = f"x-{found.group(1)}-STA-MAC"
    if not (headers.get(mac) or "").strip():
        return f"Missing header {mac}"
    return None


def not_modified(headers, info):
    """True when the device already runs this file: same version or same sketch MD5."""
    for arch in ARCHS:
        version = (headers.get(f"x-{arch}-version") or "").strip()
        md5 = (headers.get(f"x-{arch}-sketch-md5") or "").strip().lower()
        if (info.version and version == info.version) or md5 == info.md5:
            return True
    return False


def parse_credentials(text):
    """USER:PASS -> BasicAuth (ValueError when malformed); used as an argparse type."""
    user, sep, password = text.partition(":")
    if not (user and sep and password):
        raise ValueError("expected USER:PASS with a non-empty user and password")
    return BasicAuth(user, password)


class BasicAuth:
    """Checks `Authorization: Basic ...` against one user name and password."""

    realm = "Update server"

    def __init__(self, user, password):
        self._expected = f"{user}:{password}".encode()

    def accepts(self, header):
        """True for valid credentials (constant-time comparison)."""
        scheme, _, token = (header or "").strip().partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self._expected)
