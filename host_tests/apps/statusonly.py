# Test application: the HTTP core with /_ac/status only.
import asyncio

from autoconnect import status
from autoconnect.server import WebServer

server = WebServer()
status.attach(server)
asyncio.run(server.serve())
