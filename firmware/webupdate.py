"""AutoConnect's WebUpdate example in MicroPython, run by main.py: a "Hello world" page
from AutoConnect's JSON and the /update page (a browser uploads a new image; credentials
USERNAME / PASSWORD), both in the portal's menu; and the update client agent (menu
"Update" while connected), which pulls from the update server named in /settings.json,
changed on the Settings page.

A module rather than main.py itself: the board compiles main.py from source into its
heap at every boot and keeps that code while main.py runs, whereas this module goes on
the board compiled (.mpy) beside the library, and its set-up code is let go once it has
run (in ROMFS it never leaves the flash)."""
import json

from autoconnect import AutoConnect, AutoConnectAux, AutoConnectConfig
from autoconnect.ota import AutoConnectUpdate, HTTPUpdateServer

HELLO_PAGE = """
{ "title": "Hello world", "uri": "/", "menu": true, "element": [
{ "name": "caption", "type": "ACText", "value": "<h2>Hello, world</h2>", "style": "text-align:center;color:#2f4f4f;padding:10px;" },
{ "name": "content", "type": "ACText", "value": "In this page, place the custom web page handled by the sketch application." } ]
}
"""
SETTINGS_PAGES = """[
{ "title": "Settings", "uri": "/settings", "menu": true, "element": [
{ "name": "host", "type": "ACInput", "label": "Update server", "placeholder": "host name or address" },
{ "name": "port", "type": "ACInput", "label": "Port", "apply": "number", "pattern": "^[0-9]{1,5}$" },
{ "name": "save", "type": "ACSubmit", "value": "Save", "uri": "/settings_save" } ] },
{ "title": "Settings", "uri": "/settings_save", "menu": false, "element": [
{ "name": "result", "type": "ACText" } ] }
]"""
SETTINGS = "/settings.json"
DEFAULT = {"host": "127.0.0.1", "port": 8000}     # the simulator's update server


def settings():
    try:
        with open(SETTINGS) as f:
            return json.load(f)
    except (OSError, ValueError):
        return DEFAULT


def show_settings(aux, args):
    s = settings()
    aux["host"].value, aux["port"].value = s["host"], str(s["port"])
    return ""


def save_settings(aux, args):
    host, port = args.get("host", "").strip(), args.get("port", "")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        aux["result"].value = "Enter a host and a port (1-65535)."
        return ""
    with open(SETTINGS + ".tmp", "w") as f:
        json.dump({"host": host, "port": int(port)}, f)
    import os
    os.rename(SETTINGS + ".tmp", SETTINGS)
    agent.host, agent.port = host, int(port)
    aux["result"].value = "Saved: updates come from %s:%s." % (host, port)
    return ""


portal = AutoConnect(AutoConnectConfig(auto_reconnect=True, host_name="esp-webupdate"))
update = AutoConnectAux("/update", "UPDATE")
hello = AutoConnectAux()
HTTPUpdateServer().setup(portal, "/update", "USERNAME", "PASSWORD")
hello.load(HELLO_PAGE)
portal.join([hello, update])
portal.load(SETTINGS_PAGES)
portal.on("/settings", show_settings)
portal.on("/settings_save", save_settings)
server = settings()
agent = AutoConnectUpdate(server["host"], server["port"]).attach(portal)

if portal.begin():
    print("connected:", portal.sta.ifconfig()[0])
