"""Patterns of input elements (AutoConnect's regular expressions) for MicroPython's re.
Loaded when a value is checked."""
import re


def matches(p, value):
    """Whether value matches pattern p as a whole (False for a pattern re cannot compile)."""
    try:
        return re.match("(?:%s)$" % _counted(p), value) is not None
    except Exception:
        return False


def _counted(p):
    """p with counted repetitions (x{2}, x{1,3}, x{2,}) written out, which
    MicroPython's re lacks."""
    if "{" not in p:
        return p
    out = []
    i, n = 0, len(p)
    while i < n:
        c = p[i]
        j = i + 1
        if c == "\\":
            j = i + 2
        elif c == "[":
            j = i + 2 if p[i + 1:i + 2] == "^" else i + 1
            j += p[j:j + 1] == "]"
            while j < n and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            j += 1
        elif c == "(":
            depth = 0
            while j <= n:
                ch = p[j - 1]
                depth += (ch == "(") - (ch == ")")
                if depth == 0:
                    break
                j += 2 if ch == "\\" else 1
            out.append("(" + _counted(p[i + 1:j - 1]) + ")")
            i = j
            continue
        elif c == "{" and out:
            k = p.find("}", i)
            lo, _, hi = p[i + 1:k].partition(",") if k > 0 else ["x", "", ""]
            if lo.isdigit() and (hi.isdigit() or hi == ""):
                atom = out.pop()
                rest = atom + "*" if _ and not hi else ("(?:%s)?" % atom) * (int(hi or lo) - int(lo))
                out.append(atom * int(lo) + rest)
                i = k + 1
                continue
            out.append("\\{")
            i += 1
            continue
        out.append(p[i:j])
        i = j
    return "".join(out)
