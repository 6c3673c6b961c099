"""Stand-in for hashlib: ESP8266's build has no md5."""
import os

import _ext

_h = _ext.builtin("hashlib")
sha1 = _h.sha1
sha256 = _h.sha256
if os.getenv("SIM_CHIP") == "esp32":
    md5 = _h.md5
