"""python -m tools.upload: send a firmware image or an application bundle to a board's
browser update page and print the board's answer.

URL is either the HTTPUpdateServer page (e.g. http://esp-webupdate.local/update: the
file goes as the field "firmware", or "filesystem" with --bundle) or AutoConnect's
built-in page (http://<board>/_ac/update: the file goes to /_ac/update_act as "bin").
A firmware image's MD5 travels in the x-MD5 header, so the board checks what it
received (a bundle carries a SHA-256 per file and needs none).
Exit status: 0 updated, 1 refused by the board, 2 not delivered."""
import argparse
import base64
import hashlib
import html
import http.client
import os
import re
import sys
import urllib.parse
import uuid

from tqdm import tqdm

CHUNK = 16384


class UploadError(Exception):
    """The upload did not reach the board or the board did not answer."""


def target(url, bundle, filename):
    """(scheme, host, port, path, field, filename) for an update page URL."""
    u = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise UploadError(f"not an http URL: {url}")
    path = u.path or "/update"
    if path.rstrip("/") in ("/_ac/update", "/_ac/update_act"):
        path, field = "/_ac/update_act", "bin"
        if bundle and not filename.lower().endswith(".acb"):
            filename += ".acb"          # the built-in page tells bundles by their name
    else:
        field = "filesystem" if bundle else "firmware"
    return u.scheme, u.hostname, u.port, path, field, filename


def md5_of(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def send(url, path, user=None, password=None, bundle=False, timeout=60, progress=True):
    """Upload the file at path; returns (HTTP status, the board's answer as text)."""
    scheme, host, port, upath, field, name = target(url, bundle, os.path.basename(path))
    firmware = field == "firmware" or field == "bin" and name.lower().endswith(".bin")
    size = os.path.getsize(path)
    boundary = "----acupload" + uuid.uuid4().hex
    quoted = name.replace('"', "%22").replace("\r", "").replace("\n", "")
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": "multipart/form-data; boundary=" + boundary,
               "Content-Length": str(len(head) + size + len(tail))}
    if firmware:
        headers["x-MD5"] = md5_of(path)
    if user is not None or password is not None:
        token = f"{user or ''}:{password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = cls(host, port, timeout=timeout)
    try:
        conn.putrequest("POST", upath)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        try:
            _body(conn, head, path, tail, name, size, progress)
        except OSError:
            pass        # the board answered early (401, 403, a refusal): read its answer
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:
        raise UploadError(f"{host}:{port or 80}: {e}") from None
    finally:
        conn.close()


def _body(conn, head, path, tail, name, size, progress):
    conn.send(head)
    with open(path, "rb") as f, tqdm(total=size, unit="B", unit_scale=True, unit_divisor=1024,
                                     desc=name, disable=not progress) as bar:
        for block in iter(lambda: f.read(CHUNK), b""):
            conn.send(block)
            bar.update(len(block))
    conn.send(tail)


def verdict(status, body):
    """(succeeded, the answer in words) from the page's reply."""
    if status == 401:
        return False, "authentication failed (401): give the page's --user and --password"
    if status != 200:
        return False, f"HTTP {status}: {body.strip()[:200]}"
    rc = re.search(r'<div id="rc"[^>]*>([^<]*)<', body)
    if rc:                                          # the built-in page's result elements
        result = re.search(r'<div id="result"[^>]*>([^<]*)<', body)
        text = html.unescape(result.group(1)) if result else body
        return rc.group(1) != "1", text
    text = re.sub(r"<[^>]+>", "", body).strip()
    return not text.startswith("Update error"), text


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.upload", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", help="the update page, e.g. http://192.168.4.1/update")
    ap.add_argument("file", help="a firmware image (.bin) or an application bundle (.acb)")
    ap.add_argument("--user", help="the page's user name (Basic authentication)")
    ap.add_argument("--password", help="the page's password")
    ap.add_argument("--bundle", action="store_true",
                    help="send the file as an application bundle (the filesystem field)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds to wait (default 60)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    if not os.path.isfile(args.file):
        ap.error(f"no such file: {args.file}")
    try:
        status, body = send(args.url, args.file, args.user, args.password, args.bundle,
                            args.timeout, not args.quiet)
    except UploadError as e:
        print(f"upload failed: {e}", file=sys.stderr)
        return 2
    ok, text = verdict(status, body)
    print(text, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
