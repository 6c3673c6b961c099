"""AutoConnect for MicroPython: Wi-Fi provisioning portal, custom pages and OTA updates.

Everything loads on first use through the module __getattr__: the AC_* constants
(consts.py), the classes from their modules."""
__version__ = "0.2.0"

import sys

# Connection buffers, allocated before any other module loads (and fragments the heap):
# the web server's 1 KB ones, four (it allocates any more when it starts, and frees
# those it does not use), one on an ESP8266, which serves one connection at a time.
_os = __import__("os")                  # (the unix port's os has no uname())
_BUFS = [bytearray(1024) for _ in range(
    1 if hasattr(_os, "uname") and _os.uname()[0] == "esp8266" else 4)]
del _os

# "|<class> <module>|": one string, where a dict and its keys would each take the heap
# (a .mpy's constant strings over ten characters, and a constant tuple's items, are
# objects made when the module loads; short strings are interned names, shared)
_CLASSES = ("|AutoConnect portal|AutoConnectConfig config|AutoConnectCredential credential"
            "|AutoConnectAux aux|AutoConnectElement aux|")


def __getattr__(name):
    if name[:3] == "AC_":
        from .consts import value
        unload(".consts", force=True)      # used once or twice, at start-up
        v = value(name[3:])
        if v is not None:
            return v
    global _PORTAL
    i = _CLASSES.find("|%s " % name)
    mod = _CLASSES[i + len(name) + 2:_CLASSES.find("|", i + 1)] if i >= 0 else (
        name[:2] == "AC" and "aux")
    if _PORTAL and mod and mod != "credential":
        warm_up(_PORTAL)                # before the portal's own modules take the heap
        _PORTAL = ""
    try:
        m = __import__("autoconnect." + (mod or name), None, None, [name])
    except ImportError:
        raise AttributeError(name)
    return getattr(m, name) if mod else m       # a class, or a submodule


# The portal's modules, then those it loads on demand
_PORTAL = ("portal portal_api connect scan credential cred_file dns captive auth auth_portal"
           " form static status sysinfo page page_stat page_config page_join page_saved page_leave")


def unload(*names, force=False):
    """Forget modules loaded for one job (full names, or ".name" for autoconnect.name),
    so the GC can take them back, when memory is short (below 48 KB free) or force;
    otherwise they stay for the next time, since loading them again and again
    fragments the heap."""
    import gc
    if not force:
        if gc.mem_free() > 49152:           # plenty even before collecting: keep them
            return
        gc.collect()
        if gc.mem_free() > 49152:
            return
    g = globals()
    for name in names:
        if name[0] == ".":                  # a submodule: ".connect"
            name = "autoconnect" + name
        sys.modules.pop(name, None)
        if name[:12] == "autoconnect." and name[12:] in g:
            del g[name[12:]]


def api(obj, name, mod):
    """obj's method `name` from autoconnect.<mod>, where a class keeps its less used
    methods as functions taking the object first: loaded for the call (and the calls it
    makes) and let go after it when memory is short. AttributeError when it has none."""
    if name[0] != "_":
        fn = getattr(__import__("autoconnect." + mod, None, None, ("_",)), name, None)
        if fn is not None:
            def call(*a, **k):
                try:
                    return fn(obj, *a, **k)
                finally:
                    unload("." + mod)
            return call
    raise AttributeError(name)


def buffers(n, size):
    """n buffers of size bytes: the early ones when they fit, else new ones; the early
    ones not taken are freed."""
    out = [_BUFS.pop() if _BUFS and size == 1024 else bytearray(size) for _ in range(n)]
    _BUFS.clear()
    return out


def roomy(size):
    """A size-byte buffer, for fewer and larger chunks, where over 64 KB of the heap are
    free (the simulator's ESP32, a board with SPIRAM; a stock ESP32's heap starts
    smaller and grows on demand); None elsewhere."""
    import gc
    if gc.mem_free() <= 65536 < gc.mem_free() + gc.mem_alloc():
        gc.collect()
    if gc.mem_free() > 65536:
        try:
            return bytearray(size)
        except MemoryError:
            pass
    return None


_AUX = "aux_page aux_post aux_json aux_api multipart aux_choice pattern"


def warm_aux():
    """Warm up what serves custom pages, once: at the first page made or joined."""
    global _AUX
    warm_up(_AUX)
    _AUX = ""


def warm_up(names):
    """On a small heap (100 KB free or less, where every byte counts): load and drop each
    module (autoconnect.<name>; names separated by spaces) that would load later, so
    that the names they add to the interpreter's string table are stored now, together,
    while the heap is still in one piece, not later between a page's temporary objects.
    The table grows in blocks that double in size; the portal's warm-up runs before the
    portal itself loads, so that the largest block (7 KB on a 64 KB heap) finds room."""
    import gc
    if gc.mem_free() > 100000:
        return
    for name in names.split():
        had = list(sys.modules)
        __import__("autoconnect." + name)
        unload(*[m for m in sys.modules if m not in had], force=True)
        gc.collect()
