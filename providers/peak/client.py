"""Thin Peak API client: one method per endpoint, wire models in, our errors out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core import ConfigError, Operation, Settings
from ..core.transport import HttpTransport, join_path
from .models import ServiceSummary, ServiceTestResultWire, ServiceWire

PLATFORM = "Peak"
STAGES = {"prod": "", "dev": "dev", "latest": "dev", "test": "test", "beta": "beta", "parvati": "parvati"}
SERVICES_PATH = ("webapps", "api", "v1", "webapps")
MAX_PAGES = 1000

API_KEY_CONFIG = "peak:apiKey"
STAGE_CONFIG = "peak:stage"
ENDPOINT_CONFIG = "peak:endpoint"
# The official SDK's variables, so a shell already set up for peak-sdk works unchanged.
API_KEY_ENV = ("PEAK_AUTH_TOKEN", "API_KEY")
STAGE_ENV = ("PEAK__STAGE", "STAGE")
ENDPOINT_ENV = ("PEAK_ENDPOINT",)

CONFIG_DOCS = (
    (API_KEY_CONFIG, API_KEY_ENV, "API key or bearer token, sent raw in `Authorization`; set it as a secret."),
    (STAGE_CONFIG, STAGE_ENV, "Stage whose hosts to use: prod (default), dev, latest, test, beta, parvati."),
    (
        ENDPOINT_CONFIG,
        ENDPOINT_ENV,
        "URL template overriding the stage, with a `{subdomain}` slot for the "
        "service and press hosts (the sandbox prints one).",
    ),
)


def endpoint_for_stage(stage: str) -> str:
    if stage not in STAGES:
        raise ConfigError(f"configuring Peak provider: unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    label = STAGES[stage]
    return "https://{subdomain}." + (f"{label}." if label else "") + "peak.ai"


@dataclass(frozen=True)
class PeakConnection:
    """Where and how to reach Peak; ``endpoint`` is a URL template with a ``{subdomain}`` slot."""

    endpoint: str
    api_key: str

    @classmethod
    def from_settings(cls, settings: Settings) -> PeakConnection:
        api_key = settings.get(API_KEY_CONFIG, API_KEY_ENV)
        if not api_key:
            raise ConfigError(
                "configuring Peak provider: no API key; run `pulumi config set --secret peak:apiKey <key>` "
                "or set PEAK_AUTH_TOKEN"
            )
        endpoint = settings.get(ENDPOINT_CONFIG, ENDPOINT_ENV)
        if not endpoint:
            endpoint = endpoint_for_stage(settings.get(STAGE_CONFIG, STAGE_ENV) or "prod")
        return cls(endpoint=endpoint.rstrip("/"), api_key=api_key)

    def host(self, subdomain: str) -> str:
        return self.endpoint.replace("{subdomain}", subdomain)

    def __repr__(self) -> str:
        # dataclass repr would print the key into tracebacks and logs.
        return f"PeakConnection(endpoint={self.endpoint!r})"


def _peak_error_cause(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return (response.text or "").strip()[:300] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("message")
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list):
            # FastAPI-style validation errors: [{"loc": [...], "msg": ...}]
            return "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail)
    return str(body)[:300]


class PeakClient:
    """Peak Services API (service host ``/webapps/api/v1/webapps``)."""

    def __init__(self, connection: PeakConnection, transport: HttpTransport | None = None) -> None:
        self.connection = connection
        self.transport = transport or HttpTransport(
            # The platform takes the raw key, with no "Bearer " prefix.
            headers={"Authorization": connection.api_key, "Content-Type": "application/json"},
            secrets=(connection.api_key,),
            error_cause=_peak_error_cause,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> PeakClient:
        return cls(PeakConnection.from_settings(settings))

    def _services_url(self, *segments: str, trailing_slash: bool = False) -> str:
        return self.connection.host("service") + join_path(*SERVICES_PATH, *segments, trailing_slash=trailing_slash)

    def _op(self, action: str, ident: str) -> Operation:
        return Operation(action, PLATFORM, "Service", ident)

    def create_service(self, body: Mapping[str, Any]) -> str:
        op = self._op("creating", str(body.get("name", "")))
        answer = self.transport.request(op, "POST", self._services_url(trailing_slash=True), body=dict(body))
        return str(answer["id"])

    def get_service(self, service_id: str) -> ServiceWire:
        answer = self.transport.request(self._op("reading", service_id), "GET", self._services_url(service_id))
        return ServiceWire.model_validate(answer)

    def update_service(self, service_id: str, body: Mapping[str, Any]) -> None:
        op = self._op("updating", service_id)
        self.transport.request(op, "PATCH", self._services_url(service_id), body=dict(body))

    def delete_service(self, service_id: str) -> None:
        self.transport.request(self._op("deleting", service_id), "DELETE", self._services_url(service_id))

    def iter_services(
        self,
        *,
        name: str | None = None,
        status: Sequence[str] | None = None,
        service_type: Sequence[str] | None = None,
        page_size: int = 100,
    ) -> Iterator[ServiceSummary]:
        """Every service matching the filters; ``name`` is the platform's substring search."""
        op = self._op("listing", name or "*")
        query: dict[str, Any] = {
            "pageSize": page_size,
            "searchTerm": name,
            "status": list(status) if status else None,
            "serviceType": list(service_type) if service_type else None,
            "featureType": "services",
        }
        page = 1
        while page <= MAX_PAGES:
            answer = self.transport.request(
                op, "GET", self._services_url(trailing_slash=True), query={**query, "pageNumber": page}
            )
            items = answer.get("services", answer.get("webapps", []))
            for item in items:
                yield ServiceSummary.model_validate(item)
            page_count = int(answer.get("pageCount") or 0)
            if page >= page_count or not items:
                return
            page += 1

    def test_service(
        self, service_name: str, http_method: str, path: str | None = None, payload: Any = None
    ) -> ServiceTestResultWire:
        op = self._op("testing", service_name)
        body = {"httpMethod": http_method, "path": path, "payload": payload}
        answer = self.transport.request(op, "POST", self._services_url(service_name, "test"), body=body)
        return ServiceTestResultWire.model_validate(answer)
