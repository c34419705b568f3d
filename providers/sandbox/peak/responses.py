"""Peak's wire layer: turns requests into backend calls and backend results into Peak's JSON."""

from __future__ import annotations

from providers.sandbox.core.http import Request, Response
from providers.sandbox.core.paging import page_param
from providers.sandbox.peak.models import DEFAULT_PAGE_SIZE, ListQuery, PeakBackend


class PeakResponses:
    """One handler per route of `urls.py`."""

    def __init__(self, backend: PeakBackend) -> None:
        self.backend = backend

    def list_services(self, request: Request) -> Response:
        """The services list; the legacy webapps client (no `featureType=services`) gets `webapps` keys."""
        query = ListQuery(
            page_size=page_param(request, "pageSize", DEFAULT_PAGE_SIZE),
            page_number=page_param(request, "pageNumber", 1),
            statuses=tuple(request.list_param("status")),
            service_types=tuple(request.list_param("serviceType")),
            search_term=request.first("searchTerm") or None,
        )
        page = self.backend.list_services(request.tenant_id(), query)
        key = "services" if request.first("featureType") == "services" else "webapps"
        return Response(200, page.envelope([service.summary() for service in page.items], [key], [f"{key}Count"]))

    def create_service(self, request: Request) -> Response:
        """`{"id"}` of the new service."""
        service = self.backend.create_service(request.tenant_id(), request.json_object())
        return Response(201, {"id": service.id})

    def describe_service(self, request: Request) -> Response:
        """The full service."""
        service = self.backend.describe_service(request.tenant_id(), request.params["service_id"])
        return Response(200, service.describe())

    def update_service(self, request: Request) -> Response:
        """`{"id"}` of the updated service."""
        body = request.json_object()
        service = self.backend.update_service(request.tenant_id(), request.params["service_id"], body)
        return Response(200, {"id": service.id})

    def delete_service(self, request: Request) -> Response:
        """`{"id"}` of the service being deleted."""
        service = self.backend.delete_service(request.tenant_id(), request.params["service_id"])
        return Response(200, {"id": service.id})

    def test_service(self, request: Request) -> Response:
        """The echo of a test request to an api service."""
        body = request.json_object()
        return Response(200, self.backend.test_service(request.tenant_id(), request.params["service_name"], body))

    def tenant_metadata(self, request: Request) -> Response:
        """What every SDK Session fetches on construction; `{}` means a hub (not spoke) tenant."""
        return Response(200, {})

    def telemetry(self, request: Request) -> Response:
        """The SDK's usage report after every call: accepted and dropped."""
        return Response(200, {})
