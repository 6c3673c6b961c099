# The example application: AutoConnect's WebUpdate example in MicroPython.
# A "Hello world" page from AutoConnect's JSON and the /update page (a browser uploads
# a new image; credentials USERNAME / PASSWORD), both in the portal's menu.
from autoconnect import AutoConnect, AutoConnectAux, AutoConnectConfig
from autoconnect.ota import HTTPUpdateServer

HELLO_PAGE = """
{ "title": "Hello world", "uri": "/", "menu": true, "element": [
{ "name": "caption", "type": "ACText", "value": "<h2>Hello, world</h2>", "style": "text-align:center;color:#2f4f4f;padding:10px;" },
{ "name": "content", "type": "ACText", "value": "In this page, place the custom web page handled by the sketch application." } ]
}
"""

portal = AutoConnect(AutoConnectConfig(auto_reconnect=True, host_name="esp-webupdate"))
update = AutoConnectAux("/update", "UPDATE")
hello = AutoConnectAux()
HTTPUpdateServer().setup(portal, "/update", "USERNAME", "PASSWORD")
hello.load(HELLO_PAGE)
portal.join([hello, update])

if portal.begin():
    print("connected:", portal.sta.ifconfig()[0])
while True:
    portal.handle_client()
