"""python -m tools.run (make run): the simulated board running the example application,
and the update server beside it.

Options are passed on to tools.simboard (--chip, --state, --http-port, --fresh, ...),
except --update-port (default 8000) and --catalog (default build/catalog), which go to
tools.updateserver. An empty catalog gets a sample image (version 2.0.0). The library,
the example's webupdate.py and main.py are reinstalled each time, the board's data are
kept."""
import subprocess
import sys
from pathlib import Path

from tools import appimage
from tools.procs import stop

ROOT = Path(__file__).resolve().parents[1]


def option(argv, name, default, take=False):
    """The value of option name in argv (removed from argv when take)."""
    if name not in argv[:-1]:
        return default
    i = argv.index(name)
    value = argv[i + 1]
    if take:
        del argv[i:i + 2]
    return value


def sample_catalog(folder):
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.iterdir()):
        (folder / "app-2.0.0.bin").write_bytes(appimage.build("2.0.0"))


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    port = option(argv, "--http-port", "8080")
    update_port = option(argv, "--update-port", "8000", take=True)
    catalog = Path(option(argv, "--catalog", str(ROOT / "build" / "catalog"), take=True))
    sample_catalog(catalog)
    server = subprocess.Popen([sys.executable, "-m", "tools.updateserver", "-p", update_port,
                               "-b", "127.0.0.1", "-d", str(catalog)], cwd=ROOT)
    board = subprocess.Popen([sys.executable, "-m", "tools.simboard", "--reinstall", *argv],
                             cwd=ROOT)
    print(f"\n  Portal:         http://127.0.0.1:{port}/_ac\n  Status:         http://127.0.0.1:"
          f"{port}/_ac/status\n  Update server:  http://127.0.0.1:{update_port}/ (catalog "
          f"{catalog})\n  Press Ctrl-C to stop.\n", flush=True)
    try:
        return board.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (board, server):
            stop(proc)


if __name__ == "__main__":
    sys.exit(main())
