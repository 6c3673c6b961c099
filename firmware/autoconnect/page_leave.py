"""/_ac/disc and /_ac/reset: a confirmation on GET, the action on POST."""
import asyncio

from .page import Labels, esc, page


def handle(req):
    portal = req.app
    lbl = Labels(portal)
    disc = req.path == "/_ac/disc"
    title, brand = ("PAGETITLE_DISCONNECTED", "MENUTEXT_DISCONNECT") if disc else \
        ("PAGETITLE_RESETTING", None)
    if req.method != "POST":
        return page(portal, lbl, title, "confirm",
                    {"action": req.path, "text": lbl["TEXT_DISCONNECT" if disc else "TEXT_RESET"],
                     "button": lbl["MENULABEL_DISCONNECT" if disc else "BUTTONLABEL_RESET"]}, brand)
    from . import connect
    asyncio.create_task((connect.disconnect if disc else connect.reset)(portal))
    if disc:
        return page(portal, lbl, title, "empty", {}, brand)
    from .captive import self_url
    cfg = portal.config
    return page(portal, lbl, title, "reset", {"uptime": cfg.uptime}, menu=False,
                extra='<meta http-equiv="refresh" content="%d;url=%s">'
                % (cfg.uptime, esc(self_url(portal, req) + portal.boot_path())))
