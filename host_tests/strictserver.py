"""A strict stand-in for AutoConnect's update server script: it lists the catalog the
same way and refuses a binary request unless every header the script checks is there.
It records what it was asked and can misbehave on purpose (`faults`)."""
import hashlib
import json
import re
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

NEEDED = ("sta-mac", "ap-mac", "free-space", "sketch-size", "sketch-md5", "chip-size", "sdk-version")


def entries(folder):
    out = []
    for p in sorted(folder.iterdir()):
        st = p.stat()
        t = datetime.fromtimestamp(st.st_mtime)
        kind = "directory" if p.is_dir() else "file"
        if p.is_file() and p.suffix == ".bin" and p.read_bytes()[:1] == b"\xe9":
            kind = "bin"
        elif p.is_file() and p.read_bytes()[:5] == b"ACB1 ":
            kind = "bundle"
        out.append({"name": p.name, "type": kind, "date": t.strftime("%m/%d/%y"),
                    "time": t.strftime("%H:%M:%S"), "size": st.st_size})
    return out


class StrictServer:
    """Serves folder on 127.0.0.1:port. faults: {"catalog": bytes body, "status": int,
    "drop": n bytes then close, "md5": wrong hex, "nolength": True, "stall": seconds, "slow": seconds between 8 KB pieces,
    "hangup": True (close without a byte)}."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.requests = []
        self.faults = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                owner.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, h):
        url = urlsplit(h.path)
        f = self.faults
        if f.get("hangup"):
            return None                     # the connection closes unanswered
        if url.path == "/_catalog":
            q = parse_qs(url.query)
            body = f.get("catalog") or json.dumps(entries(self.folder / q.get("path", ["."])[0])).encode()
            return self.send(h, f.get("catalog_status", 200), body, {"Content-Type": "application/json"})
        hd = {k.lower(): v for k, v in h.headers.items()}
        m = re.match(r"(ESP8266|ESP32)-http-Update", hd.get("user-agent", ""))
        if not m or any(f"x-{m.group(1).lower()}-{n}" not in hd for n in NEEDED):
            return self.send(h, 403, b"header check failed")
        if "stall" in f:
            time.sleep(f["stall"])
            return None
        if "status" in f:
            return self.send(h, f["status"], b"", {"Location": "/elsewhere.bin"})
        path = self.folder / unquote(url.path.lstrip("/"))
        if not path.is_file():
            return self.send(h, 404, b"not found")
        data = path.read_bytes()
        head = {"Content-Type": "application/octet-stream", "x-MD5": f.get("md5") or
                hashlib.md5(data).hexdigest()}
        if f.get("nolength"):
            self.head(h, head, None)
            h.wfile.write(data)
            return None
        if "slow" in f:
            self.head(h, head, len(data))
            for i in range(0, len(data), 8192):
                h.wfile.write(data[i:i + 8192])
                h.wfile.flush()
                time.sleep(f["slow"])
            return None
        if "drop" in f:
            self.head(h, head, len(data))
            h.wfile.write(data[:f["drop"]])
            h.wfile.flush()
            h.connection.close()
            return None
        return self.send(h, 200, data, head)

    @staticmethod
    def head(h, headers, length, status=200):
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        if length is not None:
            h.send_header("Content-Length", str(length))
        h.end_headers()

    def send(self, h, status, body, headers=None):
        self.head(h, headers or {}, len(body), status)
        h.wfile.write(body)
