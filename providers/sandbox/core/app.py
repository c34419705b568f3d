"""The sandbox WSGI application: every platform under `/<platform>/`, the control plane under `/_sandbox/`.

For a platform request `serve` runs one pipeline, whichever server received it: take an armed fault,
authenticate (401), run the handler under one lock, save the state file, and log the request (never
its headers). Routing happens before: here from the path, on a platform's own server from its table.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

from providers.sandbox.core.answers import Answers
from providers.sandbox.core.clock import Clock, system_clock
from providers.sandbox.core.control import CONTROL_PREFIX, control_routes
from providers.sandbox.core.faults import Faults
from providers.sandbox.core.http import HttpError, Request, Response, RouteMatch, Router
from providers.sandbox.core.persistence import StateFile
from providers.sandbox.core.platform import Platform, Tokens
from providers.sandbox.core.requestlog import RequestLog
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.core.variants import Variants

logger = logging.getLogger("providers.sandbox")

PlatformFactory = Callable[[Transitions], Platform]
StartResponse = Callable[..., Any]
STATE_FORMAT = 1


class SandboxApp:
    """A WSGI application serving the given platforms; safe to call from many threads."""

    def __init__(
        self,
        platforms: Sequence[PlatformFactory],
        state_file: str | Path | None = None,
        clock: Clock = system_clock,
        answers: str | None = None,
    ) -> None:
        self.clock = clock
        self.transitions = Transitions(clock)
        self.platforms = {platform.name: platform for platform in (make(self.transitions) for make in platforms)}
        self.tokens = Tokens(list(self.platforms.values()))
        self.faults = Faults()
        self.variants = Variants({name: platform.variants for name, platform in self.platforms.items()})
        self.answers = Answers(self.platforms)
        self.log = RequestLog()
        self.origins: set[str] = set()
        """The sandbox's own origins (`http://host:port`): the only ones the control plane serves."""
        # One lock for all state: handlers are quick, and it keeps every backend free of locking.
        self.lock = threading.RLock()
        # Requests being served right now: the log records how many were in flight when each arrived,
        # so a test can see how many creates ran at once without timing anything.
        self._in_flight = 0
        self._routers = {name: Router(platform.routes) for name, platform in self.platforms.items()}
        self._control = Router(control_routes(self))
        self.state_file = StateFile(state_file) if state_file is not None else None
        saved = self.state_file.load() if self.state_file else None
        if saved is not None:
            self.restore(saved)
        if answers is not None:
            # Asked for at start: wins over the profile a state file kept.
            self.answers.set(answers)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            response = self._serve_control(request)
        elif (platform := self.platforms.get(request.path.split("/")[1])) is None:
            response = Response(404, _detail_body("Not Found"))
            self._log(request, None, None, status=404, fault=False, body=request.json_or_none())
        else:
            match = self._routers[platform.name].match(request.method, request.path[len(platform.name) + 1 :])
            response = self.serve(platform, request, match)
        return respond(response, start_response)

    def reset(self) -> None:
        """Clear all platform state, faults, variants, transition modes and the request log; keep
        tokens and answer profiles."""
        with self.lock:
            for platform in self.platforms.values():
                platform.backend.reset()
            self.faults.clear()
            self.variants.clear()
            self.log.clear()
            self.transitions.reset()

    def state(self) -> dict[str, Any]:
        """Every platform's state, for debugging and tests (no credentials)."""
        with self.lock:
            return {name: platform.backend.dump() for name, platform in self.platforms.items()}

    def snapshot(self) -> dict[str, Any]:
        """What the state file holds."""
        with self.lock:
            return {"format": STATE_FORMAT, "platforms": self.state(), **{k: v.dump() for k, v in self._kept().items()}}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Load what `snapshot` returned; platforms missing from it start empty."""
        if snapshot.get("format") != STATE_FORMAT:
            raise ValueError(f"unsupported sandbox state format {snapshot.get('format')!r}")
        with self.lock:
            for name, data in snapshot.get("platforms", {}).items():
                if name in self.platforms:
                    self.platforms[name].backend.load(data)
            for name, kept in self._kept().items():
                kept.load(snapshot.get(name, {}))

    def _kept(self) -> dict[str, Any]:
        """What the state file keeps beside the platforms' state (a reset keeps tokens and answers)."""
        return {"tokens": self.tokens, "transitions": self.transitions, "answers": self.answers}

    def serve(self, platform: Platform, request: Request, match: RouteMatch) -> Response:
        """A platform request, routed: faults, auth, the handler under the lock (with the variants and
        answer profile in force), state file, log."""
        sent = request.json_or_none()
        with self.lock:
            self._in_flight += 1
            request.in_flight = self._in_flight
        try:
            credential = platform.credential(request)
            request.tenant = self.tokens.tenant(platform.name, credential)
            unauthorised = None if request.tenant else _unauthorised_message(credential)
            with self.lock:
                fault = self.faults.take(request.method, request.path, platform.name)
            if fault is not None and fault.delay_seconds:
                time.sleep(fault.delay_seconds)
            failing = fault if fault is not None and fault.status is not None else None
            if failing is not None and failing.when == "before":
                response = failing.response(platform)
            else:
                with self.lock:
                    response = self._run(platform, match, request, unauthorised)
                    self._save()
                if failing is not None:
                    response = failing.response(platform)
            response.headers = {**platform.headers, **response.headers}
            route = match.route.name if match.route else None
            self._log(request, platform, route, status=response.status, fault=failing is not None, body=sent)
            return response
        finally:
            with self.lock:
                self._in_flight -= 1

    def _save(self) -> None:
        if self.state_file is not None:
            self.state_file.save(self.snapshot())

    def _serve_control(self, request: Request) -> Response:
        match = self._control.match(request.method, request.path.removeprefix(CONTROL_PREFIX))
        with self.lock:
            try:
                origin = request.headers.get("origin")
                if origin is not None and origin.rstrip("/") not in (
                    self.origins or {f"http://{request.headers.get('host')}"}
                ):
                    # A web page (browsers send Origin) must not drive the sandbox; scripts send none.
                    raise HttpError(f"the control plane does not serve requests from origin {origin}", 403)
                response = self._handle(match, request, None)
            except HttpError as error:
                response = Response(error.status, _detail_body(error.message))
            self._save()
        return response

    def _run(self, platform: Platform, match: RouteMatch, request: Request, unauthorised: str | None) -> Response:
        route = match.route.name if match.route else ""
        self.variants.apply(platform.name, route, request)
        try:
            response = self._handle(match, request, unauthorised)
            documented = platform.documented and self.answers.profile(platform.name) == "documented"
            if documented and platform.documented and 200 <= response.status < 300 and response.raw is None:
                response.body = platform.documented(route, request, response.body)
        except HttpError as error:
            response = platform.error_response(error)
        self.variants.apply(platform.name, route, request, response)
        return response

    def _handle(self, match: RouteMatch, request: Request, unauthorised: str | None) -> Response:
        try:
            if match.route is None:
                raise HttpError(HTTPStatus(match.status).phrase, match.status)
            if match.route.auth and unauthorised is not None:
                raise HttpError(unauthorised, 401)
            request.params = match.params
            return match.route.handler(request)
        except HttpError:
            raise
        except Exception:
            # A bug in an emulator: answer it, log it, keep serving the other requests.
            logger.exception("sandbox: unhandled error serving %s %s", request.method, request.path)
            raise HttpError("internal error in the sandbox (see its log)", 500) from None

    def _log(self, request: Request, platform: Platform | None, route: str | None, **entry: Any) -> None:
        """Record a request (never its headers): `status`, `fault`, and `body` as the client sent it."""
        if isinstance(entry["body"], dict) and platform is not None:
            entry["body"] = {k: ("[redacted]" if k in platform.sensitive else v) for k, v in entry["body"].items()}
        with self.lock:
            self.log.record(
                now=self.clock(),
                platform=platform.name if platform else None,
                tenant=request.tenant,
                method=request.method,
                path=request.path,
                query=request.query,
                route=route or None,
                in_flight=request.in_flight,
                **entry,
            )


def respond(response: Response, start_response: StartResponse) -> list[bytes]:
    """Send a Response through WSGI."""
    start_response(_status_line(response.status), response.header_list())
    return [response.encode()]


def _unauthorised_message(credential: str | None) -> str:
    # The message never repeats the credential the client sent.
    if credential:
        return "invalid credentials: the token is not known to this sandbox"
    return "missing credentials: this API requires a token"


def _detail_body(message: str) -> dict[str, str]:
    """The error body of the control plane, and of paths outside every platform."""
    return {"detail": message}


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Status {status}"
