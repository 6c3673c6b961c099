"""Percent-encoding and decoding, query/form parsing and request path normalisation."""

_HEX = b"0123456789abcdefABCDEF"


def unquote(s, plus=False):
    """Decode %XX escapes (and '+' as space when `plus`) to a UTF-8 str; ValueError if bad."""
    b = s if isinstance(s, (bytes, bytearray)) else s.encode()
    if plus:
        b = b.replace(b"+", b" ")
    if b"%" in b:
        parts = b.split(b"%")
        out = bytearray(parts[0])
        for p in parts[1:]:
            if len(p) < 2 or p[0] not in _HEX or p[1] not in _HEX:
                raise ValueError("bad percent escape")
            out.append(int(p[:2], 16))
            out.extend(p[2:])
        b = out
    return str(b, "utf-8")


def quote(s, safe="/.-_~"):
    """s percent-encoded for a URL (UTF-8), keeping letters, digits and safe."""
    out = []
    for b in s.encode():
        c = chr(b)
        out.append(c if c.isalpha() and b < 128 or c.isdigit() or c in safe else "%%%02X" % b)
    return "".join(out)


def parse_qs(s, into=None):
    """Fields of a query string or urlencoded form as a dict (the first value wins)."""
    d = {} if into is None else into
    if s:
        for pair in s.split(b"&" if isinstance(s, (bytes, bytearray)) else "&"):
            if not pair:
                continue
            k, _, v = pair.partition(b"=" if isinstance(pair, (bytes, bytearray)) else "=")
            k = unquote(k, True)
            if k not in d:
                d[k] = unquote(v, True)
    return d


def normpath(raw):
    """The path of a request target, decoded and normalised; ValueError if malformed."""
    p = unquote(raw)
    if "\0" in p:
        raise ValueError("NUL in path")
    segs = []
    for seg in p.split("/"):
        if seg == "..":
            if segs:
                segs.pop()
        elif seg and seg != ".":
            segs.append(seg)
    return "/" + "/".join(segs)
