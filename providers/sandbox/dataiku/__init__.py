"""The Dataiku DSS emulator: projects, code studio templates, code studios and futures under `/dataiku`."""

from __future__ import annotations

from providers.sandbox.core.failures import FailureKind
from providers.sandbox.core.http import Request
from providers.sandbox.core.platform import Platform
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.core.variants import status_swap
from providers.sandbox.dataiku import documented, urls
from providers.sandbox.dataiku.exceptions import error_body, missing_as_500
from providers.sandbox.dataiku.models import OPERATIONS, PLATFORM, DataikuBackend
from providers.sandbox.dataiku.responses import DSS_HEADERS, DataikuResponses

ADMIN_KEY = "sandbox-dku-admin-key"
ANALYST_KEY = "sandbox-dku-analyst-key"
# A key stands for a user login (personal API keys): the sandbox's "tenant" is the login.
DEFAULT_TOKENS = {ADMIN_KEY: "admin", ANALYST_KEY: "analyst"}
MISSING_500 = "a missing object answered 500 `java.lang.IllegalArgumentException: ... does not exist`"


def credential(request: Request) -> str | None:
    """The API key: Basic user name (as `DSSClient` sends it), Basic password, or Bearer."""
    scheme, value = request.authorization()
    user, _, password = value.partition(":")
    return {"bearer": value, "basic": user or password}.get(scheme) or None


def environment(url: str) -> dict[str, str]:
    """Point the providers and the official client at this emulator, with the admin key."""
    return {"DKU_DSS_URL": f"{url}/{PLATFORM}", "DKU_API_KEY": ADMIN_KEY}


def create_platform(transitions: Transitions) -> Platform:
    """The DSS platform, its tasks advancing under the sandbox's transition modes."""
    responses = DataikuResponses(DataikuBackend(transitions))
    return Platform(
        name=PLATFORM,
        backend=responses.backend,
        routes=urls.routes(responses),
        control_routes=urls.control_routes(responses),
        failures=[FailureKind("/failures", OPERATIONS, responses.backend.schedule)],
        credential=credential,
        error_body=error_body,
        environment=environment,
        default_tokens=DEFAULT_TOKENS,
        headers=DSS_HEADERS,
        documented=documented.answer,
        variants={"missing-500": status_swap(MISSING_500, r"dataiku\..*", 404, 500, missing_as_500)},
    )
