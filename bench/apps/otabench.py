# Benchmark application (the bench prepends `T = {...}`): the portal joined to HomeNet,
# HTTPUpdateServer at /update (USERNAME / PASSWORD) and the update agent pulling from
# T["pull"] = [host, port]; GET /pull?name=FILE installs FILE. Neither update path
# reboots, so both can be repeated.
from autoconnect import AutoConnect, AutoConnectConfig
from autoconnect.ota import AutoConnectUpdate, HTTPUpdateServer

portal = AutoConnect(AutoConnectConfig())
browser = HTTPUpdateServer()
browser.setup(portal, "/update", "USERNAME", "PASSWORD")
agent = AutoConnectUpdate(T["pull"][0], T["pull"][1], ".", 8000).attach(portal)
browser.reboot_on_update = agent.reboot_on_update = False


async def pull(req):
    try:
        return [await agent.update(req.args["name"])]
    except Exception as e:
        return ["error", str(e)]
portal.server.on("/pull", pull)
portal.begin("HomeNet", "homepass123")
while True:
    portal.handle_client()
