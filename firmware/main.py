# The example application: AutoConnect's portal with AutoConnect's "Hello world"
# custom page (its WebUpdate example; the update pages join it as they land).
from autoconnect import AutoConnect, AutoConnectAux, AutoConnectConfig

HELLO_PAGE = """
{ "title": "Hello world", "uri": "/", "menu": true, "element": [
{ "name": "caption", "type": "ACText", "value": "<h2>Hello, world</h2>", "style": "text-align:center;color:#2f4f4f;padding:10px;" },
{ "name": "content", "type": "ACText", "value": "In this page, place the custom web page handled by the sketch application." } ]
}
"""

portal = AutoConnect(AutoConnectConfig(auto_reconnect=True))
hello = AutoConnectAux()
hello.load(HELLO_PAGE)
portal.join([hello])

if portal.begin():
    print("connected:", portal.sta.ifconfig()[0])
while True:
    portal.handle_client()
