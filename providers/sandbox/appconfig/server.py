"""Moto's threaded server for AppConfig, behind the sandbox's control plane.

A WSGI middleware in front of moto's app takes the sandbox's armed faults (platform
`appconfig`), writes the shared request log, and runs moto under the sandbox's one lock, so two
StartDeployment calls can never both find an idle environment.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from providers.sandbox.appconfig.exceptions import error_body, error_code
from providers.sandbox.appconfig.models import ACCOUNT_ID, HOLD, PLATFORM
from providers.sandbox.appconfig.urls import route_name
from providers.sandbox.core.http import Request

if TYPE_CHECKING:
    from providers.sandbox.core.app import SandboxApp

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# StartDeployment's sensitive member: the platform receives it, the request log does not keep it.
SENSITIVE_MEMBERS = ("DynamicExtensionParameters",)


class ControlledApp:
    """Faults, request log and lock of a SandboxApp around moto's WSGI app."""

    def __init__(self, sandbox: SandboxApp, moto_app: WsgiApp | None = None) -> None:
        self.sandbox = sandbox
        self.moto_app: WsgiApp = moto_app or DomainDispatcherApplication(create_backend_app)
        self._in_flight = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        with self.sandbox.lock:
            self._in_flight += 1
            request.in_flight = self._in_flight
        try:
            status, headers, body = self._serve(request, environ)
        finally:
            with self.sandbox.lock:
                self._in_flight -= 1
        start_response(f"{status} {_phrase(status)}", headers)
        return [body]

    def _serve(self, request: Request, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        environ["wsgi.input"] = io.BytesIO(request.body)
        environ["CONTENT_LENGTH"] = str(len(request.body))
        with self.sandbox.lock:
            fault = self.sandbox.faults.take(request.method, request.path, PLATFORM)
        if fault is not None and fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        failing = fault if fault is not None and fault.status is not None else None
        if failing is not None and failing.when == "before":
            status, headers, body = self._fault_answer(failing)
        else:
            chosen = self.sandbox.transitions.mode_for(PLATFORM)
            with self.sandbox.lock:
                HOLD.mode = (chosen.mode, float(chosen.value))
                status, headers, body = self._call_moto(environ)
            if failing is not None:
                status, headers, body = self._fault_answer(failing)
        self._log(request, status, fault=failing is not None)
        return status, headers, body

    def _call_moto(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        chunks = self.moto_app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return int(str(captured["status"]).split()[0]), list(captured["headers"]), body

    def _fault_answer(self, fault: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        status = int(fault.status)
        answer = fault.response(lambda message: error_body(message, status))
        body = json.dumps(answer.body).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("x-amzn-ErrorType", error_code(status)),
            *answer.headers.items(),
        ]
        return status, headers, body

    def _log(self, request: Request, status: int, fault: bool) -> None:
        body = request.json_or_none()
        if isinstance(body, dict):
            body = {k: ("[redacted]" if k in SENSITIVE_MEMBERS else v) for k, v in body.items()}
        with self.sandbox.lock:
            self.sandbox.log.record(
                now=self.sandbox.clock(),
                platform=PLATFORM,
                tenant=ACCOUNT_ID,
                method=request.method,
                path=request.path,
                query=request.query,
                status=status,
                route=route_name(request.method, request.path),
                body=body,
                fault=fault,
                in_flight=request.in_flight,
            )


class _QuietHandler(MotoRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        # Access lines would flood test output; the sandbox's request log has the same facts.
        pass


class AppConfigServer(ThreadedMotoServer):
    """Moto's threaded server, bound on construction (so its URL is known before `start`)."""

    def __init__(self, app: WsgiApp, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self._server = make_server(host, port, app, True, request_handler=_QuietHandler)
        self._port = self._server.server_port

    @property
    def url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"

    def _server_entry(self) -> None:
        assert self._server is not None
        self._server_ready_event.set()
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        if self._thread is not None:
            super().stop()
            self._thread = None
        if self._server is not None:
            self._server.server_close()


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"
