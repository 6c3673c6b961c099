# Benchmark application (the bench prepends `T = {...}`, unused): the portal alone, its
# networks and saved credentials changed by the bench while it runs.
from autoconnect import AutoConnect, AutoConnectConfig

portal = AutoConnect(AutoConnectConfig())
portal.begin()
while True:
    portal.handle_client()
