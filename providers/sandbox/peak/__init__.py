"""The Peak emulator: Services on the service host (`/peak/service`); `/peak/press` is reserved."""

from __future__ import annotations

from providers.sandbox.core.http import Request
from providers.sandbox.core.platform import Platform
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.peak import urls
from providers.sandbox.peak.exceptions import error_body
from providers.sandbox.peak.models import PLATFORM, PeakBackend
from providers.sandbox.peak.responses import PeakResponses

DEFAULT_TOKENS = {
    "sandbox-dev-key": "dev",
    "sandbox-staging-key": "staging",
    "sandbox-test-key": "test",
}


def credential(request: Request) -> str | None:
    """Peak sends the raw token in `Authorization`, without `Bearer `."""
    return request.headers.get("authorization") or None


def environment(url: str) -> dict[str, str]:
    """Point the providers (and a patched SDK) at this emulator, as the dev tenant."""
    return {"PEAK_ENDPOINT": f"{url}/{PLATFORM}/{{subdomain}}", "PEAK_AUTH_TOKEN": "sandbox-dev-key"}


def create_platform(transitions: Transitions) -> Platform:
    """The Peak platform, its state advancing under the sandbox's transition modes."""
    responses = PeakResponses(PeakBackend(transitions))
    return Platform(
        name=PLATFORM,
        backend=responses.backend,
        routes=urls.routes(responses),
        control_routes=urls.control_routes(responses),
        credential=credential,
        error_body=error_body,
        environment=environment,
        default_tokens=DEFAULT_TOKENS,
    )
