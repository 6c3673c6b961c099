"""The networks in sight: a scan kept for the portal's pages, and the one a saved
entry matches. Loaded for the pages that list networks and for a join."""


def mac(b):
    return ":".join("%02x" % x for x in b)


def rescan(portal):
    """Scan for networks; the list is kept in portal.scan_cache for paging and matching,
    except on a small heap (under 32 KB free), where each page scans again: kept, it
    would sit between the next pages' objects."""
    import gc
    try:
        found = portal.sta.scan()
    except OSError:
        found = []
    portal.scan_cache = found if gc.mem_free() > 32768 else None
    return found


def match(portal, entry, scan):
    """The scan result (ssid, bssid, channel, rssi, security, hidden) a saved entry
    matches: its BSSID, else the strongest with its SSID, at or above min_rssi."""
    hit = None
    name = entry["ssid"].encode()
    for ap in scan:
        if ap[3] < portal.config.min_rssi:
            continue
        if mac(ap[1]) == entry.get("bssid"):
            return ap
        if ap[0] == name and (hit is None or ap[3] > hit[3]):
            hit = ap
    return hit
