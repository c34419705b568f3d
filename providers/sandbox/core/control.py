"""The control plane under `/_sandbox/`: JSON in, JSON out, no auth, not logged. It refuses (403)
requests that carry an `Origin` other than the sandbox's own: browsers send one, scripts and SDKs none.

Platforms add their own routes under `/_sandbox/<platform>/`, and their kinds of scheduled failures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from providers.sandbox.core.http import Handler, HttpError, Request, Response, Route
from providers.sandbox.core.validation import FieldError, optional_str

if TYPE_CHECKING:
    from providers.sandbox.core.app import SandboxApp

CONTROL_PREFIX = "/_sandbox"


class ControlPlane:
    """Handlers of the control routes that read a request, acting on one SandboxApp (the others are in
    the route table)."""

    def __init__(self, app: SandboxApp) -> None:
        self.app = app

    def set_transitions(self, request: Request) -> Response:
        """`PUT /_sandbox/transitions` with `{"mode", "value", "platform"}`."""
        document = request.json_object()
        platform = optional_str(document, "platform")
        if platform is not None and platform not in self.app.platforms:
            raise FieldError(f"platform must be one of {', '.join(self.app.platforms)}")
        mode = optional_str(document, "mode")
        if mode is None:
            raise FieldError("mode is required")
        try:
            self.app.transitions.set(mode, document.get("value") or 0, platform)
        except ValueError as error:
            raise FieldError(str(error)) from None
        return Response(200, self.app.transitions.dump())

    def list_requests(self, request: Request) -> Response:
        """`GET /_sandbox/requests[?platform=NAME&since=SEQ]`."""
        since = request.first("since") or "0"
        if not since.isdigit():
            raise HttpError("since must be a sequence number >= 0", 400)
        return Response(200, {"requests": self.app.log.entries(request.first("platform"), int(since))})

    def add_token(self, request: Request) -> Response:
        """`PUT /_sandbox/tokens` with `{"token", "tenant", "platform"}`; the token is not echoed."""
        document = request.json_object()
        token, tenant = optional_str(document, "token"), optional_str(document, "tenant")
        platform = optional_str(document, "platform")
        if not token:
            raise FieldError("token is required")
        if not tenant:
            raise FieldError("tenant is required")
        if platform is None or platform not in self.app.platforms:
            raise FieldError(f"platform must be one of {', '.join(self.app.platforms)}")
        self.app.tokens.add(platform, token, tenant)
        return Response(200, {"platform": platform, "tenant": tenant})

    def set_answers(self, request: Request) -> Response:
        """`PUT /_sandbox/answers` with `{"profile": "full"|"documented", "platform"?}` (no platform: all)."""
        document = request.json_object()
        try:
            self.app.answers.set(optional_str(document, "profile") or "", optional_str(document, "platform"))
        except ValueError as error:
            raise FieldError(str(error)) from None
        return Response(200, self.app.answers.dump())


def control_routes(app: SandboxApp) -> list[Route]:
    """The control plane's route table (paths relative to `/_sandbox`), platform routes included."""
    plane = ControlPlane(app)

    def done(act: Callable[[], Any]) -> Handler:
        """A handler that does `act` and answers what it returns (or `{}`)."""
        return lambda request: Response(200, act() or {})

    routes = [
        Route("POST", r"/reset", "sandbox.reset", done(app.reset)),
        Route(
            "POST", r"/faults", "sandbox.add_fault", lambda r: Response(201, {"id": app.faults.add(r.json_object()).id})
        ),
        Route("GET", r"/faults", "sandbox.list_faults", done(lambda: {"faults": app.faults.list()})),
        Route("DELETE", r"/faults", "sandbox.clear_faults", done(app.faults.clear)),
        Route("PUT", r"/transitions", "sandbox.set_transitions", plane.set_transitions),
        Route("GET", r"/transitions", "sandbox.get_transitions", done(app.transitions.dump)),
        Route("GET", r"/requests", "sandbox.list_requests", plane.list_requests),
        Route("DELETE", r"/requests", "sandbox.clear_requests", done(app.log.clear)),
        Route("PUT", r"/tokens", "sandbox.add_token", plane.add_token),
        Route("GET", r"/state", "sandbox.state", done(app.state)),
        Route("PUT", r"/answers", "sandbox.set_answers", plane.set_answers),
        Route("GET", r"/answers", "sandbox.get_answers", done(app.answers.dump)),
        Route(
            "POST",
            r"/variants",
            "sandbox.add_variant",
            lambda r: Response(201, {"id": app.variants.add(r.json_object()).id}),
        ),
        Route(
            "GET",
            r"/variants",
            "sandbox.list_variants",
            done(lambda: {"variants": app.variants.list(), "known": app.variants.known()}),
        ),
        Route("DELETE", r"/variants", "sandbox.clear_variants", done(app.variants.clear)),
    ]
    for platform in app.platforms.values():
        routes += [replace(route, pattern=f"/{platform.name}{route.pattern}") for route in platform.control_routes]
        routes += [kind.route(platform.name) for kind in platform.failures]
    return routes
