"""Serving AutoConnectAux pages and /_ac/worker (loaded for the request).

A request for a page first captures the values posted from the page whose form led
here (_acuri): checkboxes cleared then set, radios and selects by text, ranges as
integers, globals copied to same-named elements of other pages, uploads streamed to
the filesystem or to the page's upload handler. Then the page's handlers run, ahead of
or after its elements, and the page is rendered element by element."""
import json

from micropython import const

from .page import Labels, esc, page
from .response import TEXT, Response

_AHEAD = const(1)
_LATER = const(2)
_SCOPE_AUX = const(0x0002)
_POSTERIOR = {"br": ("", "<br>"), "par": ("<p>", "</p>"), "div": ("<div>", "</div>")}


def _find(portal, uri):
    uri = uri.replace("&#47;", "/")
    for p in portal.aux_pages:
        if p.uri == uri:
            return p
    return None


def _store(e, value):
    """Put a posted value into an element, as AutoConnect's fetchElement does."""
    t = e.type
    if t == "ACRange":
        try:
            e.value = int(value)
        except ValueError:
            pass
    elif t in ("ACRadio", "ACSelect"):
        e.value = value
    elif t == "ACCheckbox":
        e.checked = True
    elif t in ("ACText", "ACElement", "ACButton"):
        e.value = esc(value)                # shown as HTML: what a client sent stays text
    elif t != "ACFile":
        e.value = value


def capture(portal, src, args):
    """Store the posted args into the source page (and the globals of others)."""
    low = {k.lower(): v for k, v in args.items()}
    for e in src.elements:
        n = e.name.lower()
        if e.type == "ACCheckbox":
            e.checked = False
        if n not in low:
            continue
        _store(e, low[n])
        if e.global_:
            for p in portal.aux_pages:
                if p is not src:
                    for o in p.elements:
                        if o.name.lower() == n:
                            _store(o, low[n])
    if src.persist:
        src.save_element(None, src.persist)


async def _upload(portal, aux, part):
    """Stream one file part to its ACFile's store; returns the element or None."""
    e = None
    for p in portal.aux_pages:
        e = p.get_element(part.name)
        if e is not None and e.type == "ACFile":
            break
        e = None
    from .file_store import FileSink, safe_name
    fname = safe_name(part.filename)
    size = 0
    handler = aux.upload_handler if e is None or e.store == "extern" else None
    if e is not None and e.store == "extern" and handler is None:
        while await part.read():
            pass
        return None
    if handler is not None:
        ok = handler.open(fname, part.content_type, aux) is not False
        while True:
            chunk = await part.read()
            if not chunk:
                break
            if ok:
                handler.write(chunk)
            size += len(chunk)
        handler.close(ok)
    elif e is not None:
        sink = FileSink(portal.config.upload_dir, part.filename)
        try:
            while True:
                chunk = await part.read()
                if not chunk:
                    break
                sink.write(chunk)
                size += len(chunk)
        except Exception:
            sink.abort()
            raise
        sink.finish()
    else:
        while await part.read():
            pass
        return None
    if e is not None:
        e.value, e.mime_type, e.size = fname, part.content_type, size
    return e


async def _posted(portal, aux, req):
    """The fields of a request (query and form), with uploads streamed away."""
    if req.method != "POST":
        return dict(req.args)
    return await req.form(4096, lambda part: _upload(portal, aux, part))


def _html(elements, fe):
    """The HTML of the elements, in pieces (fe: the page has event handlers); one
    generator for them all, so that a page allocates no frame per element."""
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
        pre, post = _POSTERIOR.get(e.posterior, ("", ""))
        yield pre
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
        yield post


def _render(portal, aux, ahead, later):
    fe = any(e._reactor for e in aux.elements)
    css = "".join(str(e.value) for e in aux.elements if e.type == "ACStyle" and e.enable)

    def elements():
        if ahead:
            yield ahead
        yield from _html(aux.elements, fe)
        if later:
            yield later
    enctype = ' enctype="multipart/form-data"' if any(e.type == "ACFile" for e in aux.elements) else ""
    return page(portal, Labels(portal), aux.title, "aux", {"elements": elements,
                                                          "enctype": lambda: (enctype,)},
                extra="<style>%s</style>" % css.replace("</", "<\\/") if css else "")


async def handle(req):
    portal = req.app
    if req.path == "/_ac/worker":
        return await _worker(portal, req)
    aux = _find(portal, req.path)
    if aux is None:
        return Response("Not found", 404, None, TEXT)
    denied = _deny(portal, req, aux)
    if denied:
        return denied
    args = await _posted(portal, aux, req)
    src = _find(portal, args.get("_acuri", ""))
    aux._referer = src
    if src is not None:
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


def _deny(portal, req, aux):
    """A 401 or 403 Response when the request may not reach this page, else None."""
    if portal.config.auth or aux.auth not in ("", "none"):     # else nothing to check
        from .auth_portal import aux_allows
        if not aux_allows(portal, req, aux, _SCOPE_AUX):
            from .auth import challenge
            return challenge("AUTOCONNECT")
    if req.method == "POST" and portal.cross_site(req):
        return Response("Forbidden: cross-site request", 403, None, TEXT)
    return None


async def _worker(portal, req):
    """/_ac/worker: an element's event without leaving the page; JSON of what changed."""
    if req.method != "POST":
        return Response("invalid interface", 500, None, TEXT)
    args = await req.form()
    aux = _find(portal, args.get("_acuri", ""))
    if aux is None:
        return Response("No AutoConnectAux - %s" % args.get("_acuri", ""), 500, None, TEXT)
    denied = _deny(portal, req, aux)
    if denied:
        return denied
    e = aux.get_element(args.get("_on", ""))
    if e is None or e._reactor is None:
        return Response("No endpoints with _on:%s" % args.get("_on", ""), 500, None, TEXT)
    capture(portal, aux, args)
    e._reactor(e, aux)
    out = []
    for x in aux.elements:
        if x._responses:
            d = {"id": x.name}
            d.update(x._responses)
            out.append(d)
            x._responses = None
    return Response(json.dumps(out), 200, None, "application/json")
