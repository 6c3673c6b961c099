"""Serving AutoConnectAux pages (loaded for the request).

A request for a page first captures the values posted from the page whose form led
here (_acuri; aux_post.py stores them and streams uploads away). Then the page's
handlers run, ahead of or after its elements, and the page is rendered element by
element, in short pieces."""
from micropython import const

from .response import TEXT, Response

_AHEAD = const(1)
_LATER = const(2)
_SCOPE_AUX = const(0x0002)
_PRE = {"par": "<p>", "div": "<div>"}          # dicts of short strings: no objects
_POST = {"br": "<br>", "par": "</p>", "div": "</div>"}


def find(portal, uri):
    """The joined page at uri (as a form posts it, "/" maybe as "&#47;"), or None."""
    return portal.aux(uri.replace("&#47;", "/"))


async def _posted(portal, aux, req):
    """The fields of a request (query and form), with uploads streamed away."""
    if req.method != "POST":
        return dict(req.args)
    from . import unload

    def on_file(part):                  # aux_post.py only for an upload
        from .aux_post import upload
        return upload(portal, aux, part)
    try:
        return await req.form(4096, on_file)
    finally:                            # read: the parsers go before the page is made
        unload(".form", ".multipart", ".urlenc")


def _html(elements, fe, esc, ahead="", later=""):
    """The HTML of the elements, in pieces (fe: the page has event handlers; esc:
    page.py's), between the handlers' texts; one generator for them all, so that a page
    allocates no frame per element."""
    if ahead:
        yield ahead
    for e in elements:
        if not e.enable or e.type == "ACStyle":
            continue
        t = e.type
        n = esc(e.name)
        ev = ' onchange="_fe(this)"' if fe and e._reactor else ""
        lab = '<label for="%s">%s</label>' % (n, esc(e.label)) if getattr(e, "label", "") else ""
        if t == "ACText":
            tag = "p" if e.posterior == "par" else "div" if e.posterior == "div" else "span"
            v = e.format % e.value if e.format else e.value
            yield '<%s id="%s"%s>' % (tag, n, ' style="%s"' % esc(e.style) if e.style else "")
            yield str(v)
            yield "</%s>%s" % (tag, "<br>" if e.posterior == "br" else "")
            continue
        yield _PRE.get(e.posterior, "")
        if t == "ACElement":
            yield str(e.value)
        elif t == "ACButton":
            act = "_fe(this)" if fe and e._reactor else e.action
            yield '<button type="button" id="%s" name="%s" value="%s" onclick="%s">%s</button>' % (
                n, n, esc(e.value), esc(act), esc(e.value))
        elif t == "ACCheckbox":
            box = '<input type="checkbox" id="%s" name="%s" value="%s"%s%s>' % (
                n, n, esc(e.value), " checked" if e.checked else "", ev)
            yield lab + box if e.label_position == "infront" else box + lab
        elif t == "ACFile":
            yield lab + '<input type="file" id="%s" name="%s">' % (n, n)
        elif t == "ACInput":
            yield lab + '<input type="%s" id="%s" name="%s"%s%s value="%s"%s%s>' % (
                e.apply, n, n, ' pattern="%s"' % esc(e.pattern) if e.pattern else "",
                ' placeholder="%s"' % esc(e.placeholder) if e.placeholder else "", esc(e.value),
                ' style="%s"' % esc(e.style) if e.style else "", ev)
        elif t == "ACRadio":
            br = "<br>" if e.arrange == "vertical" else ""
            if e.label:
                yield "<label>%s</label>%s" % (esc(e.label), br)
            for i in range(len(e.values)):          # an option at a time, no tuples
                v = esc(e.values[i])
                yield '<input type="radio" id="%s_%d" name="%s" value="%s"%s%s>' \
                      '<label for="%s_%d">%s</label>%s' % (
                          n, i + 1, n, v, " checked" if e.checked == i + 1 else "", ev, n, i + 1, v, br)
        elif t == "ACRange":
            span = '<span class="magnify">%d</span>' % e.value
            yield lab + (span if e.magnify == "infront" else "")
            yield '<input type="range" id="%s" name="%s" value="%d" min="%d" max="%d"%s%s%s>' % (
                n, n, e.value, e.min, e.max, ' step="%d"' % e.step if e.step != 1 else "",
                ' style="%s"' % esc(e.style) if e.style else "",
                " oninput=\"_ma(this,'%s')\"" % e.magnify[0] if e.magnify != "void" else "")
            yield span if e.magnify == "behind" else ""
        elif t == "ACSelect":
            yield lab + '<select id="%s" name="%s"%s>' % (n, n, ev)
            for i in range(len(e.values)):
                o = esc(e.values[i])
                yield '<option value="%s"%s>%s</option>' % (
                    o, " selected" if e.selected == i + 1 else "", o)
            yield "</select>"
        elif t == "ACSubmit":
            yield '<input type="button" name="%s" value="%s" onclick="_sa(&#39;%s&#39;)">' % (
                n, esc(e.value), esc(e.uri))
        yield _POST.get(e.posterior, "")
    if later:
        yield later


def _render(portal, aux, ahead, later):
    # page.py loads here, once the posted form is read and handled (not beside the
    # form's parsers), and in the handler: the page is written after its modules go
    from .page import Labels, esc, page
    fe = any(e._reactor for e in aux.elements)
    css = "".join(str(e.value) for e in aux.elements if e.type == "ACStyle" and e.enable)

    enctype = ' enctype="multipart/form-data"' if any(e.type == "ACFile" for e in aux.elements) else ""
    return page(portal, Labels(portal), aux.title, "aux",
                {"elements": _html(aux.elements, fe, esc, ahead, later), "enctype": (enctype,)},
                extra="<style>%s</style>" % css.replace("</", "<\\/") if css else "")


async def handle(req):
    portal = req.app
    aux = find(portal, req.path)
    if aux is None:
        return Response("Not found", 404, None, TEXT)
    denied = deny(portal, req, aux)
    if denied:
        return denied
    args = await _posted(portal, aux, req)
    src = find(portal, args.get("_acuri", ""))
    aux._referer = src
    if src is not None:
        from .aux_post import capture
        capture(portal, src, args)
        portal.where_uri = src.uri
    ahead, later = "", ""
    for fn, order in aux.handlers:
        if not aux.response:
            res = fn(aux, args)
            return res if res is not None else Response(b"", 204, None, None)
        if order & _AHEAD:
            ahead += fn(aux, args) or ""
    for fn, order in aux.handlers:
        if order & _LATER:
            later += fn(aux, args) or ""
    res = _render(portal, aux, ahead, later)
    if aux.cors:
        res.headers["Access-Control-Allow-Origin"] = "*"
    return res


def deny(portal, req, aux):
    """A 401 or 403 Response when the request may not reach this page, else None."""
    if portal.config.auth or aux.auth and aux.auth != "none":     # else nothing to check
        from .auth_portal import aux_allows
        if not aux_allows(portal, req, aux, _SCOPE_AUX):
            from .auth import challenge
            return challenge("AUTOCONNECT")
    if req.method == "POST" and portal.cross_site(req):
        return Response("Forbidden: cross-site request", 403, None, TEXT)
    return None
