# The example application: AutoConnect's captive portal on the board.
# (It grows into AutoConnect's WebUpdate example as the OTA pages land.)
from autoconnect import AutoConnect, AutoConnectConfig

config = AutoConnectConfig(auto_reconnect=True)
portal = AutoConnect(config)
portal.server.on("/", lambda req: '<!DOCTYPE html><meta name="viewport" content="width=device-width">'
                                  '<p>Hello from MicroPython. <a href="/_ac">AutoConnect</a></p>')

if portal.begin():
    print("connected:", portal.sta.ifconfig()[0])
while True:
    portal.handle_client()
