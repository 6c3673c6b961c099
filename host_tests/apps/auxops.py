# Test script: AutoConnectAux's API on the board; prints one JSON line of results.
import json

from autoconnect import (ACInput, ACRadio, ACSelect, ACText, AutoConnect, AutoConnectAux,
                         AC_EXIT_LATER)

out = {}
a = AutoConnectAux("/p", "P", elements=[ACText("Caption", "hi"), ACInput("Name", "x", "Label")])
out["case"] = [a["caption"].value, a.get_element("NAME").label, "name" in a, a.get_element("no")]
a.load_element('[{"name": "caption", "type": "ACText", "value": "changed"},'
               ' {"name": "new", "type": "ACRadio", "value": ["a", "b"], "checked": 2}]')
out["upsert"] = [a["caption"].value, a["new"].value, len(a.elements)]
a.load_element('{"name": "name", "value": "only"}', "name")
out["one"] = a["name"].value
a.set_element_value("new", "a")
out["set"] = a["new"].checked
out["save_one"] = json.loads(a.save_element("new"))
out["save_some"] = [d["name"] for d in json.loads(a.save_element(["caption", "name"]))]
page = json.loads(a.save_element())
out["save_page"] = [page["uri"], page["title"], [e["type"] for e in page["element"]]]
b = AutoConnectAux()
b.load(a.save_element())
out["roundtrip"] = [b.uri, b["new"].values, b["new"].checked, b["name"].value]
s = ACSelect("s", ["x", "y"], "L", 2)
out["select"] = [s.value, s.options, s.selected]
r = ACRadio("r", ["p", "q"], "R", "horizontal", 1)
out["radio"] = [r.value, r.arrange]
out["release"] = [a.release("caption"), a.release("caption"), len(a.elements)]
errs = []
for bad in ('{"uri": "/x", "element": [', "not json", '{"uri": "/y", "element": 5}',
            '{"uri": "/z", "menu": "maybe"}', '{"uri": "/w", "element": [{"name": "i", "type": "ACInput", "apply": "date"}]}'):
    try:
        AutoConnectAux().load(bad)
        errs.append("accepted")
    except ValueError as e:
        errs.append(str(e))
out["errors"] = errs
portal = AutoConnect()
try:
    portal.join(AutoConnectAux("/_ac/x", "bad"))
    out["join_ac"] = "accepted"
except ValueError:
    out["join_ac"] = "ValueError"
portal.join([a, b])
portal.on("/p", lambda aux, args: "", AC_EXIT_LATER)
out["joined"] = [p.uri for p in portal.aux_pages] == ["/p"] and portal.aux("/p") is b
print("RESULT " + json.dumps(out))
