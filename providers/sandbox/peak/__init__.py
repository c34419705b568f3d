"""The Peak emulator: Services on the service host (`/peak/service`), Press on the press host (`/peak/press`)."""

from __future__ import annotations

from typing import Any

from providers.sandbox.core import answers
from providers.sandbox.core.failures import FailureKind
from providers.sandbox.core.http import Request
from providers.sandbox.core.platform import Platform
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.core.variants import VariantKind, fill, status_swap
from providers.sandbox.peak import documented, press_urls, urls
from providers.sandbox.peak.exceptions import error_body
from providers.sandbox.peak.models import OPERATIONS, PLATFORM, PeakBackend
from providers.sandbox.peak.press_models import DEPLOY_OUTCOMES, PressBackend
from providers.sandbox.peak.press_responses import PressResponses
from providers.sandbox.peak.responses import PeakResponses

DEFAULT_TOKENS = {
    "sandbox-dev-key": "dev",
    "sandbox-staging-key": "staging",
    "sandbox-test-key": "test",
}


VARIANTS = {
    # peak-sdk documents 422 for `update_service` and Press deletes where the sandbox answers 409 (busy).
    "busy-422": status_swap("busy answered 422, not 409", r"peak\.(update_service|press\.delete_deployment)", 409, 422),
    "health-check-default": VariantKind(
        "Peak fills healthCheckURL when a create sends none", fill, r"peak\.create_service", "healthCheckURL", "/health"
    ),
}


def credential(request: Request) -> str | None:
    """Peak sends the raw token in `Authorization`, without `Bearer `."""
    return request.headers.get("authorization") or None


def environment(url: str) -> dict[str, str]:
    """Point the providers (and a patched SDK) at this emulator, as the dev tenant."""
    return {"PEAK_ENDPOINT": f"{url}/{PLATFORM}/{{subdomain}}", "PEAK_AUTH_TOKEN": "sandbox-dev-key"}


class PeakHosts:
    """Both hosts' state as one backend: Press's `specs` and `deployments` sit next to each
    tenant's `services` in the dump."""

    def __init__(self, services: PeakBackend, press: PressBackend) -> None:
        self.services = services
        self.press = press

    def reset(self) -> None:
        """Forget everything; each tenant's seeded specs come back on its next request."""
        self.services.reset()
        self.press.reset()

    def dump(self) -> dict[str, Any]:
        return self.press.dump_into(self.services.dump())

    def load(self, data: dict[str, Any]) -> None:
        self.services.load(data)
        self.press.load_from(data)


def create_platform(transitions: Transitions) -> Platform:
    """The Peak platform, its state advancing under the sandbox's transition modes."""
    services = PeakResponses(PeakBackend(transitions))
    press = PressResponses(PressBackend(transitions))
    return Platform(
        name=PLATFORM,
        backend=PeakHosts(services.backend, press.backend),
        routes=urls.routes(services) + press_urls.routes(press),
        failures=[
            FailureKind("/failures", OPERATIONS, services.backend.schedule),
            FailureKind("/press/failures", ("deploy", "delete"), press.backend.schedule, DEPLOY_OUTCOMES),
        ],
        credential=credential,
        error_body=error_body,
        environment=environment,
        default_tokens=DEFAULT_TOKENS,
        documented=answers.documented(documented.table(press.backend)),
        variants=VARIANTS,
    )
