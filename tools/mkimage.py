"""python -m tools.mkimage: write a valid ESP32 app image with a given version."""
import argparse
import sys

from tools import appimage


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.mkimage", description=__doc__)
    ap.add_argument("--version", required=True, help="app descriptor version (< 32 bytes)")
    ap.add_argument("-o", "--output", required=True, help="image file to write")
    ap.add_argument("--size", type=int, default=64 * 1024,
                    help="approximate total file size in bytes (default 65536)")
    ap.add_argument("--chip", default="esp32", choices=sorted(appimage.CHIPS))
    ap.add_argument("--project", default="app", help="app descriptor project name")
    args = ap.parse_args(argv)
    try:
        data = appimage.build(args.version, args.project, args.size, args.chip)
    except ValueError as e:
        ap.error(str(e))
    with open(args.output, "wb") as f:
        f.write(data)
    print(f"{args.output}: {args.chip} app image, version {args.version}, "
          f"project {args.project}, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
