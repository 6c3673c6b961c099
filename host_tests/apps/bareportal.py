# Test application: the portal alone, as AutoConnect's simplest sketch.
from autoconnect import AutoConnect

portal = AutoConnect()
portal.begin()
while True:
    portal.handle_client()
