"""HTTP Basic authentication with constant-time credential comparison."""
import binascii

from .response import Response, TEXT


def equal(a, b):
    """Compare two byte strings in time that depends only on their lengths."""
    diff = len(a) ^ len(b)
    if not b:
        return diff == 0 and not a
    for i in range(len(a)):
        diff |= a[i] ^ b[i % len(b)]
    return diff == 0


def credentials(req):
    """(user, password) bytes from an Authorization: Basic header, or None."""
    h = req.headers.get("authorization", "")
    if h[:6].lower() != "basic ":
        return None
    try:
        user, sep, pw = binascii.a2b_base64(h[6:].strip()).partition(b":")
    except ValueError:
        return None
    return (user, pw) if sep else None


def check_basic(req, user, password):
    """True when the request carries exactly these credentials."""
    got = credentials(req)
    want = ("%s:%s" % (user, password)).encode()
    return equal(got[0] + b":" + got[1] if got else b"", want) and got is not None


def challenge(realm):
    """A 401 response asking for Basic credentials."""
    return Response("Unauthorized", 401, {"WWW-Authenticate": 'Basic realm="%s"' % realm}, TEXT)
