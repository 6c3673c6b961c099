"""Posted values of custom pages (loaded for a request that carries them): stored into
the page they came from, uploads streamed away, and /_ac/worker, an element's event
without leaving the page (its answer: JSON of what changed)."""
import json

from .response import TEXT, Response


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
        from .page import esc
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


async def upload(portal, aux, part):
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
    if handler is None and (e is None or e.store == "extern"):     # nowhere to go
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
    else:                                   # an ACFile storing to the filesystem
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
    if e is not None:
        e.value, e.mime_type, e.size = fname, part.content_type, size
    return e


async def handle(req):
    """/_ac/worker: an element's event, posted with the page's fields, _acuri and _on."""
    from .aux_page import deny, find
    portal = req.app
    if req.method != "POST":
        return Response("invalid interface", 500, None, TEXT)
    args = await req.form()
    aux = find(portal, args.get("_acuri", ""))
    if aux is None:
        return Response("No AutoConnectAux - %s" % args.get("_acuri", ""), 500, None, TEXT)
    denied = deny(portal, req, aux)
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
