# Test script: AutoConnectCredential's API on the board; prints one JSON line of results.
import json

from autoconnect import AutoConnectCredential

out = {}
c = AutoConnectCredential("/creds.json", max_entries=3)
out["empty"] = [c.entries(), c.items(), c.load("x"), c.load(0)]
for ssid in ("one", "two", "three", "four"):
    c.save({"ssid": ssid, "password": "pw-" + ssid})
out["after4"] = [e["ssid"] for e in c.items()]
c.save({"ssid": "two", "password": "new", "dhcp": False, "ip": "10.0.0.9", "netmask": "255.0.0.0",
        "gateway": "10.0.0.1", "dns1": "10.0.0.1"})
out["two"] = c.load("two")
out["order"] = [e["ssid"] for e in c.items()]
c.touch("four", "aa:bb:cc:dd:ee:ff")
out["touched"] = [c.items()[0]["ssid"], c.items()[0]["bssid"]]
out["delete"] = [c.delete("three"), c.delete("three"), [e["ssid"] for e in c.items()]]
c.backup("/backup.json")
c.delete("two")
c.restore("/backup.json")
out["restored"] = [e["ssid"] for e in c.items()]
for bad in ({"ssid": ""}, {"ssid": "x" * 33}, {"password": "p"}):
    try:
        c.save(bad)
        out.setdefault("bad", []).append("accepted")
    except ValueError:
        out.setdefault("bad", []).append("ValueError")
with open("/garbage.json", "w") as f:
    f.write("{not json")
try:
    c.restore("/garbage.json")
    out["restore_garbage"] = "accepted"
except ValueError as e:
    out["restore_garbage"] = "ValueError"
with open("/creds.json", "w") as f:
    f.write('{"entries": [{"ssid": 5}]}')
d = AutoConnectCredential("/creds.json")
out["damaged"] = [d.items(), d.damaged is not None]
d.save({"ssid": "fresh", "password": "p"})
out["after_damage"] = [[e["ssid"] for e in d.items()], d.damaged]
print("RESULT " + json.dumps(out))
