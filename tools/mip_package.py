"""python -m tools.mip_package: write package.json, the manifest that lets
`mpremote mip install github:OWNER/REPO` (or mip.install on a board) install the
autoconnect library into /lib: every file of firmware/autoconnect mapped to
autoconnect/..., with URLs relative to package.json, and the library's version.
--check only tells whether package.json is up to date (exit status 1 when not)."""
import argparse
import json
import re
import sys

from tools.layout import FIRMWARE, ROOT, sources

PACKAGE_JSON = ROOT / "package.json"


def version():
    """autoconnect.__version__, read from the source (the package is MicroPython code)."""
    text = (FIRMWARE / "autoconnect" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def manifest():
    """package.json's text: one [installed path, URL] pair a line."""
    urls = [[rel[len("lib/"):], src.relative_to(ROOT).as_posix()]
            for src, rel in sources() if rel.startswith("lib/autoconnect/")]
    lines = ",\n".join(f"    {json.dumps(pair)}" for pair in urls)
    return f'{{\n  "urls": [\n{lines}\n  ],\n  "version": {json.dumps(version())}\n}}\n'


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.mip_package", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare, do not write")
    args = ap.parse_args(argv)
    text = manifest()
    if args.check:
        current = PACKAGE_JSON.read_text() if PACKAGE_JSON.exists() else ""
        if current != text:
            sys.exit("package.json is out of date: run python -m tools.mip_package")
        print("package.json is up to date")
        return
    PACKAGE_JSON.write_text(text)
    print(f"wrote package.json: {len(json.loads(text)['urls'])} files, version {version()}")


if __name__ == "__main__":
    main()
