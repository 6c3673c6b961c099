"""--export DIR: the catalog as a static tree that nginx (or a CDN behind it) serves to a fleet.

    DIR/files/...                  the catalog's files, sub-folders kept, dates preserved
    DIR/catalog/<folder>/index.json  the `_catalog?op=list&path=<folder>` answer of each folder
    DIR/catalog/<folder>/index.html  the page `GET /?path=<folder>` of each folder
    DIR/nginx-maps.conf            nginx maps $uri -> x-MD5, x-version, Content-Disposition
    DIR/MD5SUMS, DIR/SHA256SUMS    checksums for md5sum -c / sha256sum -c (run in DIR/files)
    DIR/nginx.conf                 nginx.conf.template filled in for DIR, listening on 8000"""
import hashlib
import logging
import os
import shutil
from pathlib import Path

from tools.updateserver import page
from tools.updateserver.catalog import to_json
from tools.updateserver.fileheaders import file_headers

log = logging.getLogger("updateserver")
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MARKER = ".updateserver-export"
GENERATED = ("files", "catalog", "nginx-maps.conf", "MD5SUMS", "SHA256SUMS", "nginx.conf", MARKER)
RESERVED = ("index.json", "index.html")     # per-folder answers in DIR/catalog/<folder>/
_REGEX_META = set("^$.[]|()?*+{}")
MAPS = (("$ac_md5", "x-MD5"), ("$ac_version", "x-version"),
        ("$ac_disposition", "Content-Disposition"))


class ExportError(Exception):
    """The export cannot be written (bad destination)."""


def nginx_site(root, listen=8000):
    """nginx.conf.template filled in for a tree at root, listening on `listen` (port or ip:port)."""
    return TEMPLATE.read_text().replace("@ROOT@", str(root)).replace("@LISTEN@", str(listen))


def export(catalog, dest):
    """Write the tree for a Catalog to dest; returns a one-line summary."""
    dest = Path(dest).resolve()
    _prepare(dest, Path(catalog.root))
    files = []                      # (uri, headers, sha256) of every exported file
    folders = _walk(catalog, "", dest, files, set())
    _write(dest / "nginx-maps.conf", _maps(files))
    _write(dest / "MD5SUMS", "".join(f"{h['x-MD5']}  {uri[1:]}\n" for uri, h, _ in files))
    _write(dest / "SHA256SUMS", "".join(f"{sha}  {uri[1:]}\n" for uri, _, sha in files))
    _write(dest / "nginx.conf", nginx_site(dest))
    _write(dest / MARKER, "Written by python -m tools.updateserver --export; replaced by it.\n")
    return (f"Exported {len(files)} files in {folders} folders to {dest}; "
            f"nginx configuration: {dest / 'nginx.conf'}")


def _prepare(dest, root):
    """Make dest an empty export folder; only a previous export is ever replaced."""
    for a, b in ((dest, root), (root, dest)):
        if a == b or b in a.parents:
            raise ExportError(f"the export folder and the catalog must not contain each other: "
                              f"{dest}, {root}")
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} is not a folder")
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER).is_file():
            raise ExportError(f"{dest} is neither empty nor an earlier export")
        for name in GENERATED:
            path = dest / name
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    (dest / "files").mkdir(parents=True)


def _walk(catalog, folder, dest, files, seen):
    """Export one folder and its sub-folders; returns how many folders were written."""
    real = catalog.resolve(folder)
    if real in seen:                # a symlinked folder seen before (a loop): not again
        return 0
    seen.add(real)
    entries = [e for e in catalog.listing(folder) if _exportable(folder, e)]
    rows, count = [], 1
    (dest / "catalog" / folder).mkdir(parents=True, exist_ok=True)
    for entry in entries:
        path = page.join(folder, entry["name"])
        if entry["type"] == "directory":
            (dest / "files" / path).mkdir(exist_ok=True)
            count += _walk(catalog, path, dest, files, seen)
            rows.append((entry, None))
        else:
            rows.append((entry, _copy(catalog, path, dest / "files" / path, files)))
    (dest / "catalog" / folder / "index.json").write_bytes(to_json(entries))
    (dest / "catalog" / folder / "index.html").write_bytes(page.render(folder, rows))
    return count


def _exportable(folder, entry):
    """False (with a warning) for names nginx's configuration cannot carry."""
    name = entry["name"]
    if "$" in name or (entry["type"] == "directory" and name in RESERVED):
        log.warning("not exported (name unusable in the nginx export): %s",
                    page.join(folder, name))
        return False
    return True


def _copy(catalog, path, target, files):
    """Copy one file (keeping its date) and record its headers; returns its Info."""
    shutil.copy2(catalog.resolve(path), target)
    info = catalog.info(path)
    with open(target, "rb") as f:
        sha = hashlib.file_digest(f, "sha256").hexdigest()
    files.append(("/" + path, file_headers(os.path.basename(path), info), sha))
    return info


def _maps(files):
    """nginx maps from $uri to each per-file header (case-sensitive regex keys)."""
    out = ["# Written by python -m tools.updateserver --export: the headers of each file."]
    for variable, header in MAPS:
        out.append(f"map $uri {variable} {{\n    default \"\";")
        out += [f"    {_regex_key(uri)} {_quote(h[header])};" for uri, h, _ in files
                if header in h]
        out.append("}")
    return "\n".join(out) + "\n"


def _regex_key(uri):
    """A map key matching exactly this $uri (nginx matches plain string keys ignoring case).

    Served names hold no backslash, so regex escapes are written as nginx keeps them."""
    escaped = "".join("\\" + c if c in _REGEX_META else c for c in uri)
    return '"~^' + escaped.replace('"', '\\"') + '$"'


def _quote(text):
    """A double-quoted nginx string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write(path, text):
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
