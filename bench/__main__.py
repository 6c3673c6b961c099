"""python -m bench: measure every speed, memory and size row of TARGETS.md beside its
reference and write BENCHMARKS.md."""
import argparse
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import (fleet, heapfloor, machine, ota, pagesize, procs, slowconns, startup,
                   throughput)
from bench.report import Line, Section, section_md, write

ROWS = {"http": throughput, "ota": ota, "heap": heapfloor, "html": pagesize, "fleet": fleet,
        "startup": startup, "slow": slowconns}
COMMANDS = ["make bench            # make setup, then python -m bench",
            "# by hand: apt-get install wrk; .venv/bin/pip install microdot==2.7.0",
            ".venv/bin/python -m bench [--only ROW ...] [--quick] [--out FILE]"]


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--only", nargs="+", choices=list(ROWS), help="measure only these rows")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    ap.add_argument("--out", type=Path, default=procs.ROOT / "BENCHMARKS.md")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (logs, states)")
    return ap.parse_args(argv)


def measure(name, module, work, quick):
    t0 = time.monotonic()
    print("== %s" % name, flush=True)
    try:
        s = module.run(work, quick)
    except Exception as e:
        traceback.print_exc()
        s = Section("%s: not measured" % module.__name__.split(".")[-1],
                    [Line("error", "%s: %s" % (type(e).__name__, e), met=False)])
        s.missed = "The measurement failed in this run (see the console); nothing to compare."
    print(section_md(s), "(%.0f s)\n" % (time.monotonic() - t0), flush=True)
    return s


def main(argv=None):
    args = parse(argv)
    procs.on_signal_stop_all()
    work = Path(tempfile.mkdtemp(prefix="acbench-"))
    t0 = time.monotonic()
    try:
        about = machine.describe()
        sections = [measure(n, m, work, args.quick) for n, m in ROWS.items()
                    if not args.only or n in args.only]
    finally:
        procs.stop_all()
        if args.keep:
            print("work folder kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    header = ("# Benchmarks\n\nWritten by `make bench` (`python -m bench`%s) on %s UTC. Every "
              "figure is measured beside its reference in the same run on the machine below; "
              "the targets are TARGETS.md's." % (" --quick" if args.quick else "",
                                                  time.strftime("%Y-%m-%d %H:%M", time.gmtime())))
    write(args.out, header, about, COMMANDS, sections, time.monotonic() - t0)
    print("wrote", args.out)
    return 1 if any(s.title.endswith("not measured") for s in sections) else 0


if __name__ == "__main__":
    sys.exit(main())
