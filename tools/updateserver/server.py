"""The threaded HTTP server and its lifetime (Ctrl-C and SIGTERM stop it cleanly)."""
import logging
import signal
import socket
import socketserver
import sys
from http.server import ThreadingHTTPServer

from tools.updateserver.handler import Handler

log = logging.getLogger("updateserver")


class UpdateServer(ThreadingHTTPServer):
    """One daemon thread per connection, so a slow client never holds up the others."""

    daemon_threads = True
    request_queue_size = 128      # a fleet connects at once

    def __init__(self, address, catalog, gate=True, auth=None):
        self.catalog, self.gate, self.auth = catalog, gate, auth
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def server_bind(self):
        """Bind without HTTPServer's reverse DNS look-up of the address."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        """A client that goes away is routine; anything else is logged with its traceback."""
        if isinstance(sys.exc_info()[1], OSError):
            log.debug("%s: connection error: %s", client_address[0], sys.exc_info()[1])
        else:
            log.exception("error while serving %s", client_address[0])

    def url(self):
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def run(server):
    """Serve until Ctrl-C or SIGTERM."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        log.info("stopped")
