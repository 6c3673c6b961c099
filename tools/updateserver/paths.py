"""Request targets to catalog-relative paths; anything that could leave the catalog is refused."""
import re
from urllib.parse import unquote_to_bytes, urlsplit

_ABSOLUTE_FORM = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class BadPath(ValueError):
    """A path that cannot name a catalog file (400)."""


class Traversal(ValueError):
    """A path that leads, or could lead, outside the catalog (403)."""


def split_target(target):
    """(path percent-decoded once, raw query) of a request target as read from the request line.

    The request line arrives as latin-1 text; the path's bytes are decoded as UTF-8 (undecodable
    bytes kept as surrogates, which `relative` refuses)."""
    if _ABSOLUTE_FORM.match(target):
        parts = urlsplit(target)
        target = parts.path + ("?" + parts.query if parts.query else "")
    path, _, query = target.partition("?")
    path = path.partition("#")[0]
    raw = unquote_to_bytes(path.encode("latin-1"))
    return raw.decode("utf-8", "surrogateescape"), query


def servable(name):
    """True for a file name the server lists and serves (printable, no backslash)."""
    return name.isprintable() and "\\" not in name


def relative(path):
    """A decoded path made catalog-relative: leading '/', empty and '.' segments dropped.

    Raises Traversal for '..' segments and backslashes, BadPath for NUL and other
    unprintable characters."""
    if "\\" in path:
        raise Traversal(path)
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Traversal(path)
    if not all(p.isprintable() for p in parts):
        raise BadPath("unprintable character in path")
    return "/".join(parts)
