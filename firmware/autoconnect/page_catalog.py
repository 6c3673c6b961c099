"""AutoConnectUpdate's /_ac/update: the catalog as the radio group "firmwares",
streamed as it is read from the server. Loaded for the request, apart from the other
update pages (page_pull.py), so that a catalog page fits beside the portal on a 64 KB
heap."""
from .ota import OTAError

_RED = "#e66157"


async def handle(req):
    portal = req.app
    agent = portal.update
    try:
        cat = await agent.catalog()
    except OTAError as e:
        from . import unload
        unload(".httpc")                    # no answer: the client goes before the page
        return _list(portal, str(e))
    return _list(portal, None, cat)


def _list(portal, error, cat=None):
    # page.py loads once the server has answered (or not): not beside the connection
    # (and here, in the handler: the page's generators run after its modules are let go)
    from .page import Labels, esc, page
    entries = () if cat is None else _entries(cat, esc)

    def tail():
        if error or cat is not None and cat.error:
            yield '<h4 class="cap" style="color:%s">%s</h4>' % (_RED, esc(error or cat.error))
        elif cat is None or not cat.count:
            yield '<h4 class="cap">No available firmwares</h4>'
        else:
            yield '<h4 class="cap">Available firmwares</h4>'
        yield '<input type="submit" value="UPDATE"%s>' % (
            "" if cat is not None and cat.count else " disabled")
    return page(portal, Labels(portal), "MENULABEL_UPDATE", "catalog",
                {"entries": lambda: entries, "tail": tail})


def _entries(cat, esc):
    """The catalog's entries as radio buttons; reads ahead between them."""
    cat.count, cat.error = 0, None
    got = [None]
    try:
        while True:
            yield _next(cat, got)
            e = got[0]
            if e is None or isinstance(e, str):
                cat.error = e
                return
            cat.count += 1
            n, t = e.get("name", ""), str(e.get("time", ""))
            yield ('<input type="radio" name="firmwares" id="fw%d" value="%s"><label for="fw%d">'
                   '%s</label><span>%s</span><span>%s</span><span>%s</span>'
                   % (cat.count, esc(n), cat.count, esc(n), esc(e.get("date", "")), esc(t[:5]),
                      esc(e.get("size", ""))))
    finally:
        cat.c.close()


async def _next(cat, got):
    try:
        got[0] = await cat.entry()
    except OTAError as e:
        got[0] = str(e)
