"""The HTML page that lists a catalog folder for people (`GET /`, `GET /?path=sub`)."""
from html import escape
from urllib.parse import quote

_STYLE = ("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
          "td,th{padding:.25em .8em;text-align:left;border-bottom:1px solid #ddd}"
          "td.n{text-align:right}code{font-size:.85em}")


def join(folder, name):
    """A catalog-relative path of a name inside a folder ('' is the root)."""
    return f"{folder}/{name}" if folder else name


def folder_link(folder):
    """The page URL of a catalog folder."""
    return "/?path=" + quote(folder) if folder else "/"


def render(folder, rows):
    """The page (bytes) of a catalog folder for its (entry, info) rows; info None for folders."""
    title = escape("/" + folder)
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width,initial-scale=1">',
           f"<title>Update server {title}</title><style>{_STYLE}</style></head><body>",
           f"<h1>Update server catalog {title}</h1>"]
    if folder:
        out.append(f'<p><a href="{folder_link(folder.rpartition("/")[0])}">Parent folder</a></p>')
    out.append("<table><tr><th>Name</th><th>Type</th><th>Version</th><th>Size</th>"
               "<th>MD5</th><th>Date</th></tr>")
    out += [_row(folder, entry, info) for entry, info in rows]
    out.append(f"</table><p>{len(rows)} entries</p></body></html>\n")
    return "\n".join(out).encode()


def _row(folder, entry, info):
    """One table row."""
    path = join(folder, entry["name"])
    directory = entry["type"] == "directory"
    link = folder_link(path) if directory else "/" + quote(path)
    version = escape(info.version or "") if info else ""
    md5 = info.md5 if info else ""
    size = "" if directory else entry["size"]
    return (f'<tr><td><a href="{escape(link)}">{escape(entry["name"])}</a></td>'
            f'<td>{entry["type"]}</td><td>{version}</td><td class="n">{size}</td>'
            f'<td><code>{md5}</code></td><td>{entry["date"]} {entry["time"]}</td></tr>')
