"""What an emulated platform plugs into the sandbox, and the token → tenant registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from providers.sandbox.core.failures import FailureKind
from providers.sandbox.core.http import HttpError, Request, Response, Route
from providers.sandbox.core.variants import VariantKind

if TYPE_CHECKING:
    from providers.sandbox.core.app import SandboxApp


class Backend(Protocol):
    """A platform's state and business rules; knows nothing of HTTP."""

    def reset(self) -> None:
        """Forget every object (and scheduled failure)."""

    def dump(self) -> dict[str, Any]:
        """All state as JSON-ready data, pending transitions included."""

    def load(self, data: dict[str, Any]) -> None:
        """Replace all state with data saved by `dump`."""


class Server(Protocol):
    """A second server a platform runs beside the sandbox's own (AppConfig: moto's)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class Platform:
    """One emulated platform, served under `/<name>/` and controlled under `/_sandbox/<name>/`.

    Route patterns are matched against the path after the `/<name>` prefix.
    """

    name: str
    backend: Backend
    routes: list[Route]
    credential: Callable[[Request], str | None]
    """Extracts the raw credential from a request (None when absent)."""
    error_body: Callable[[HttpError], Any]
    """Renders an error (the platform's own, or the sandbox's: routing, auth, faults) as its real body."""
    environment: Callable[[str], dict[str, str]]
    """The environment variables that point a client at this platform, given the sandbox URL."""
    default_tokens: dict[str, str] = field(default_factory=dict)
    control_routes: list[Route] = field(default_factory=list)
    failures: list[FailureKind] = field(default_factory=list)
    """Scheduled lifecycle failures it offers, each at `POST /_sandbox/<name><path>`."""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers on every answer it sends."""
    sensitive: tuple[str, ...] = ()
    """Top-level body members the request log never keeps (`[redacted]`)."""
    error_headers: Callable[[HttpError], dict[str, str]] = lambda error: {}
    documented: Callable[[str, Request, Any], Any] | None = None
    """The `documented` answer of a route (name, request, full answer), see `core/answers.py`."""
    variants: dict[str, VariantKind] = field(default_factory=dict)
    """Known variants of its real answers, armed through `/_sandbox/variants`."""
    server: Callable[[SandboxApp, str, int], Server] | None = None
    """Builds a second server (given the app, host and port; port 0: the OS picks), started and stopped
    with the sandbox, for a platform that is not served on the sandbox's own port."""

    def error_response(self, error: HttpError) -> Response:
        """The platform's answer to an error."""
        return Response(error.status, self.error_body(error), {**self.headers, **self.error_headers(error)})


class Tokens:
    """Which tenant each credential belongs to, per platform: the defaults plus registered ones."""

    def __init__(self, platforms: list[Platform]) -> None:
        self._defaults = {platform.name: dict(platform.default_tokens) for platform in platforms}
        self._registered: dict[str, dict[str, str]] = {}

    def add(self, platform: str, token: str, tenant: str) -> None:
        """Register a credential for a tenant."""
        self._registered.setdefault(platform, {})[token] = tenant

    def tenant(self, platform: str, token: str | None) -> str | None:
        """The tenant of a credential, or None when it is missing or unknown."""
        if not token:
            return None
        registered = self._registered.get(platform, {})
        return registered.get(token) or self._defaults.get(platform, {}).get(token)

    def dump(self) -> dict[str, dict[str, str]]:
        """The registered credentials (the defaults come from code)."""
        return {platform: dict(tokens) for platform, tokens in self._registered.items()}

    def load(self, data: dict[str, dict[str, str]]) -> None:
        """Restore credentials saved by `dump`."""
        self._registered = {platform: dict(tokens) for platform, tokens in data.items()}
