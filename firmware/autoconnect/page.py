"""What every portal page shares: the skeleton, the menu, template sections from
www/pages.html and labels from www/labels.txt (overridden by config.labels). Every
value put into the HTML is escaped. Loaded while a page renders."""
import gc

from micropython import const

from . import __version__
from .portal import WWW
from .response import Response
from .server import _GEN

_CONFIGNEW = const(0x01)
_OPENSSIDS = const(0x02)
_DISCONNECT = const(0x04)
_RESET = const(0x08)
_HOME = const(0x10)
_UPDATE = const(0x20)
_DEVINFO = const(0x40)
_HEAD = ('<!DOCTYPE html><html><head><meta charset="UTF-8"><meta name="viewport" '
         'content="width=device-width,initial-scale=1"><title>')


_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def esc(s):
    """s as HTML text or attribute value."""
    if not isinstance(s, str):
        s = str(s)                  # str() of a str would copy it
    for c in "&<>\"'":              # & first
        if c in s:
            s = s.replace(c, _ENTITY[c])
    return s


def text(b):
    """An SSID (bytes) as str, byte for byte when it is not UTF-8."""
    try:
        return str(b, "utf-8")
    except UnicodeError:
        return "".join(chr(c) for c in b)


_KEPT: dict = {}     # labels and where template sections start, kept while roomy


class Labels:
    """Page texts by AutoConnect's label names, e.g. lbl["MENULABEL_HOME"]: from
    config.labels, else from www/labels.txt (scanned line by line, no large buffer;
    while over 64 KB are free, what is read is kept for the next pages)."""

    def __init__(self, portal):
        self._app = portal.config.labels or {}      # the application's, read only
        self.keep = gc.mem_free() > 65536

    def __getitem__(self, key):
        v = self._app.get(key)
        if v is None:
            v = _KEPT.get(key)
            if v is None:
                v = _read(key)              # a small heap keeps no label past its use
                if self.keep:
                    _KEPT[key] = v
        return v


def _read(key):
    """A label's text from www/labels.txt (the key itself when it has none)."""
    with open(WWW + "labels.txt") as f:
        for line in f:
            if line.startswith(key) and line[len(key)] == "=":
                return line[len(key) + 1:].rstrip("\n")
    return key


def _fill(line, values, lbl):
    """One template line with {{key}} replaced: tuples, generators and what callables
    return give pieces of HTML, other values are escaped; UPPER_CASE keys are labels."""
    i = 0
    while True:
        j = line.find("{{", i)
        if j < 0:
            yield line[i:] if i else line
            return
        k = line.find("}}", j)
        yield line[i:j]
        key = line[j + 2:k]
        v = values[key] if key in values else lbl[key]
        if callable(v):
            yield from v()
        elif type(v) is tuple or type(v) is _GEN:
            yield from v  # type: ignore[misc]  # mypy takes _GEN for None
        else:
            yield esc(v)
        i = k + 2


def _section(name, values, lbl):
    """The template section @@name of www/pages.html, filled (where it starts is kept
    as the labels are)."""
    with open(WWW + "pages.html") as f:
        at = _KEPT.get("@@" + name)
        if at:
            f.seek(at)
        inside = bool(at)
        while True:
            line = f.readline()
            if not line:
                return
            if line[:2] == "@@":
                if inside:
                    return
                inside = line[2:].strip() == name
                if inside and lbl.keep:
                    _KEPT["@@" + name] = f.tell()
            elif inside:
                yield from _fill(line, values, lbl)


def page(portal, lbl, title, section, values, brand=None, menu=True, extra=""):
    """A Response streaming a page: head, menu, a template section, the script."""
    return Response(_page(portal, lbl, title, section, values, brand, menu, extra))


def _page(portal, lbl, title, section, values, brand, menu, extra):
    # a generator of its own, not a closure: no cell per argument
    yield _HEAD
    yield esc(lbl[title])
    yield "</title>%s<link rel=\"stylesheet\" href=\"/_ac/ac.css?v=%s\"></head><body>" \
          "<div class=\"container\">" % (extra, __version__)
    if menu:
        yield from _menu(portal, lbl, brand)
    yield from _section(section, values, lbl)
    yield '</div><script src="/_ac/ac.js?v=%s"></script></body></html>' % __version__


def _menu(portal, lbl, brand):
    cfg = portal.config
    m = portal.menu_items()
    ssid = portal.sta.config("essid") if portal.sta.isconnected() else "N/A"
    item = '<li class="lb-item"><a href="%s">%s</a></li>'

    def lab(k):                     # "MENULABEL_" + k: short keys are interned names
        return esc(lbl["MENULABEL_" + k].replace("{{CUR_SSID}}", ssid))
    yield ('<header id="lb"><input type="checkbox" class="lb-cb" id="lb-cb"><div class="lb-menu">'
           '<ul class="lb-navigation"><li class="lb-header"><a href="%s" class="lb-brand">%s</a>'
           '<label class="lb-burger" for="lb-cb"><span></span></label></li>'
           % (esc(portal.boot_path()), esc(lbl[brand] if brand else cfg.title)))
    if m & _CONFIGNEW:
        yield item % ("/_ac/config", lab("CONFIGNEW"))
    if m & _OPENSSIDS:
        yield item % ("/_ac/open", lab("OPENSSIDS"))
    if m & _DISCONNECT:
        yield ('<li class="lb-item"><form method="post" action="/_ac/disc"><button>%s</button>'
               '</form></li>' % lab("DISCONNECT"))
    if m & _RESET:
        yield '<li class="lb-item" id="reset"><a href="#rdlg">%s</a></li>' % lab("RESET")
    for aux in portal.aux_pages:
        if aux.menu:
            yield item % (esc(aux.uri), esc(aux.title))
    if m & _UPDATE and (portal.ota or portal.update and portal.sta.isconnected()):
        yield item % ("/_ac/update", lab("UPDATE"))
    if m & _HOME:
        yield item % (esc(cfg.home_uri or "/"), lab("HOME"))
    if m & _DEVINFO:
        yield item % ("/_ac", lab("DEVINFO"))
    yield "</ul></div>"
    if m & _RESET:
        yield ('<div class="lap" id="rdlg"><a href="#reset" class="overlap"></a><form method="post" '
               'action="/_ac/reset"><button class="modal_button">%s</button></form></div>'
               % esc(lbl["BUTTONLABEL_RESET"]))
    yield "</header>"


def rows(lbl, flat):
    """Table rows for the {{rows}} of the table section, from [label name, value, ...]:
    one flat list, labels read as each row is written. Defined here, not by the page's
    module, so that module can go while the page is written."""
    def gen():
        for i in range(0, len(flat), 2):
            yield "<tr><td>%s</td><td>%s</td></tr>" % (esc(lbl[flat[i]]), esc(flat[i + 1]))
    return gen


def quality(rssi):
    """AutoConnect's signal quality in percent."""
    return 0 if rssi <= -100 or rssi == 31 else 100 if rssi >= -50 else 2 * (rssi + 100)
