"""Peak Services: state and business rules, per tenant. Knows nothing of HTTP; the choices it makes
where the platform's documentation is silent are listed in `providers/sandbox/README.md`."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from providers.sandbox.core import validation as read
from providers.sandbox.core.backend import StateBackend
from providers.sandbox.core.failures import State
from providers.sandbox.core.paging import Page, paginate
from providers.sandbox.core.transitions import Transition
from providers.sandbox.peak.exceptions import BadRequest, Conflict, NotFound, Unprocessable
from providers.sandbox.peak.press_state import stamped

PLATFORM = "peak"
SERVICE_TYPES = ("web-app", "api", "shiny")
STATUSES = ("CREATING", "DEPLOYING", "AVAILABLE", "DELETING", "CREATE_FAILED", "DELETE_FAILED")
BUSY_STATUSES = ("CREATING", "DEPLOYING", "DELETING")
TEST_METHODS = ("get", "post", "put", "patch", "delete")
NAME_PATTERN = r"[a-z][a-z0-9-]{0,63}"
DEFAULT_PAGE_SIZE = 25
OPERATIONS = ("create", "delete")


class Service(BaseModel):
    """A Peak service as stored by the sandbox (snake_case; `describe()` gives the wire shape)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    tenant: str
    name: str
    service_type: str
    status: str
    title: str | None = None
    description: str | None = None
    image_id: int
    version_id: int = 1
    instance_type_id: int = 1
    env: dict[str, str] = Field(default_factory=dict)
    secrets: list[str] = Field(default_factory=list)
    session_stickiness: bool = False
    scale_to_zero: bool = False
    entrypoint: str | None = None
    health_check_url: str | None = None
    min_instances: int = 1
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    last_error: str | None = None
    pending: Transition | None = None

    def application_url(self) -> str:
        """Where the service would answer (deterministic, never resolved)."""
        if self.service_type == "api":
            return f"https://service.peak.ai/{self.tenant}/api/{self.name}"
        return f"https://{self.name}.{self.tenant}.peak.site"

    def summary(self) -> dict[str, Any]:
        """The item shape of the list route."""
        return {**self.model_dump(include=_SUMMARY, by_alias=True), "tags": []}

    def describe(self) -> dict[str, Any]:
        """The shape of the describe route; `lastError` carries the reason of a *_FAILED status."""
        return {
            **self.summary(),
            **self.model_dump(include=_SETTINGS, by_alias=True),
            "imageDetails": {"imageId": self.image_id, "versionId": self.version_id},
            "resources": {"instanceTypeId": self.instance_type_id},
            "parameters": {"env": dict(self.env), "secrets": list(self.secrets)},
            "healthCheckURL": self.health_check_url,
            "applicationUrl": self.application_url(),
            "lastError": None if self.last_error is None else {"message": self.last_error},
        }


_SUMMARY = {"id", "name", "title", "description", "status", "service_type", "created_at", "created_by"}
_SUMMARY |= {"updated_at", "updated_by"}
_SETTINGS = {"session_stickiness", "scale_to_zero", "entrypoint", "min_instances"}


class Tenant(BaseModel):
    """One tenant's objects, by id in creation order."""

    services: dict[str, Service] = Field(default_factory=dict)


class PeakState(State):
    """Everything the Peak emulator holds: tenants by name, and the scheduled failures."""

    tenants: dict[str, Tenant] = Field(default_factory=dict)


@dataclass(frozen=True)
class ListQuery:
    """Filters and page of a list request; list filters match any of their values."""

    page_size: int = DEFAULT_PAGE_SIZE
    page_number: int = 1
    statuses: tuple[str, ...] = ()
    service_types: tuple[str, ...] = ()
    search_term: str | None = None


Reader = Callable[[Mapping[str, Any], str], Any]
_positive: Reader = partial(read.optional_int, minimum=1)

# Fields a create or update may set: attribute, wire path, reader.
_FIELDS: tuple[tuple[str, str, Reader], ...] = (
    ("title", "title", read.optional_str),
    ("description", "description", read.optional_str),
    ("image_id", "imageDetails.imageId", _positive),
    ("version_id", "imageDetails.versionId", _positive),
    ("instance_type_id", "resources.instanceTypeId", _positive),
    ("env", "parameters.env", read.optional_str_map),
    ("secrets", "parameters.secrets", read.optional_str_list),
    ("session_stickiness", "sessionStickiness", read.optional_bool),
    ("scale_to_zero", "scaleToZero", read.optional_bool),
    ("entrypoint", "entrypoint", read.optional_str),
    ("health_check_url", "healthCheckURL", read.optional_str),
    ("min_instances", "minInstances", partial(read.optional_int, minimum=1, maximum=2)),
)
# Changing any field but these redeploys the service (SDK docstring, plus minInstances).
_NO_REDEPLOY = ("title", "description")


class PeakBackend(StateBackend[PeakState]):
    """Peak Services for every tenant. Reads (describe, list) advance pending transitions."""

    state_type = PeakState

    def create_service(self, tenant: str, body: Mapping[str, Any]) -> Service:
        """Create a service in CREATING; it becomes AVAILABLE (or CREATE_FAILED when scheduled)."""
        name = read.optional_str(body, "name")
        if not name:
            raise BadRequest("name is required")
        if not re.fullmatch(NAME_PATTERN, name):
            raise BadRequest("name must be 1-64 lowercase letters, digits or hyphens, starting with a letter")
        service_type = read.optional_choice(body, "serviceType", SERVICE_TYPES) or "web-app"
        fields = _read_fields(body)
        if "image_id" not in fields:
            raise BadRequest("imageDetails.imageId is required")
        stamps = stamped(self.now_iso(), tenant)
        service = Service(
            id=str(uuid.uuid4()),
            tenant=tenant,
            name=name,
            service_type=service_type,
            status="CREATING",
            **stamps,
            **fields,
        )
        _check_rules(service)
        services = self.state.tenants.setdefault(tenant, Tenant()).services
        if any(existing.name == name for existing in services.values()):
            raise Conflict(f"service {name} already exists")
        failure = self.state.take_failure("create", name, tenant)
        reason = failure.reason if failure else None
        service.pending = self.transitions.start(PLATFORM, "CREATE_FAILED" if failure else "AVAILABLE", reason)
        services[service.id] = service
        return service

    def describe_service(self, tenant: str, service_id: str) -> Service:
        """The service as this read sees it; NotFound when unknown or removed."""
        service = self._observe(self._find(tenant, service_id))
        if service is None:
            raise NotFound(f"service {service_id} not found")
        return service

    def list_services(self, tenant: str, query: ListQuery) -> Page[Service]:
        """One page of the tenant's services in creation order; every service counts one read."""
        for name, values, choices in (
            ("status", query.statuses, STATUSES),
            ("serviceType", query.service_types, SERVICE_TYPES),
        ):
            unknown = [value for value in values if value not in choices]
            if unknown:
                raise BadRequest(f"{name} must be one of {', '.join(choices)} (got {', '.join(unknown)})")
        seen = [self._observe(service) for service in list(self._services(tenant).values())]
        term = (query.search_term or "").lower()
        matching = [
            service
            for service in seen
            if service is not None
            and (not query.statuses or service.status in query.statuses)
            and (not query.service_types or service.service_type in query.service_types)
            and term in service.name.lower()
        ]
        matching.sort(key=lambda service: service.created_at)
        return paginate(matching, query.page_number, query.page_size)

    def update_service(self, tenant: str, service_id: str, body: Mapping[str, Any]) -> Service:
        """Apply a partial update; a change to a deployed setting redeploys (DEPLOYING → AVAILABLE)."""
        fields = _read_fields(body)
        name, service_type = read.optional_str(body, "name"), read.optional_str(body, "serviceType")
        service = self._find(tenant, service_id)
        if name is not None and name != service.name:
            raise BadRequest("name cannot be changed")
        if service_type is not None and service_type != service.service_type:
            raise BadRequest("serviceType cannot be changed")
        if service.status in (*BUSY_STATUSES, "CREATE_FAILED"):
            raise Conflict(f"service {service.name} cannot be updated while {service.status}")
        updated = service.model_copy(update=fields)
        _check_rules(updated)
        updated.updated_at, updated.updated_by = self._stamp(tenant)
        if any(getattr(updated, attr) != getattr(service, attr) for attr, _, _ in _FIELDS if attr not in _NO_REDEPLOY):
            updated.status, updated.last_error = "DEPLOYING", None
            updated.pending = self.transitions.start(PLATFORM, "AVAILABLE")
        self._services(tenant)[service.id] = updated
        return updated

    def delete_service(self, tenant: str, service_id: str) -> Service:
        """Start deleting: DELETING, then removed (or DELETE_FAILED when scheduled)."""
        service = self._find(tenant, service_id)
        if service.status in BUSY_STATUSES:
            raise Conflict(f"service {service.name} cannot be deleted while {service.status}")
        failure = self.state.take_failure("delete", service.name, tenant)
        service.status, service.last_error = "DELETING", None
        service.updated_at, service.updated_by = self._stamp(tenant)
        service.pending = self.transitions.start(
            PLATFORM, "DELETE_FAILED" if failure else None, failure.reason if failure else None
        )
        return service

    def test_service(self, tenant: str, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Send a test request to an AVAILABLE api service (found by name); it echoes the request."""
        method = (read.optional_str(body, "httpMethod") or "").lower()
        path = read.optional_str(body, "path") or "/"
        payload = read.lookup(body, "payload")
        if payload is not None and not isinstance(payload, dict):
            raise BadRequest("payload must be an object")
        service = next((s for s in self._services(tenant).values() if s.name == name), None)
        if service is None:
            raise NotFound(f"service {name} not found")
        if service.service_type != "api":
            raise BadRequest(f"service {name} is of type {service.service_type}; only api services can be tested")
        if method not in TEST_METHODS:
            raise BadRequest(f"httpMethod must be one of {', '.join(TEST_METHODS)}")
        if service.status != "AVAILABLE":
            raise Unprocessable(f"service {name} is {service.status}; only AVAILABLE services can be tested")
        started = self.now_iso()
        echo = json.dumps({"method": method.upper(), "path": path, "payload": payload})
        return {
            "responseBody": echo,
            "responseStatus": 200,
            "reqStartTime": started,
            "reqEndTime": self.now_iso(),
            "responseSize": f"{max(1, math.ceil(len(echo) / 1024))}KB",
        }

    def _services(self, tenant: str) -> dict[str, Service]:
        return self.state.tenants.get(tenant, Tenant()).services

    def _find(self, tenant: str, service_id: str) -> Service:
        service = self._services(tenant).get(service_id)
        if service is None:
            raise NotFound(f"service {service_id} not found")
        return service

    def _observe(self, service: Service) -> Service | None:
        """Count a read of the service: land its transition when due; None when that removes it."""
        transition = service.pending
        if transition is None or not self.transitions.reached(transition):
            return service
        service.pending = None
        if transition.target is None:
            del self._services(service.tenant)[service.id]
            return None
        service.status, service.last_error = transition.target, transition.error
        return service

    def _stamp(self, tenant: str) -> tuple[str, str]:
        """The current time and the user that changes are attributed to."""
        return self.now_iso(), f"sandbox@{tenant}.peak.ai"


def _read_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """The settable fields present in a create or update body, validated, by attribute name."""
    fields = {attr: read(body, path) for attr, path, read in _FIELDS}
    return {attr: value for attr, value in fields.items() if value is not None}


def _check_rules(service: Service) -> None:
    """Rules that involve more than one field."""
    if service.session_stickiness and service.service_type == "api":
        raise BadRequest("sessionStickiness is not supported for serviceType api")
    if service.scale_to_zero and service.service_type != "web-app":
        raise BadRequest("scaleToZero is only supported for serviceType web-app")
    if service.scale_to_zero and service.session_stickiness:
        raise BadRequest("scaleToZero cannot be combined with sessionStickiness")
