"""Import a built-in module bypassing same-named stand-ins on the path."""
import sys


def builtin(name):
    path = sys.path
    sys.path = ()
    try:
        return __import__(name)
    finally:
        sys.path = path
