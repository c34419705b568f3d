"""Peak's route table. Paths are relative to `/peak`; the service host is served under `/service`
and the press host under `/press` (its routes are in `press_urls.py`)."""

from __future__ import annotations

from providers.sandbox.core.http import Route
from providers.sandbox.peak.responses import PeakResponses

SERVICE_HOST = "/service"
PRESS_HOST = "/press"
WEBAPPS = SERVICE_HOST + "/webapps/api/v1/webapps"


def routes(responses: PeakResponses) -> list[Route]:
    """Every Peak route, named `peak.<operation>` in the request log."""
    r = responses
    return [
        Route("GET", rf"{WEBAPPS}/?", "peak.list_services", r.list_services),
        Route("POST", rf"{WEBAPPS}/?", "peak.create_service", r.create_service),
        Route("GET", rf"{WEBAPPS}/(?P<service_id>[^/]+)", "peak.describe_service", r.describe_service),
        Route("PATCH", rf"{WEBAPPS}/(?P<service_id>[^/]+)", "peak.update_service", r.update_service),
        Route("DELETE", rf"{WEBAPPS}/(?P<service_id>[^/]+)", "peak.delete_service", r.delete_service),
        Route("POST", rf"{WEBAPPS}/(?P<service_name>[^/]+)/test", "peak.test_service", r.test_service),
        Route(
            "GET",
            rf"{SERVICE_HOST}/tenant-management/api/v1/external/tenants/tenant-metadata",
            "peak.tenant_metadata",
            r.tenant_metadata,
        ),
        # Telemetry is fire-and-forget in the SDK; it is accepted with or without a valid token.
        Route("POST", rf"{SERVICE_HOST}/resource-usage/api/v1/telemetry", "peak.telemetry", r.telemetry, auth=False),
    ]


def control_routes(responses: PeakResponses) -> list[Route]:
    """Peak's control-plane routes, relative to `/_sandbox/peak`."""
    return [Route("POST", r"/failures", "sandbox.peak.schedule_failure", responses.schedule_failure)]
