# Test application: the smallest update page (for the 64K heap test).
import asyncio

from autoconnect import status
from autoconnect.ota import HTTPUpdateServer, confirm
from autoconnect.server import WebServer

server = WebServer(max_conns=2)
status.attach(server)
HTTPUpdateServer().setup(server, "/update", "USERNAME", "PASSWORD")
confirm()
asyncio.run(server.serve())
