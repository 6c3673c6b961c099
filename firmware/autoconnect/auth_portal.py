"""AutoConnect's authentication rules for the portal's pages and custom pages."""
from .auth import check_basic


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
