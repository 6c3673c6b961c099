# Test application: a bare web server with /_ac/status and the browser update page.
import asyncio
import json

from autoconnect import status
from autoconnect.ota import HTTPUpdateServer, confirm
from autoconnect.server import WebServer

try:
    with open("/ota_test.json") as f:
        T = json.load(f)
except OSError:
    T = {}
server = WebServer(max_conns=T.get("conns", 2))
status.attach(server)
events = []
up = HTTPUpdateServer()
up.reboot_on_update = T.get("reboot", True)
up.on_start(lambda: events.append(["start"]))


def progress(amount, size):             # keep the latest, count the calls
    if events and events[-1][0] == "progress":
        events[-1] = ["progress", amount, size, events[-1][3] + 1]
    else:
        events.append(["progress", amount, size, 1])


up.on_progress(progress)
up.on_end(lambda: events.append(["end"]))
up.on_error(lambda msg: events.append(["error", msg]))
up.setup(server, "/update", T.get("user", "USERNAME"), T.get("password", "PASSWORD"))
server.on("/events", lambda req: events)
if T.get("confirm", True):
    confirm()
asyncio.run(server.serve())
