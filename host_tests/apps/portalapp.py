# Test application for the portal. The test prepends `T = {...}`: "config" (fields for
# AutoConnectConfig), "begin" (arguments), "serve" (use the asyncio entry point),
# "hooks" (which to install), "menu" ([enable, disable] bits), "reboot" (the built-in
# update page's reboot_on_update), "pull" ([host, port, uri, timeout_ms]: attach
# AutoConnectUpdate; its events go to the same list).
import asyncio
import json

from autoconnect import AutoConnect, AutoConnectConfig

events = []
portal = AutoConnect(AutoConnectConfig(**T.get("config", {})))
hooks = T.get("hooks", {})
if "detect" in hooks:
    portal.on_detect(lambda ip: events.append(["detect", ip]) or hooks["detect"])
if "connect" in hooks:
    portal.on_connect(lambda ip: events.append(["connect", ip]))
if "portal" in hooks:
    calls = [0]

    def _portal():
        calls[0] += 1
        return calls[0] < hooks["portal"]
    portal.while_captive_portal(_portal)
if "connecting" in hooks:
    portal.while_connecting(lambda ssid: events.append(["connecting", ssid]) or hooks["connecting"])
if "not_found" in hooks:
    portal.on_not_found(lambda req: ("app 404 " + req.path, 404))
agent = None
if "pull" in T:
    from autoconnect.ota import AutoConnectUpdate
    agent = AutoConnectUpdate(*T["pull"]).attach(portal)

    async def _check(req):
        return await agent.check()

    async def _update(req):
        try:
            return [await agent.update(req.args["name"], req.args.get("version"))]
        except Exception as e:
            return ["error", str(e)]
    portal.server.on("/pull/check", _check)
    portal.server.on("/pull/update", _update)
    if "auto" in T:
        agent.auto(T["auto"])
for ota in (portal.ota, agent):
    if ota is None:
        continue
    progress = [0]

    def _progress(amount, size):
        progress[0] += 1
    ota.on_start(lambda: events.append(["start"]))
    ota.on_progress(_progress)
    ota.on_end(lambda: events.append(["end", progress[0]]))
    ota.on_error(lambda msg: events.append(["error", msg]))
    ota.reboot_on_update = T.get("reboot", True)
enable, disable = T.get("menu", [0, 0])
portal.enable_menu(enable)
portal.disable_menu(disable)
portal.server.on("/api/x", lambda req: {"x": 1, "status": portal.portal_status()})
portal.server.on("/events", lambda req: events)
ticks = [0]


async def counter():
    while True:
        ticks[0] += 1
        await asyncio.sleep_ms(50)
portal.server.on("/ticks", lambda req: ticks)

if T.get("serve"):
    async def main():
        asyncio.create_task(counter())
        await portal.serve()
    asyncio.run(main())
else:
    ok = portal.begin(*T.get("begin", []))
    events.append(["begin", ok, portal.portal_status()])
    while True:
        portal.handle_client()
