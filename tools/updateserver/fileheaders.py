"""The headers that describe a served file; the nginx export writes the same values."""
import re
from urllib.parse import quote

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def disposition(name):
    """`attachment; filename=<name>`, quoted or RFC 6266-encoded when the name needs it."""
    if _TOKEN.fullmatch(name):
        return f"attachment; filename={name}"
    plain = name.encode("ascii", "replace").decode().replace("\\", "\\\\").replace('"', '\\"')
    value = f'attachment; filename="{plain}"'
    if not name.isascii():
        value += "; filename*=UTF-8''" + quote(name, safe="")
    return value


def file_headers(name, info):
    """Content-Type, Content-Disposition, x-MD5 and (when known) x-version of a file."""
    headers = {"Content-Type": "application/octet-stream",
               "Content-Disposition": disposition(name), "x-MD5": info.md5}
    if info.version:
        headers["x-version"] = info.version
    return headers
