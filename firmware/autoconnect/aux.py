"""AutoConnectAux: custom pages made of elements, defined in AutoConnect's JSON or in
Python, joined to the portal's menu, with handlers called when they are requested.

Element classes take AutoConnect's constructor arguments in its order, or keywords
named after its JSON keys (snake_case: label_position, global_). Names and types are
matched case-insensitively, as AutoConnect does."""

AC_EXIT_AHEAD = 1
AC_EXIT_LATER = 2
AC_EXIT_BOTH = 3


class AutoConnectElement:
    """What every element has: name, value, posterior ("none", "br", "par", "div"),
    global_ (posted values copied to same-named elements of other pages) and enable."""
    type = "ACElement"
    _ARGS = ["value", "posterior"]     # lists: a constant tuple takes an object per item
    posterior = "none"
    value = ""
    global_ = False
    enable = True
    _reactor = None
    _responses: dict | None = None

    def __init__(self, name="", *args, **attrs):
        self.name = name
        keys = self._ARGS                   # indexed, not zipped: no tuple per argument
        for i in range(min(len(args), len(keys))):
            setattr(self, keys[i], args[i])
        for k in attrs:
            setattr(self, k, attrs[k])

    def on(self, fn):
        """fn(element, aux) for an event of this element in the browser (through
        /_ac/worker, without leaving the page)."""
        self._reactor = fn

    def response(self, attr, value=None):
        """Change a property of this element in the browser after an event:
        response("new value") or response("style", {"color": "red"})."""
        if value is None:
            attr, value = self._DEFAULT_RESPONSE, attr
        if self._responses is None:
            self._responses = {}
        self._responses[attr] = value

    _DEFAULT_RESPONSE = "value"

    def __repr__(self):
        return "<%s %s>" % (self.type, self.name)

    def is_valid(self):
        """Whether value matches pattern as a whole (an empty pattern accepts all)."""
        p = getattr(self, "pattern", "")
        if not p:
            return True
        from .pattern import matches
        return matches(p, str(self.value))


_NAMES = "ACButton ACCheckbox ACElement ACFile ACInput ACRadio ACRange ACSelect ACStyle ACSubmit ACText"


def __getattr__(name):
    """The element classes, each made the first time it is asked for: a type that no
    page uses takes no memory. ACElement: raw HTML, as it is; ACFile: an upload (value
    becomes the file's name, with mime_type and size); ACStyle: CSS added to the page's
    stylesheet; ACSubmit: a button posting the page's form (and _acuri) to uri."""
    base = AutoConnectElement
    d: dict = {"type": name}
    if name == "ACButton":
        d.update(_ARGS=["value", "action", "posterior"], action="", _DEFAULT_RESPONSE="innerHTML")
    elif name == "ACCheckbox":
        d.update(_ARGS=["value", "label", "checked", "label_position", "posterior"], label="",
                 checked=False, label_position="behind", posterior="br", _DEFAULT_RESPONSE="checked")
    elif name == "ACFile":
        d.update(_ARGS=["value", "label", "store", "posterior"], label="", store="fs",
                 posterior="br", mime_type="", size=0)
    elif name == "ACInput":
        d.update(_ARGS=["value", "label", "pattern", "placeholder", "posterior", "apply", "style"],
                 label="", pattern="", placeholder="", apply="text", style="", posterior="br")
    elif name == "ACRadio":
        from .aux_choice import Choice as base
        d.update(_ARGS=["values", "label", "arrange", "checked", "posterior"], _AT="checked",
                 arrange="vertical", checked=0)
    elif name == "ACRange":
        d.update(_ARGS=["value", "label", "min", "max", "step", "magnify", "posterior", "style"],
                 value=0, label="", min=0, max=0, step=1, magnify="void", style="", posterior="br")
    elif name == "ACSelect":
        from .aux_choice import Choice as base
        d.update(_ARGS=["options", "label", "selected", "posterior"], _AT="selected", selected=0)
    elif name == "ACSubmit":
        d.update(_ARGS=["value", "uri", "posterior"], uri="")
    elif name == "ACText":
        d.update(_ARGS=["value", "style", "format", "posterior"], style="", format="",
                 _DEFAULT_RESPONSE="innerHTML")
    elif name != "ACElement" and name != "ACStyle":
        raise AttributeError(name)
    cls = globals()[name] = type(name, (base,), d)
    return cls


def element_class(kind):
    """The element class of a type name in any case (AutoConnect's JSON), or None."""
    t = str(kind).lower()
    for n in _NAMES.split():
        if n.lower() == t:
            return globals().get(n) or __getattr__(n)
    return None


class AutoConnectAux:
    """A custom page. AutoConnectAux(uri, title, menu=True, elements=None,
    response=True, cors=False, auth="none")."""

    def __init__(self, uri="", title="", menu=True, elements=None, response=True, cors=False,
                 auth="none"):
        self.uri = uri
        self.title = title
        self.menu = menu
        self.response = response
        self.cors = cors
        self.auth = auth
        self.elements = []
        self.handlers = []          # [(fn, order)]
        self.upload_handler = None
        self.persist = None         # a file keeping the elements' values across reboots
        self.portal = None
        self._referer = None
        from . import warm_aux
        warm_aux()
        if elements:
            self.add(elements)

    def __getitem__(self, name):
        e = self.get_element(name)
        if e is None:
            raise KeyError(name)
        return e

    def __contains__(self, name):
        return self.get_element(name) is not None

    def __getattr__(self, name):
        # release(), set_element_value(), on_upload(), is_valid(), referer(), redirect(),
        # load_element(), save_element(): from aux_api.py, for the call
        from . import api
        return api(self, name, "aux_api")

    def get_element(self, name):
        """The element with this name (case-insensitive), or None."""
        n = name.lower()
        for e in self.elements:
            if e.name.lower() == n:
                return e
        return None

    def add(self, elements):
        """Append an element or a list of them."""
        for e in elements if isinstance(elements, (list, tuple)) else (elements,):
            self.elements.append(e)

    def on(self, fn, order=AC_EXIT_AHEAD):
        """fn(aux, args) -> str when the page is requested: its text goes ahead of the
        elements (AC_EXIT_AHEAD), after them (AC_EXIT_LATER) or both (AC_EXIT_BOTH);
        args holds the posted fields. With response=False, fn answers the request."""
        self.handlers.append((fn, order))

    def load(self, src):
        """Load AutoConnect's page JSON (text, or a file on the board); ValueError
        naming the page, element and key when it is not valid."""
        json_job("load_page", self, src)


def json_job(fn, *args):
    """Run fn(room, *args) of aux_json (loaded for the job; dropped after it when memory
    is short). On a small heap (100 KB free or less), a load first sets room aside, at
    the bottom of the free memory, and frees it once the JSON is parsed: the page's
    objects fill it, while the module and the parsed JSON lie above. When these go,
    the free memory above the page is one block, not holes between its objects."""
    from . import unload
    import gc
    room = []
    n = 0
    if fn[:4] == "load" and gc.mem_free() <= 100000:
        gc.collect()                        # so that the room lies as low as it can
        n = 4096
        while n >= 512 and gc.mem_free() - n < 10240:   # for aux_json (4 KB), the parse
            n //= 2
    while n >= 512:
        try:
            room.append(bytearray(n))
            break
        except MemoryError:
            n //= 2
    try:
        return getattr(__import__("autoconnect.aux_json", None, None, ("_",)), fn)(room, *args)
    finally:
        room.clear()
        unload(".aux_json")
