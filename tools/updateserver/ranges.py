"""HTTP byte ranges (RFC 9110 §14): one range per request, enough to resume a download."""
import re

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class Unsatisfiable(ValueError):
    """A syntactically valid range that lies outside the file (416)."""


def parse(header, size):
    """(start, stop) of the byte range a `Range` header asks for, or None for the whole file.

    Headers that are absent, malformed or ask for several ranges are ignored (whole file)."""
    m = _RANGE.fullmatch((header or "").replace(" ", ""))
    if not m or m.groups() == ("", ""):
        return None
    first, last = m.groups()
    if not first:                                   # bytes=-n: the last n bytes
        if int(last) == 0 or size == 0:
            raise Unsatisfiable(header)
        return max(0, size - int(last)), size
    start = int(first)
    stop = size if not last else int(last) + 1
    if last and stop <= start:
        return None
    if start >= size:
        raise Unsatisfiable(header)
    return start, min(stop, size)
