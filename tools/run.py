"""python -m tools.run (make run): the simulated board running the example application.

Options are passed on to tools.simboard (--chip, --state, --http-port, --fresh, ...);
the library and main.py are reinstalled each time, the board's data are kept."""
import signal
import subprocess
import sys


def option(argv, name, default):
    return argv[argv.index(name) + 1] if name in argv[:-1] else default


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    port = option(argv, "--http-port", "8080")
    board = subprocess.Popen([sys.executable, "-m", "tools.simboard", "--reinstall", *argv])
    print(f"\n  Portal:  http://127.0.0.1:{port}/_ac\n  Status:  http://127.0.0.1:{port}"
          f"/_ac/status\n  Press Ctrl-C to stop.\n", flush=True)
    try:
        return board.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if board.poll() is None:
            board.send_signal(signal.SIGTERM)
            board.wait(10)


if __name__ == "__main__":
    sys.exit(main())
