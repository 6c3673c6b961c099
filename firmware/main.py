# The example application: brings the web server up and answers /_ac/status.
# (It grows into AutoConnect's WebUpdate example as the portal and OTA pages land.)
import asyncio

from autoconnect import status
from autoconnect.server import WebServer

server = WebServer()
status.attach(server)
print("serving on port", server.port)
asyncio.run(server.serve())
