"""AutoConnect's page JSON: loading it (with the value conversions ArduinoJson makes,
errors naming page, element and key) and saving pages and element values."""
import gc
import json

from .aux import AutoConnectAux, element_class

# JSON key -> (Python attribute, kind): s text, i integer, b boolean, l list of text,
# or a tuple of the allowed words
_KEYS = {
    "value": ("value", "s"), "label": ("label", "s"), "style": ("style", "s"),
    "format": ("format", "s"), "pattern": ("pattern", "s"), "placeholder": ("placeholder", "s"),
    "action": ("action", "s"), "uri": ("uri", "s"),
    "apply": ("apply", ("text", "password", "number")), "store": ("store", ("fs", "sd", "extern")),
    "posterior": ("posterior", ("none", "br", "par", "div")),
    "labelposition": ("label_position", ("infront", "behind")),
    "arrange": ("arrange", ("vertical", "horizontal")),
    "magnify": ("magnify", ("infront", "behind", "void")),
    "checked": ("checked", "i"), "selected": ("selected", "i"), "min": ("min", "i"),
    "max": ("max", "i"), "step": ("step", "i"), "global": ("global_", "b"),
    "option": ("options", "l"),
}
_PAGE_BOOLS = ("menu", "response", "cors")


def _parse(src, room):
    """JSON text, or the name of a file holding it, as Python objects; then the room
    aux.json_job set aside is freed."""
    try:
        if src.lstrip()[:1] in ("{", "["):
            d = json.loads(src)
        else:
            with open(src) as f:
                d = json.load(f)
    except OSError as e:
        raise ValueError("cannot read %s: %s" % (src, e))
    except ValueError as e:
        raise ValueError("invalid JSON: %s" % e)
    room.clear()
    _tidy()
    return d


def _tidy():
    """On a small heap, free the garbage so far, so that the page's objects made next
    fill the lowest free memory."""
    if gc.mem_free() <= 100000:
        gc.collect()


def _convert(v, kind):
    """v as ArduinoJson would read it for kind; ValueError when it cannot. Text is
    copied: made now, among the page's objects, not left among the parsed JSON's."""
    if kind == "s":
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return v[:]
        if isinstance(v, (int, float)):
            return str(v)
    elif kind == "i":
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, (int, float)):
            return int(v)
        if isinstance(v, str) and v.strip().lstrip("-").isdigit():
            return int(v)
    elif kind == "b":
        if isinstance(v, (bool, int)):
            return bool(v)
        if isinstance(v, str) and v.lower() in ("true", "false"):
            return v.lower() == "true"
    elif kind == "l":
        if isinstance(v, list):
            return [_convert(x, "s") for x in v]
    elif isinstance(v, str) and v.lower() in kind:
        return v.lower()
    raise ValueError


def _element(d, errors, page, i, into=None):
    """An element from its JSON object (the i-th of page; or update `into`); problems
    go to errors."""
    where = "%s, element #%d" % (page, i)
    if not isinstance(d, dict):
        errors.append("%s: not an object" % where)
        return None
    keys = {k.lower(): v for k, v in d.items()}
    name = keys.get("name")
    if name is None or isinstance(name, (dict, list)) or name == "":
        errors.append("%s: key 'name' is missing" % where)
        return None
    name = str(name)[:]
    where = "%s, element '%s'" % (page, name)
    cls = element_class(keys.get("type", "")) if into is None else type(into)
    if cls is None:
        errors.append("%s: key 'type': unknown type '%s'" % (where, keys.get("type")))
        return None
    e = into or cls(name)
    for k, v in keys.items():
        if k in ("name", "type"):
            continue
        attr, kind = _KEYS.get(k, (None, None))
        if attr is None:
            continue                                    # unknown keys are ignored
        if k == "value" and cls.type in ("ACRadio", "ACSelect"):
            kind = "l"
        elif k == "value" and cls.type == "ACRange":
            kind = "i"
        elif k == "checked" and cls.type == "ACCheckbox":
            kind = "b"
        try:
            setattr(e, attr, _convert(v, kind))
        except (ValueError, TypeError):
            errors.append("%s: key '%s': %r is not a valid value" % (where, k, v))
    return e


def _page_into(aux, d, errors, where):
    keys = {k.lower(): v for k, v in d.items()}
    for k in ("title", "uri"):
        if k in keys:
            try:
                setattr(aux, k, _convert(keys[k], "s"))
            except ValueError:
                errors.append("%s: key '%s': %r is not text" % (where, k, keys[k]))
    if not aux.uri.startswith("/") or aux.uri.startswith("/_ac"):
        errors.append("%s: key 'uri': '%s' must start with / and not be under /_ac" % (where, aux.uri))
    for k in _PAGE_BOOLS:
        if k in keys:
            try:
                setattr(aux, k, _convert(keys[k], "b"))
            except ValueError:
                errors.append("%s: key '%s': %r is not true or false" % (where, k, keys[k]))
    if "auth" in keys:
        try:
            aux.auth = _convert(keys["auth"], ("basic", "digest", "none"))
        except ValueError:
            errors.append("%s: key 'auth': %r is not basic, digest or none" % (where, keys["auth"]))
    elements = keys.get("element", [])
    if not isinstance(elements, list):
        errors.append("%s: key 'element' is not an array" % where)
        elements = []
    aux.elements = []
    for i, d in enumerate(elements):
        _tidy()
        e = _element(d, errors, where, i + 1)
        if e is not None:
            aux.elements.append(e)


def load_page(room, aux, src):
    d = _parse(src, room)
    if not isinstance(d, dict):
        raise ValueError("page: the JSON is not an object")
    errors = []
    _page_into(aux, d, errors, "page '%s'" % d.get("uri", d.get("title", "?")))
    if errors:
        raise ValueError("; ".join(errors))


def load_pages(room, portal, src):
    """AutoConnect.load(): one page or an array of pages, each on its own; the good ones
    are joined, then one ValueError names every problem of the bad ones."""
    d = _parse(src, room)
    errors = []
    for i, p in enumerate(d if isinstance(d, list) else [d]):
        where = "page #%d" % (i + 1)
        if not isinstance(p, dict):
            errors.append("%s: not an object" % where)
            continue
        where = "page '%s'" % p.get("uri", where)
        mine = []
        aux = AutoConnectAux()
        _page_into(aux, p, mine, where)
        if mine:
            errors += mine
        else:
            _tidy()
            portal.join(aux)
    if errors:
        raise ValueError("; ".join(errors))


def load_elements(room, aux, src, names=None):
    """Create or update elements by name from an element or an array of them."""
    d = _parse(src, room)
    if isinstance(d, dict) and "element" in d:
        d = d["element"]
    errors = []
    wanted = None if names is None else [n.lower() for n in
                                          ([names] if isinstance(names, str) else names)]
    for i, item in enumerate(d if isinstance(d, list) else [d]):
        name = str(item.get("name", "")) if isinstance(item, dict) else ""
        if wanted is not None and name.lower() not in wanted:
            continue
        _tidy()
        old = aux.get_element(name) if name else None
        e = _element(item, errors, "page '%s'" % aux.uri, i + 1, old)
        if e is not None and old is None:
            aux.elements.append(e)
    if errors:
        raise ValueError("; ".join(errors))


def _to_json(e):
    d = {"name": e.name, "type": e.type}
    for key, (attr, _) in _KEYS.items():
        if hasattr(type(e), attr) or attr in e.__dict__:
            v = getattr(e, attr)
            d[key] = list(v) if isinstance(v, list) else v
    if e.type in ("ACRadio", "ACSelect"):
        d.pop("option", None)
        d["option" if e.type == "ACSelect" else "value"] = list(e.values)
        if e.type == "ACSelect":
            d.pop("value", None)
    else:
        d["value"] = e.value
    return d


def save(room, aux, names=None, path=None):
    if names is None:
        out = {"title": aux.title, "uri": aux.uri, "menu": aux.menu, "response": aux.response,
               "cors": aux.cors, "auth": aux.auth, "element": [_to_json(e) for e in aux.elements]}
    elif isinstance(names, str):
        out = _to_json(aux[names])
    else:
        out = [_to_json(aux[n]) for n in names]
    text = json.dumps(out)
    if path:
        import os
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.rename(path + ".tmp", path)
    return text
