"""AutoConnect's less used API: the hooks, the menu items, portal_status(),
is_portal_available(), credential(), where(), detach() and end(). AutoConnect
(portal.py) finds them through __getattr__, which loads this module for the call."""
from micropython import const

_CAPTIVEPORTAL = const(0x40)


def on_detect(portal, fn):
    """fn(softap_ip) before the portal starts; returning False skips DNS and the portal."""
    portal.hooks["detect"] = fn


def on_connect(portal, fn):
    """fn(ip) once the station has connected."""
    portal.hooks["connect"] = fn


def while_captive_portal(portal, fn):
    """fn() repeatedly while begin() waits in the portal; False ends the wait."""
    portal.hooks["portal"] = fn


def while_connecting(portal, fn):
    """fn(ssid) repeatedly while a connection is attempted; False abandons it."""
    portal.hooks["connecting"] = fn


def on_not_found(portal, fn):
    """fn(request) for requests nothing else claims."""
    portal.hooks["not_found"] = fn


def enable_menu(portal, items):
    portal._menu |= items


def disable_menu(portal, items):
    portal._menu &= ~items


def is_portal_available(portal):
    return bool(portal.status_bits & _CAPTIVEPORTAL)


def credential(portal):
    """The credential store (AutoConnectCredential) the portal uses."""
    from .credential import store
    return store(portal)


def portal_status(portal):
    """The AC_ESTABLISHED, AC_AUTORECONNECT, AC_TIMEOUT, AC_INTERRUPT and
    AC_CAPTIVEPORTAL bits."""
    return portal.status_bits


def detach(portal, uri):
    """Remove a joined page."""
    portal.aux_pages = [p for p in portal.aux_pages if p.uri != uri]
    portal.server.routes.pop(uri, None)


def where(portal):
    """The URI of the page whose form led to the current request."""
    return portal.where_uri


def end(portal):
    """Stop the portal, the web server and the housekeeping; free what they hold."""
    for t in (portal._task, portal.join_task):
        if t:
            t.cancel()
    portal._task = portal.join_task = None
    from .connect import close_portal
    close_portal(portal)
    portal.server.stop()
