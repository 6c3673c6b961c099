"""/_ac/open (saved networks, with live signal) and /_ac/del (forget one)."""
from micropython import const

from .page import Labels, esc, page, quality
from .response import TEXT, Response, redirect

_DELETESSID = const(0x80)


async def handle(req):
    portal = req.app
    if req.path == "/_ac/del":
        if req.method != "POST":
            return Response("Method Not Allowed", 405, {"Allow": "POST"}, TEXT)
        from .captive import self_url
        from .credential import store
        ssid = (await req.form()).get("del", "")
        if not store(portal).delete(ssid):
            portal.del_failed = ssid
        return redirect(self_url(portal, req) + "/_ac/open")
    from .cred_file import entries as saved
    from .scan import match, rescan
    lbl = Labels(portal)
    try:
        entries = saved(portal.config.credential_file)
    except ValueError:                  # damaged: listed as empty, as the store reads it
        entries = []
    scan = rescan(portal) if entries else ()
    trash = portal.menu_items() & _DELETESSID

    def items():
        if portal.del_failed:
            yield '<div class="err">%s %s</div>' % (esc(portal.del_failed), esc(lbl["TEXT_COULDNOTDELETED"]))
            portal.del_failed = None
        if not entries:
            yield "<p><b>%s</b></p>" % esc(lbl["TEXT_NOSAVEDCREDENTIALS"])
        for e in entries:
            hit = match(portal, e, scan)
            yield ('<input id="sb" type="submit" name="Credential" value="%s"><label class="slist">'
                   '%s</label>%s%s<br>'
                   % (esc(e["ssid"]), "%d&#037;&ensp;Ch.%d" % (quality(hit[3]), hit[2]) if hit else "N/A",
                      '<a onclick="crdel(this.dataset.s)" data-s="%s" class="img-trash"></a>'
                      % esc(e["ssid"]) if trash else "",
                      '<span class="img-lock"></span>' if hit and hit[4] else ""))
    return page(portal, lbl, "PAGETITLE_CREDENTIALS", "open", {"list": items})
