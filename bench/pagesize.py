"""Row 4: body bytes of each built-in page with 0, 1 and N list items, and the shared
stylesheet and script as served gzipped, against AutoConnect's static templates."""
import json

from bench import procs, sim
from bench.report import Line, Section
from tools import appimage

N = 5                   # items: one /_ac/config page shows five networks
PAGE, ITEM, ASSETS = 4096, 200, 4096
AUTOCONNECT = {"/_ac": 5.4, "/_ac/config": 8.3, "/_ac/open": 7.1}     # KB, inline CSS included


def network(i):
    return {"ssid": "Neighbour-%02d" % i, "bssid": "a0:00:00:00:01:%02x" % i, "channel": 1 + i,
            "rssi": -50 - 3 * i, "auth": "wpa2", "password": "password%02d" % i}


def credential(net):
    return {"ssid": net["ssid"], "password": net["password"], "bssid": net["bssid"], "dhcp": True,
            "ip": "0.0.0.0", "gateway": "0.0.0.0", "netmask": "0.0.0.0", "dns1": "0.0.0.0",
            "dns2": "0.0.0.0"}


def body_size(board, path, headers=None):
    status, _, body = board.request("GET", path, headers=headers, timeout=30)
    if status != 200:
        raise RuntimeError("%s answered %d" % (path, status))
    return len(body)


def portal_sizes(work):
    """{path: [size with 0, 1, N items]} of /_ac, /_ac/config, /_ac/open; asset sizes."""
    board = sim.Board(work, "pages", main=sim.app(work, "portal", {}))
    sim.write_world(board.world, [])
    sizes = {"/_ac": [], "/_ac/config": [], "/_ac/open": []}      # /_ac: no list
    try:
        board.start()
        for n in (0, 1, N):
            nets = [network(i) for i in range(n)]
            sim.write_world(board.world, nets)
            store = board.state / "fs" / "ac_credt.json"
            store.write_text(json.dumps({"v": 1, "entries": [credential(x) for x in nets]}))
            for path in sizes:
                sizes[path].append(body_size(board, path))
        gz = {"Accept-Encoding": "gzip"}
        assets = {p: body_size(board, p, gz) for p in ("/_ac/ac.css", "/_ac/ac.js")}
    finally:
        board.stop()
    return sizes, assets


def catalog_sizes(work):
    """[size of /_ac/update with 0, 1, N catalog entries], size of /_ac, on a board joined
    to a network."""
    catalog = work / "pages-catalog"
    catalog.mkdir()
    server, sport = procs.updateserver(catalog, work / "pages-updateserver.log")
    board = sim.Board(work, "catalog", main=sim.app(work, "otabench", {"pull": ["127.0.0.1", sport]}))
    out = []
    try:
        board.start()
        board.wait_for(lambda: board.status()["ssid"] == "HomeNet", 30, "joined HomeNet")
        for n in (0, 1, N):
            for i in range(n):
                name = catalog / ("app-1.0.%d.bin" % i)
                if not name.exists():
                    name.write_bytes(appimage.build("1.0.%d" % i, "app", 4096))
            out.append(body_size(board, "/_ac/update"))
        stat = body_size(board, "/_ac")
    finally:
        board.stop()
        procs.stop(server)
    return out, stat


def run(work, quick=False):
    sizes, assets = portal_sizes(work)
    sizes["/_ac/update"], joined = catalog_sizes(work)
    return section(sizes, assets, joined)


def page_line(path, sizes, what):
    empty, one, full = sizes
    item = (full - one) / (N - 1)
    ref = AUTOCONNECT.get(path)
    return Line("`%s` %s" % (path, what),
                "%d B with 0, %d B with 1, %d B with %d (%.0f B per item)" % (empty, one, full, N, item),
                "~%.1f KB" % ref if ref else "—", "%.2fx" % (full / (ref * 1024)) if ref else "—",
                "<= %d B + <= %d B/item" % (PAGE, ITEM), empty <= PAGE and item <= ITEM)


def stat_line(portal, joined):
    big = max(portal, joined)
    return Line("`/_ac` (statistics)",
                "%d B in the portal, %d B joined to a network" % (portal, joined),
                "~%.1f KB" % AUTOCONNECT["/_ac"], "%.2fx" % (big / (AUTOCONNECT["/_ac"] * 1024)),
                "<= %d B" % PAGE, big <= PAGE)


def section(sizes, assets, joined):
    s = Section("4. HTML size of the built-in pages")
    s.lines += [stat_line(sizes["/_ac"][0], joined),
                page_line("/_ac/config", sizes["/_ac/config"], "(networks in sight)"),
                page_line("/_ac/open", sizes["/_ac/open"], "(saved networks)"),
                page_line("/_ac/update", sizes["/_ac/update"], "(catalog entries)")]
    total = sum(assets.values())
    s.lines.append(Line("shared assets, gzipped: " + " + ".join("`%s`" % p for p in assets),
                        " + ".join("%d" % v for v in assets.values()) + " = %d B" % total,
                        "inline in every page", "—", "<= %d B" % ASSETS, total <= ASSETS))
    s.notes = ["Body bytes as served (pages are not compressed; the stylesheet and script are "
               "separate, gzipped and cached). Items: networks `Neighbour-NN` in the simulated "
               "world, the same networks saved (in sight, so each shows its signal), catalog "
               "images `app-1.0.N.bin`; the per-item figure is (size with %d - size with 1) / %d."
               % (N, N - 1),
               "Reference: AutoConnect's static templates with their inline CSS (TARGETS.md); the "
               "ratio compares the page with %d items (`/_ac`: the larger) to it (KB = 1024 B)." % N]
    return s
