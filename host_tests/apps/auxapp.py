# Test application for AutoConnectAux: pages from JSON and from Python, every element,
# handlers, uploads, events, globals, persistence, and bad definitions.
import json

from autoconnect import (AC_EXIT_BOTH, AC_EXIT_LATER, ACButton, ACCheckbox, ACElement, ACFile,
                         ACInput, ACRadio, ACRange, ACSelect, ACStyle, ACSubmit, ACText,
                         AutoConnect, AutoConnectAux, AutoConnectConfig)

portal = AutoConnect(AutoConnectConfig(retain_portal=True, menu_items=0x1F))
ALL = """{"title": "All elements", "uri": "/all", "menu": true, "element": [
 {"name": "css", "type": "ACStyle", "value": "#caption{color:#2f4f4f}"},
 {"name": "caption", "type": "acText", "value": "Hello", "format": "<b>%s</b>", "posterior": "div"},
 {"name": "raw", "type": "ACElement", "value": "<hr id='rawhr'>"},
 {"name": "user", "type": "ACInput", "label": "User", "placeholder": "name", "pattern": "[a-z]+", "value": "abc"},
 {"name": "secret", "type": "ACInput", "label": "Secret", "apply": "password"},
 {"name": "age", "type": "ACInput", "label": "Age", "apply": "number", "value": 42},
 {"name": "agree", "type": "ACCheckbox", "label": "Agree", "value": "yes", "checked": "true", "labelposition": "infront"},
 {"name": "news", "type": "ACCheckBox", "label": "News", "value": "on"},
 {"name": "color", "type": "ACRadio", "label": "Color", "value": ["red", "green", "blue"], "checked": 2, "arrange": "horizontal"},
 {"name": "size", "type": "ACSelect", "label": "Size", "option": ["S", "M", "L"], "selected": "1"},
 {"name": "level", "type": "ACRange", "label": "Level", "value": 3, "min": 0, "max": 10, "magnify": "behind"},
 {"name": "press", "type": "ACButton", "value": "Press", "action": "document.getElementById('caption').innerHTML='pressed'"},
 {"name": "send", "type": "ACSubmit", "value": "Send", "uri": "/result"},
 {"name": "extra", "type": "ACText", "value": "x", "unknownkey": 1}]}"""

GLOBALS = """[{"title": "G1", "uri": "/g1", "menu": false, "element": [
   {"name": "shared", "type": "ACInput", "global": true},
   {"name": "go", "type": "ACSubmit", "value": "Go", "uri": "/g2"}]},
  {"title": "G2", "uri": "/g2", "menu": false, "element": [
   {"name": "shared", "type": "ACText", "value": "-"}]}]"""

BAD = """[{"title": "Fine", "uri": "/fine", "element": [{"name": "t", "type": "ACText", "value": "fine"}]},
 {"title": "NoName", "uri": "/noname", "element": [{"type": "ACText"}]},
 {"title": "BadType", "uri": "/badtype", "element": [{"name": "x", "type": "ACSlider"}]},
 {"title": "BadValue", "uri": "/badvalue", "element": [{"name": "r", "type": "ACRange", "value": "high"}]},
 {"title": "UnderAc", "uri": "/_ac/mine", "element": []},
 {"title": "BadList", "uri": "/badlist", "element": [{"name": "s", "type": "ACSelect", "option": "S"}]}]"""

events = []
allpage = AutoConnectAux()
allpage.load(ALL)
result = AutoConnectAux("/result", "Result", menu=False)
result.add(ACText("out"))


def show(aux, args):
    src = aux.referer()
    events.append({"args": args, "where": portal.where(), "valid": src.is_valid() if src else None})
    return "<pre id='args'>%s</pre>" % ",".join(sorted(k for k in args if k != "_acuri"))


result.on(show)

py = AutoConnectAux("/py", "Python page", elements=[
    ACText("title", "<h3>Built in Python</h3>"), ACInput("city", "Paris", "City", "", "Town"),
    ACCheckbox("opt", "y", "Option", True, "behind"), ACRadio("pick", ["a", "b"], "Pick", "vertical", 1),
    ACSelect("menu", ["x", "y", "z"], "Menu", 3), ACRange("vol", 5, "Vol", 0, 9, 1, "infront"),
    ACButton("b1", "B1"), ACElement("el", "<i>raw</i>"), ACStyle("st", ".x{}"),
    ACFile("f", "", "File", "fs"), ACSubmit("s", "Save", "/pyresult")])
pyresult = AutoConnectAux("/pyresult", "Saved", menu=False, elements=[ACText("msg", "saved")])

ev = AutoConnectAux("/events", "Events", elements=[
    ACText("status", "idle"), ACButton("btn", "Click"), ACInput("inp", "", "Type"),
    ACCheckbox("chk", "c", "Check")])
ev["btn"].on(lambda e, aux: (aux["status"].response("clicked " + aux["inp"].value),
                             e.response("Clicked"), aux["status"].response("style", {"color": "red"})))
ev["chk"].on(lambda e, aux: aux["status"].response("checked" if e.checked else "unchecked"))

raw = AutoConnectAux("/api/raw", "Raw", menu=False, response=False)
raw.on(lambda aux, args: aux.redirect("/all") if "go" in args else ('{"raw": true}', 200))

both = AutoConnectAux("/both", "Both", menu=False, elements=[ACText("mid", "MIDDLE")])
both.on(lambda aux, args: "<p id='edge'>EDGE</p>", AC_EXIT_BOTH)
later = AutoConnectAux("/later", "Later", menu=False, elements=[ACText("mid", "MIDDLE")])
later.on(lambda aux, args: "<p id='after'>AFTER</p>", AC_EXIT_LATER)


class Sink:
    def open(self, name, mime, aux):
        self.f = open("/ext-" + name, "wb")
        self.n = 0
        return True

    def write(self, chunk):
        self.f.write(chunk)
        self.n += len(chunk)

    def close(self, ok):
        self.f.close()
        events.append({"extern": self.n})


up = AutoConnectAux("/upload", "Upload", elements=[
    ACFile("fsfile", "", "To the filesystem", "fs"), ACFile("extfile", "", "To the app", "extern"),
    ACSubmit("send", "Upload", "/uploaded")])
uploaded = AutoConnectAux("/uploaded", "Uploaded", menu=False, elements=[ACText("done", "ok")])
uploaded.on_upload(Sink())
uploaded.on(lambda aux, args: "<pre id='files'>%s</pre>" % json.dumps(
    [[e.value, e.mime_type, e.size] for e in up.elements if e.type == "ACFile"]))

kept = AutoConnectAux("/kept", "Kept", elements=[ACInput("note", ""), ACSubmit("save", "Save", "/kept")])
kept.persist = "/kept.json"

portal.join([allpage, result, py, pyresult, ev, raw, both, later, up, uploaded, kept])
portal.load(GLOBALS)
try:
    portal.load(BAD)
except ValueError as e:
    events.append({"bad": str(e)})
portal.server.on("/events.json", lambda req: events)
portal.server.on("/values", lambda req: portal.aux(req.args["page"]).save_element())
portal.begin()
while True:
    portal.handle_client()
