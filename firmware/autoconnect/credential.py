"""AutoConnectCredential: saved networks in one JSON file on the board's filesystem.

Entries are kept most recently connected first: {"ssid", "password", "bssid"
("aa:bb:cc:dd:ee:ff" or ""), "dhcp" (bool), "ip", "gateway", "netmask", "dns1",
"dns2"}. Every change is written to a temporary file that then replaces the store
(an atomic rename on LittleFS), so a power cut leaves the old or the new store.
A damaged store is reported (`damaged`) and read as empty."""
import json
import os

from .cred_file import entries as _stored
from .cred_file import read as _read

_STATIC = ("ip", "gateway", "netmask", "dns1", "dns2")


class AutoConnectCredential:
    def __init__(self, path="/ac_credt.json", max_entries=8):
        self.path = path
        self.max_entries = max_entries
        self.damaged = None

    def _entries(self):
        """The entries, read afresh (another instance may have changed the store)."""
        try:
            return _stored(self.path)
        except ValueError as e:
            self.damaged = str(e)
            print("AutoConnectCredential: damaged store read as empty:", e)
            return []

    def _write(self, entries):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"v": 1, "entries": entries}, f)
        try:
            os.rename(tmp, self.path)
        except OSError:                             # filesystems that refuse to overwrite
            os.remove(self.path)
            os.rename(tmp, self.path)
        self.damaged = None

    def entries(self):
        """The number of saved networks."""
        return len(self._entries())

    def items(self):
        """Copies of the saved entries, most recent first."""
        return [dict(e) for e in self._entries()]

    def load(self, key):
        """An entry (a copy) by SSID or by index, or None."""
        es = self._entries()
        if isinstance(key, int):
            return dict(es[key]) if 0 <= key < len(es) else None
        for e in es:
            if e["ssid"] == key:
                return dict(e)
        return None

    def save(self, entry):
        """Insert or replace the entry with this SSID as the most recent; drops the
        oldest beyond max_entries. entry: a dict as above (ssid and password needed)."""
        ssid = entry.get("ssid")
        if not isinstance(ssid, str) or not ssid or len(ssid.encode()) > 32:
            raise ValueError("ssid must be 1 to 32 bytes")
        e = {"ssid": ssid, "password": entry.get("password") or "",
             "bssid": entry.get("bssid") or "", "dhcp": entry.get("dhcp", True) is not False}
        for k in _STATIC:
            e[k] = entry.get(k) or "0.0.0.0"
        es = [x for x in self._entries() if x["ssid"] != ssid]
        es.insert(0, e)
        self._write(es[:max(1, self.max_entries)])
        return True

    def touch(self, ssid, bssid=None):
        """Mark a network as the most recently connected (written only on change)."""
        es = self._entries()
        for i, e in enumerate(es):
            if e["ssid"] == ssid:
                if i == 0 and (bssid is None or e["bssid"] == bssid):
                    return
                if bssid is not None:
                    e["bssid"] = bssid
                es.insert(0, es.pop(i))
                self._write(es)
                return

    def delete(self, ssid):
        """Remove the network; False when it was not saved."""
        es = self._entries()
        left = [e for e in es if e["ssid"] != ssid]
        if len(left) == len(es):
            return False
        self._write(left)
        return True

    def backup(self, path):
        """Write every entry to a file (the store's own format)."""
        with open(path, "w") as f:
            json.dump({"v": 1, "entries": self._entries()}, f)

    def restore(self, path):
        """Replace the store with a backup file; ValueError if it is not one."""
        es = _read(path)
        if es is None:
            raise ValueError("no such file: %s" % path)
        self._write(es[:self.max_entries])


def store(portal):
    """The credential store the portal uses (its configuration's file and size)."""
    return AutoConnectCredential(portal.config.credential_file, portal.config.max_credentials)
