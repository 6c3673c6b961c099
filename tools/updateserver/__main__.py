"""python -m tools.updateserver: the update server for AutoConnect clients (catalog + binaries).

A drop-in for AutoConnect's updateserver.py: `GET /_catalog?op=list&path=<folder>` lists a catalog
folder as JSON; any other GET or HEAD downloads a file of the catalog with the x-MD5 and x-version
headers the ESP8266/ESP32 http-Update clients want. `GET /` is a page for people.
With --export, writes a static tree for nginx or a CDN instead of serving."""
import argparse
import logging
import os
import sys

from tools.updateserver import checks, export
from tools.updateserver.catalog import Catalog
from tools.updateserver.server import UpdateServer, run

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def credentials(text):
    """argparse type of --auth."""
    try:
        return checks.parse_credentials(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def port_number(text):
    """argparse type of --port."""
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("must be 0..65535")
    return port


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m tools.updateserver", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-p", "--port", type=port_number, default=8000,
                    help="TCP port to listen on (default 8000; 0 picks a free one)")
    ap.add_argument("-b", "--bind", default="0.0.0.0", metavar="ADDRESS",
                    help="address to listen on (default 0.0.0.0, all IPv4 interfaces)")
    ap.add_argument("-d", "--catalog", default=".", metavar="DIR",
                    help="folder holding the binaries (default: the working folder)")
    ap.add_argument("-l", "--log", default="INFO", type=str.upper, choices=LEVELS,
                    metavar="LEVEL", help="log level: " + ", ".join(LEVELS) + " (default INFO)")
    ap.add_argument("--no-header-check", action="store_true",
                    help="serve binaries to any client, not only ESP8266/ESP32 updaters")
    ap.add_argument("--auth", type=credentials, metavar="USER:PASS",
                    help="ask every client for these HTTP Basic credentials")
    ap.add_argument("--export", metavar="DIR",
                    help="write a static tree of the catalog for nginx to DIR, then exit")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.catalog):
        ap.error(f"catalog folder not found: {args.catalog}")
    return ap, args


def main(argv=None):
    ap, args = parse_args(argv)
    logging.basicConfig(level=args.log, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    catalog = Catalog(args.catalog)
    if args.export:
        try:
            summary = export.export(catalog, args.export)
        except (export.ExportError, OSError) as e:
            ap.error(str(e))
        print(summary)
        return 0
    try:
        server = UpdateServer((args.bind, args.port), catalog, not args.no_header_check,
                              args.auth)
    except OSError as e:
        print(f"{ap.prog}: cannot listen on {args.bind}:{args.port}: {e}", file=sys.stderr)
        return 1
    print(f"Serving catalog {catalog.root} on {server.url()} (Ctrl-C to stop)", flush=True)
    run(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
