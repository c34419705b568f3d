"""The ABEJA Platform emulator under `/abeja`: credentials as the official SDK sends them, seeds and the
`/_sandbox/abeja/files` control route are described in the sandbox's README."""

from __future__ import annotations

from providers.sandbox.abeja import documented, urls
from providers.sandbox.abeja.exceptions import error_body
from providers.sandbox.abeja.models import ORGANIZATION_ID, OTHER_USER_ID, PLATFORM, SANDBOX_USER_ID, AbejaBackend
from providers.sandbox.abeja.responses import AbejaResponses
from providers.sandbox.core import answers
from providers.sandbox.core.http import Request
from providers.sandbox.core.platform import Platform
from providers.sandbox.core.transitions import Transitions

SANDBOX_TOKEN = "sandbox-abeja-token"
SANDBOX_PAT = "sandbox-abeja-pat"
OTHER_TOKEN = "sandbox-abeja-other-token"
DEFAULT_TOKENS = {
    SANDBOX_TOKEN: SANDBOX_USER_ID,
    f"user-{SANDBOX_USER_ID}:{SANDBOX_PAT}": SANDBOX_USER_ID,
    OTHER_TOKEN: OTHER_USER_ID,
}


def credential(request: Request) -> str | None:
    """A Bearer token as is; Basic credentials as their decoded `user-<id>:<token>`."""
    scheme, value = request.authorization()
    user, _, secret = value.partition(":")
    # Only the prefixed kinds the SDK builds; a bare id is not a credential.
    basic = value if user.startswith(("user-", "datasource-")) and secret else None
    return {"bearer": value or None, "basic": basic}.get(scheme)


def environment(url: str) -> dict[str, str]:
    """Point the providers and the official SDK at this emulator, as the sandbox user."""
    return {
        "ABEJA_API_URL": f"{url}/{PLATFORM}",
        "PLATFORM_AUTH_TOKEN": SANDBOX_TOKEN,
        "ABEJA_ORGANIZATION_ID": ORGANIZATION_ID,
    }


def create_platform(transitions: Transitions) -> Platform:
    """The ABEJA platform; runs advance under the sandbox's transition modes."""
    responses = AbejaResponses(AbejaBackend(transitions))
    return Platform(
        name=PLATFORM,
        backend=responses.backend,
        routes=urls.routes(responses),
        control_routes=urls.control_routes(responses),
        credential=credential,
        error_body=error_body,
        environment=environment,
        default_tokens=DEFAULT_TOKENS,
        documented=answers.documented(documented.TABLE),
    )
