# Test application: the portal with the update agent and nothing else, as in AutoConnect's
# own update example. The test prepends `T = {...}` with "begin" and "pull" as for
# portalapp.py.
from autoconnect import AutoConnect
from autoconnect.ota import AutoConnectUpdate

portal = AutoConnect()
AutoConnectUpdate(*T["pull"]).attach(portal)  # noqa: F821  # T: prepended
portal.begin(*T["begin"])  # noqa: F821
while True:
    portal.handle_client()
