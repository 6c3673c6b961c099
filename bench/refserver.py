"""AutoConnect's update-server serving model, re-created as the fleet benchmark's
reference: one thread (`http.server.HTTPServer`), and for every download the whole file
read to compute its MD5, then read again and written in one piece.

    python -m bench.refserver -p PORT -d CATALOG"""
import argparse
import hashlib
import http.server
import os


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.join(self.server.catalog, os.path.basename(self.path.split("?")[0]))
        try:
            with open(path, "rb") as f:
                md5 = hashlib.md5(f.read()).hexdigest()
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Disposition", "attachment; filename=" + os.path.basename(path))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-MD5", md5)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser(prog="python -m bench.refserver", description=__doc__)
    ap.add_argument("-p", "--port", type=int, required=True)
    ap.add_argument("-d", "--catalog", required=True)
    args = ap.parse_args()
    httpd = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
    httpd.catalog = args.catalog
    httpd.serve_forever()


if __name__ == "__main__":
    main()
