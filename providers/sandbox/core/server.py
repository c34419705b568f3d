"""A threaded loopback HTTP server for a WSGI app, built on the standard library only."""

from __future__ import annotations

import socketserver
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from providers.sandbox.core.app import StartResponse


class _QuietHandler(WSGIRequestHandler):
    # A body that never comes must not hold a thread forever: after a 5xx, peak-sdk's retry resends
    # a multipart request's headers with an empty stream and waits for the answer.
    timeout = 10.0

    def get_environ(self) -> dict[str, str]:
        environ = super().get_environ()
        # Routing needs the path as sent; PATH_INFO has an encoded `/` already turned into a separator.
        environ["REQUEST_URI"] = self.path
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        # Access lines would flood test output; the sandbox's request log has the same facts.
        pass


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """One daemon thread per connection, so a slow (delayed) request does not hold up the others."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # An idle keep-alive connection that times out is routine, not an error worth a traceback.
        if isinstance(sys.exc_info()[1], TimeoutError):
            return
        super().handle_error(request, client_address)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can stall on machines without DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
        self.setup_environ()


class ServerThread:
    """Serves a WSGI app on `host:port` (port 0: the OS picks one) from a daemon thread."""

    def __init__(
        self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]], host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.server = ThreadingWSGIServer((host, port), _QuietHandler)
        self.server.set_app(app)
        self.host, self.port = host, self.server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start serving; returns at once."""
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-server", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
            self._thread = None
        self.server.server_close()
