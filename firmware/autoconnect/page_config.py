"""/_ac/config: the networks in sight, five per page, and the form to join one."""
from .page import Labels, esc, page, quality, text

_PER_PAGE = 5
_IP = "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$"


async def handle(req):
    portal = req.app
    args = await req.form() if req.method == "POST" else req.args
    try:
        p = max(0, int(args.get("page", "")))
    except ValueError:
        p = None
    scan = portal.scan_cache
    if p is None or scan is None:       # a first visit; or a small heap, which keeps no scan
        from .scan import rescan
        scan = rescan(portal)
        p = p or 0
    named = [s for s in scan if s[0]]
    lbl = Labels(portal)

    def items():
        for ssid, _, ch, rssi, auth, _ in named[p * _PER_PAGE:(p + 1) * _PER_PAGE]:
            # in pieces: the constant ones go out as they are, not copied into a line
            yield '<input type="button" onclick="onFocus(this.getAttribute(\'value\'))" value="'
            yield esc(text(ssid))
            yield '"><label class="slist">%d&#037;&ensp;Ch.%d</label>' % (quality(rssi), ch)
            yield '<span class="img-lock"></span><br>' if auth else "<br>"
        nav = ('<button type="submit" name="page" value="%d" formaction="/_ac/config" '
               'formnovalidate>%s</button>&emsp;')
        if p:
            yield nav % (p - 1, esc(lbl["PAGECONFIG_PREVIOUS"]))
        if len(named) > (p + 1) * _PER_PAGE:
            yield nav % (p + 1, esc(lbl["PAGECONFIG_NEXT"]))

    def static():
        cfg = portal.config
        for key, name, val in (("PAGECONFIG_IPADDRESS", "sip", cfg.staip),
                               ("PAGECONFIG_GATEWAY", "gw", cfg.sta_gateway),
                               ("PAGECONFIG_NETMASK", "nm", cfg.sta_netmask),
                               ("PAGECONFIG_DNS1", "ns1", cfg.dns1), ("PAGECONFIG_DNS2", "ns2", cfg.dns2)):
            yield ('<li class="exp"><label for="%s">%s</label><input id="%s" type="text" name="%s" '
                   'value="%s" placeholder="0.0.0.0" pattern="' % (name, esc(lbl[key]), name, name,
                                                                  esc(val)))
            yield _IP                   # as it is: not copied into each field's text
            yield '"></li>'
    return page(portal, lbl, "PAGETITLE_CONFIG", "config",
                {"list": items, "static": static, "total": len(scan),
                 "hidden": len(scan) - len(named)})
