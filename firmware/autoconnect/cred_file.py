"""Reading the credential store's file (see credential.py), apart from the store's
class, for the pages that only list the saved networks."""
import json


def read(path):
    """The entries of a store file; None when it is missing; ValueError when damaged."""
    try:
        f = open(path)
    except OSError:
        return None
    with f:
        try:
            entries = json.load(f)["entries"]
            for e in entries:
                if not (isinstance(e["ssid"], str) and isinstance(e["password"], str)):
                    raise ValueError("bad entry")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ValueError("%s: %s" % (path, e))
    return entries


def entries(path):
    """The saved entries, most recent first; ValueError when the store is damaged."""
    es = read(path)
    if es is None:                                  # FAT: a rename cut after the remove
        es = read(path + ".tmp")
    return es or []
