"""Where the example's heap goes: its code (webupdate.py, which main.py imports) cut into
top-level statements (up to begin()), run as the board's main.py with the heap in use
printed after each, once in esp8266 mode."""
import ast

from bench.sim import Board
from tools.layout import FIRMWARE

PROBE = ("import gc\n\n\ndef _used(label):\n    gc.collect()\n"
         "    print('memsplit', gc.mem_alloc(), label)\n_used('start')\n")


def instrumented(src):
    """The example's statements before its first `if`/`while`, each followed by _used()."""
    lines = src.splitlines(keepends=True)
    out = [PROBE]
    for node in ast.parse(src).body:
        if isinstance(node, (ast.If, ast.While)):
            break
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue                        # the docstring
        out += lines[node.lineno - 1:node.end_lineno]
        out.append("_used(%r)\n" % lines[node.lineno - 1].strip()[:70])
    return "".join(out)


def measure(work, heap="256K"):
    """[(statement, bytes it left allocated)] and the total, in esp8266 mode (the
    library from .mpy, the statements from source)."""
    main = work / "memsplit-main.py"
    main.write_text(instrumented((FIRMWARE / "webupdate.py").read_text()))
    board = Board(work, "memsplit", main=main, chip="esp8266", heap=heap)
    board.start(wait=False, extra=["--exit-on-halt"])
    try:
        board.proc.wait(120)
    finally:
        board.stop()
    marks = [ln.split(" ", 2)[1:] for ln in board.log().splitlines() if ln.startswith("memsplit ")]
    used = [(label, int(n)) for n, label in marks]
    steps = [(label, n - used[i][1]) for i, (label, n) in enumerate(used[1:])]
    return steps, used[-1][1] - used[0][1]
