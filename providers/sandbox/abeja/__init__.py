"""The ABEJA Platform emulator: deployments, versions, datalake channels, triggers and runs under `/abeja`.

Credentials, as the official SDK sends them:
- `Authorization: Bearer sandbox-abeja-token` (what `PLATFORM_AUTH_TOKEN` holds), user 1100000000001;
- `Authorization: Basic base64("user-1100000000001:sandbox-abeja-pat")`, the same user through
  `ABEJA_PLATFORM_USER_ID` + `ABEJA_PLATFORM_PERSONAL_ACCESS_TOKEN`;
- `Bearer sandbox-abeja-other-token`: user 1100000000002, member of organization 1200000000002 only.

Seeded on start and by every reset, so samples, the demo and a first stack can point at them:
organization 1200000000001 (`ABEJA_ORGANIZATION_ID`) with deployment 1300000000001, its versions
`ver-0000000000000001` (0.0.1) and `ver-0000000000000002` (0.0.2), datalake channels 1400000000001
(input) and 1400000000002 (output), and training models 1500000000001 and 1500000000002;
organization 1200000000002 is empty and belongs to the other user.

Control plane: `POST /_sandbox/abeja/files` `{organization_id, channel_id, file_id?, fail?}`
simulates a file landing in a channel: every trigger listening on it starts a run, which steps
SUBMITTED -> PENDING -> RUNNABLE -> STARTING -> RUNNING -> SUCCEEDED (FAILED with `fail`), one step
per read under the sandbox's transition mode.
"""

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
