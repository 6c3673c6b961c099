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


def via_ap(portal, req):
    """Whether a request came through the soft AP (always, while the station is down)."""
    if not portal.sta.isconnected():
        return True
    apip = portal.config.apip
    host = req.headers.get("host", "").split(":")[0]
    peer = req.peer
    peer = peer[0] if isinstance(peer, tuple) else "%d.%d.%d.%d" % tuple(peer[4:8])
    return host == apip or host.endswith(".local") or \
        peer.rsplit(".", 1)[0] == apip.rsplit(".", 1)[0]


def portal_allows(portal, req, scope):
    """AutoConnect's rule: authentication (Basic, realm AUTOCONNECT) applies to the
    pages of its scope, except through the soft AP unless AC_AUTHSCOPE_WITHCP is set."""
    cfg = portal.config
    if not cfg.auth_scope & scope:
        return True
    if not cfg.auth_scope & 0x8000 and via_ap(portal, req):
        return True
    return check_basic(req, cfg.username or cfg.apid, cfg.password or cfg.psk)


def aux_allows(portal, req, aux, scope):
    """A custom page's rule: the portal's scope includes AUX, or includes PARTIAL and
    the page asks for authentication itself."""
    cfg = portal.config
    own = aux.auth not in ("", "none") and cfg.auth_scope & 0x0001
    if not own and (not cfg.auth or not cfg.auth_scope & scope):
        return True
    if not cfg.auth_scope & 0x8000 and via_ap(portal, req):
        return True
    return check_basic(req, cfg.username or cfg.apid, cfg.password or cfg.psk)
