"""Peak's route table. Paths are relative to `/peak`; the service host is served under `/service`
and the press host under `/press` (its routes are in `press_urls.py`)."""

from __future__ import annotations

from providers.sandbox.core.http import Route
from providers.sandbox.peak.responses import PeakResponses

SERVICE_HOST = "/service"
WEBAPPS = SERVICE_HOST + "/webapps/api/v1/webapps"
TENANT_METADATA = SERVICE_HOST + "/tenant-management/api/v1/external/tenants/tenant-metadata"


def routes(responses: PeakResponses) -> list[Route]:
    """Every Peak route, named `peak.<operation>` in the request log."""
    r = responses
    table = [
        ("GET", rf"{WEBAPPS}/?", "list_services", r.list_services),
        ("POST", rf"{WEBAPPS}/?", "create_service", r.create_service),
        ("GET", rf"{WEBAPPS}/(?P<service_id>[^/]+)", "describe_service", r.describe_service),
        ("PATCH", rf"{WEBAPPS}/(?P<service_id>[^/]+)", "update_service", r.update_service),
        ("DELETE", rf"{WEBAPPS}/(?P<service_id>[^/]+)", "delete_service", r.delete_service),
        ("POST", rf"{WEBAPPS}/(?P<service_name>[^/]+)/test", "test_service", r.test_service),
        ("GET", TENANT_METADATA, "tenant_metadata", r.tenant_metadata),
    ]
    return [
        *(Route(method, pattern, f"peak.{name}", handler) for method, pattern, name, handler in table),
        # Telemetry is fire-and-forget in the SDK; it is accepted with or without a valid token.
        Route("POST", rf"{SERVICE_HOST}/resource-usage/api/v1/telemetry", "peak.telemetry", r.telemetry, auth=False),
    ]
