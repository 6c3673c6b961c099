"""AutoConnectAux's less used methods: release(), set_element_value(), on_upload(),
is_valid(), referer(), redirect(), load_element() and save_element(). AutoConnectAux
(aux.py) finds them through __getattr__, which loads this module for the call."""
from .aux import json_job


def release(aux, name):
    """Remove an element; False when there is none of that name."""
    e = aux.get_element(name)
    if e is None:
        return False
    aux.elements.remove(e)
    return True


def set_element_value(aux, name, value):
    aux[name].value = value


def on_upload(aux, handler):
    """Receive ACFile uploads in the application: handler.open(filename, mime_type,
    aux) -> bool, handler.write(chunk) and handler.close(ok)."""
    aux.upload_handler = handler


def is_valid(aux):
    """Whether every ACInput's value matches its pattern."""
    return all(e.is_valid() for e in aux.elements)


def referer(aux):
    """The page whose form led here (its posted values already stored), or None."""
    return aux._referer


def redirect(aux, url):
    """A 302 to url, for handlers of pages with response=False."""
    from .response import redirect
    return redirect(url)


def load_element(aux, src, names=None):
    """Create or update elements from JSON (an element or an array), optionally only
    the named ones."""
    json_job("load_elements", aux, src, names)


def save_element(aux, names=None, path=None):
    """AutoConnect's JSON of the page (no names), of one element (a name) or of
    several (a list); written atomically to path when given."""
    return json_job("save", aux, names, path)
