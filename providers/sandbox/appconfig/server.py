"""Moto's WSGI app for AppConfig, served on a port of its own behind the sandbox's pipeline.

Each request goes through the sandbox app's `serve` (armed faults for platform `appconfig`, the
shared request log, the one lock), with moto's WSGI app as the handler, so two StartDeployment
calls can never both find an idle environment.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from providers.sandbox.appconfig.models import HOLD, PLATFORM
from providers.sandbox.appconfig.urls import answers_json, route_name
from providers.sandbox.core.app import respond
from providers.sandbox.core.http import Request, Response, Route, RouteMatch

if TYPE_CHECKING:
    from providers.sandbox.core.app import SandboxApp

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ControlledApp:
    """Moto's WSGI app as the handler of every request, served through a SandboxApp's pipeline."""

    def __init__(self, sandbox: SandboxApp, moto_app: WsgiApp | None = None) -> None:
        self.sandbox = sandbox
        self.moto_app: WsgiApp = moto_app or DomainDispatcherApplication(create_backend_app)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        environ["wsgi.input"] = io.BytesIO(request.body)
        environ["CONTENT_LENGTH"] = str(len(request.body))
        name = route_name(request.method, request.path)
        structured = answers_json(request.method, request.path)
        route = Route(request.method, ".*", name or "", lambda _: self._call_moto(environ, structured), auth=False)
        platform = self.sandbox.platforms[PLATFORM]
        return respond(self.sandbox.serve(platform, request, RouteMatch(route, {}, 200)), start_response)

    def _call_moto(self, environ: dict[str, Any], structured: bool) -> Response:
        """Moto's answer; a JSON document (an error, or a `structured` operation's answer) parsed, so the
        sandbox can shape it like any platform's (moto labels some `text/html`)."""
        chosen = self.sandbox.transitions.mode_for(PLATFORM)
        HOLD.mode = (chosen.mode, float(chosen.value))
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
        status = int(str(captured["status"]).split()[0])
        headers = {k: v for k, v in captured["headers"] if k.lower() != "content-length"}
        if (structured or status >= 400) and body.strip():
            try:
                parsed = json.loads(body)
            except ValueError:
                return Response(status, headers=headers, raw=body)
            return Response(status, parsed, {k: v for k, v in headers.items() if k.lower() != "content-type"})
        return Response(status, headers=headers, raw=body)
