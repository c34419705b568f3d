"""Peak Service: a web app, API or Shiny app run by the Peak platform.

Lifecycle on the platform: create -> CREATING -> AVAILABLE | CREATE_FAILED; a PATCH of a
redeploy field -> DEPLOYING -> AVAILABLE; delete -> DELETING -> gone | DELETE_FAILED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pulumi

from ..core import (
    Deadline,
    FailedStateError,
    Field,
    ForceNew,
    NotFoundError,
    Observed,
    Operation,
    OutputsModel,
    PlatformProvider,
    PlatformResource,
    ResourceArgs,
    ServerDefault,
    WaitFor,
    WriteOnly,
)
from ..core.inputs import normalize
from ..core.lifecycle import create_or_take_over, delete_riding_conflicts, retry_conflicts, write_once

if TYPE_CHECKING:
    # Wire models and the HTTP client load only where requests are sent, never in a program or
    # a preview's check and diff.
    from .client import PeakClient
    from .models import ServiceSummary, ServiceWire

TRANSITIONAL_STATUSES = frozenset({"CREATING", "DEPLOYING", "DELETING"})
FAILED_STATUSES = frozenset({"CREATE_FAILED", "DELETE_FAILED"})

ServiceType = Literal["web-app", "api", "shiny"]
# Changing any of these makes the platform redeploy the service (DEPLOYING -> AVAILABLE).
REDEPLOY_KEYS = frozenset(
    {
        "imageDetails",
        "resources",
        "parameters",
        "healthCheckURL",
        "entrypoint",
        "sessionStickiness",
        "scaleToZero",
        "minInstances",
    }
)


class ServiceArgs(ResourceArgs):
    """Inputs of a Peak Service."""

    name: Annotated[str, ForceNew()] = Field(
        description="Service name, unique in the tenant: lowercase letters, digits and hyphens, starting "
        "with a letter, at most 64 characters. Changing it replaces the service.",
        pattern=r"^[a-z][a-z0-9-]{0,63}$",
    )
    service_type: Annotated[ServiceType, ForceNew()] = Field(
        default="web-app",
        description="Kind of service: `web-app`, `api` or `shiny`. Changing it replaces the service.",
    )
    image_id: int = Field(gt=0, description="Id of the Peak image the service runs.")
    version_id: Annotated[int | None, ServerDefault()] = Field(
        default=None, gt=0, description="Image version id; when unset Peak uses the latest ready version."
    )
    instance_type_id: Annotated[int | None, ServerDefault()] = Field(
        default=None,
        gt=0,
        description="Instance type id from the tenant's instance options; Peak's default when unset.",
    )
    env: dict[str, str] = Field(default_factory=dict, description="Environment variables of the service.")
    secrets: list[str] = Field(
        default_factory=list,
        description="Names of tenant secrets exposed to the service (names, not values).",
    )
    entrypoint: str | None = Field(default=None, description="Command that starts the service; may span lines.")
    health_check_url: str | None = Field(default=None, description="Path Peak probes to decide the service is healthy.")
    session_stickiness: bool = Field(
        default=False,
        description="Route each user session to one instance. Not available for `api` services.",
    )
    scale_to_zero: bool = Field(
        default=False,
        description="Stop idle instances. Only for `web-app` services, and not together with session stickiness.",
    )
    min_instances: Annotated[int | None, ServerDefault()] = Field(
        default=None,
        ge=1,
        le=2,
        description="Minimum running instances, 1 or 2; Peak's default (1) when unset.",
    )
    title: Annotated[str | None, ServerDefault()] = Field(
        default=None, description="Display title. Changing it does not redeploy the service."
    )
    description: str | None = Field(
        default=None, description="Free-text description. Changing it does not redeploy the service."
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=900.0,
        gt=0,
        le=86400,
        description="How long create, update and delete wait for the service to settle, in seconds "
        "(Pulumi's customTimeouts do not reach dynamic providers).",
    )
    adopt_existing: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="When a service with this name already exists, take it over (and bring it to these "
        "inputs) instead of failing. One with exactly these inputs (what an interrupted create leaves) is always "
        "taken over.",
    )

    def cross_field_problems(self) -> list[tuple[str, str]]:
        problems = []
        if self.service_type == "api" and self.session_stickiness:
            problems.append(("session_stickiness", "session stickiness is not available for `api` services"))
        if self.scale_to_zero and self.service_type != "web-app":
            problems.append(("scale_to_zero", "scale to zero is only available for `web-app` services"))
        if self.scale_to_zero and self.session_stickiness:
            problems.append(("scale_to_zero", "scale to zero cannot be combined with session stickiness"))
        return problems


class ServiceOutputs(OutputsModel):
    """What Peak reports about a service beyond its inputs."""

    status: str | None = Field(
        default=None, description="CREATING, DEPLOYING, AVAILABLE, DELETING, CREATE_FAILED or DELETE_FAILED."
    )
    application_url: str | None = Field(default=None, description="URL the service is served at.")
    created_at: str | None = Field(default=None, description="Creation time, ISO-8601.")
    created_by: str | None = Field(default=None, description="Who created the service.")
    updated_at: str | None = Field(default=None, description="Last update time, ISO-8601.")
    updated_by: str | None = Field(default=None, description="Who last updated the service.")


# ---- wire mapping --------------------------------------------------------------------------------


def service_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The platform's body for a service with these Args-shaped values; unset optionals are left out."""
    service_type = values.get("service_type") or "web-app"
    image = {"imageId": values.get("image_id")}
    if values.get("version_id") is not None:
        image["versionId"] = values["version_id"]
    body: dict[str, Any] = {
        "name": values.get("name"),
        "serviceType": service_type,
        "imageDetails": image,
        "parameters": {"env": dict(values.get("env") or {}), "secrets": list(values.get("secrets") or [])},
    }
    if values.get("instance_type_id") is not None:
        body["resources"] = {"instanceTypeId": values["instance_type_id"]}
    if service_type != "api":
        body["sessionStickiness"] = bool(values.get("session_stickiness"))
    if service_type == "web-app":
        body["scaleToZero"] = bool(values.get("scale_to_zero"))
    optional = {
        "title": "title",
        "description": "description",
        "entrypoint": "entrypoint",
        "health_check_url": "healthCheckURL",
        "min_instances": "minInstances",
    }
    for field, key in optional.items():
        if values.get(field) is not None:
            body[key] = values[field]
    return body


def _differs(desired: Any, current: Any) -> bool:
    # Nested objects compare key by key one level down (imageDetails may omit a server-chosen
    # versionId); below that, values compare whole, so a removed env variable is a change.
    if isinstance(desired, dict) and isinstance(current, dict):
        return any(normalize(current.get(k)) != normalize(v) for k, v in desired.items())
    return bool(normalize(desired) != normalize(current))


def service_patch(desired: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """Only the top-level keys that change; name and service type are never patched."""
    patch = {k: v for k, v in desired.items() if k not in ("name", "serviceType") and _differs(v, current.get(k))}
    # Fields the user cleared are sent as null so the platform drops them.
    for key in ("description", "entrypoint", "healthCheckURL"):
        if key not in desired and current.get(key) is not None:
            patch[key] = None
    return patch


def patch_for(desired: Mapping[str, Any], service: ServiceWire) -> dict[str, Any]:
    """What a PATCH would have to send to bring this live service to the desired body."""
    return service_patch(desired, service_body(observe(service)))


def observe(service: ServiceWire) -> Observed:
    """The service as Args and Outputs field names."""
    image = service.image_details
    params = service.parameters
    return {
        "name": service.name,
        "service_type": service.service_type,
        "image_id": image.image_id if image else None,
        "version_id": image.version_id if image else None,
        "instance_type_id": service.resources.instance_type_id if service.resources else None,
        "env": dict(params.env) if params else {},
        "secrets": list(params.secrets) if params else [],
        "entrypoint": service.entrypoint,
        "health_check_url": service.health_check_url,
        "session_stickiness": bool(service.session_stickiness),
        "scale_to_zero": bool(service.scale_to_zero),
        "min_instances": service.min_instances,
        "title": service.title,
        "description": service.description,
        "status": service.status,
        "application_url": service.application_url,
        "created_at": service.created_at,
        "created_by": service.created_by,
        "updated_at": service.updated_at,
        "updated_by": service.updated_by,
    }


# ---- finder and waiters --------------------------------------------------------------------------


def find_service_by_name(client: PeakClient, name: str) -> ServiceSummary:
    """The service whose name is exactly ``name`` (the platform's search matches substrings)."""
    for item in client.iter_services(name=name):
        if item.name == name:
            return item
    raise NotFoundError(f"no service named {name!r}", Operation("finding", "Peak", "Service", name))


def get_service_or_none(client: PeakClient, service_id: str) -> ServiceWire | None:
    try:
        return client.get_service(service_id)
    except NotFoundError:
        return None


def _status(service: ServiceWire | None) -> str:
    return service.status if service else "GONE"


def wait_service_available(
    client: PeakClient,
    service_id: str,
    deadline: Deadline,
    operation: Operation,
    desired: Mapping[str, Any] | None = None,
) -> ServiceWire:
    """Until AVAILABLE (and, when given, showing the desired body); CREATE_FAILED raises with its reason."""

    def done(service: ServiceWire | None) -> bool:
        if service is None or service.status != "AVAILABLE":
            return False
        return desired is None or not patch_for(desired, service)

    def failure(service: ServiceWire | None) -> str | None:
        if service is None:
            return "the service disappeared"
        return service.failure_reason() if service.status in FAILED_STATUSES else None

    waited = WaitFor(
        operation, "AVAILABLE", lambda: get_service_or_none(client, service_id), done, _status, failure
    ).run(deadline)
    assert waited is not None
    return waited


def wait_service_settled(
    client: PeakClient, service_id: str, deadline: Deadline, operation: Operation
) -> ServiceWire | None:
    """Until the service is in no transitional state (or gone); writes are refused meanwhile."""
    return WaitFor(
        operation,
        "a settled status",
        lambda: get_service_or_none(client, service_id),
        lambda s: s is None or s.status not in TRANSITIONAL_STATUSES,
        _status,
    ).run(deadline)


def wait_service_deleted(client: PeakClient, service_id: str, deadline: Deadline, operation: Operation) -> None:
    WaitFor(
        operation,
        "deletion",
        lambda: get_service_or_none(client, service_id),
        lambda s: s is None,
        _status,
        lambda s: s.failure_reason() if s is not None and s.status == "DELETE_FAILED" else None,
    ).run(deadline)


def delete_service_and_wait(client: PeakClient, service_id: str, deadline: Deadline, operation: Operation) -> None:
    """Delete, riding out transitional states (409) until the deadline; gone already is success."""
    delete_riding_conflicts(
        operation,
        settle=lambda: wait_service_settled(client, service_id, deadline, operation),
        delete=lambda: client.delete_service(service_id),
        wait_gone=lambda: wait_service_deleted(client, service_id, deadline, operation),
        deadline=deadline,
    )


def find_settled_service(client: PeakClient, name: str, deadline: Deadline, operation: Operation) -> ServiceWire | None:
    """The service of this name once it is in no transitional state, or None."""
    try:
        found = find_service_by_name(client, name)
    except NotFoundError:
        return None
    return wait_service_settled(client, found.id, deadline, operation)


# ---- provider ------------------------------------------------------------------------------------


class ServiceProvider(PlatformProvider[ServiceArgs, "PeakClient"]):
    args_model = ServiceArgs
    outputs_model = ServiceOutputs
    platform = "Peak"
    resource_label = "Service"
    identity_fields = ("name",)

    client_class = "providers.peak.client:PeakClient"

    def create_remote(self, client: PeakClient, args: ServiceArgs, deadline: Deadline) -> tuple[str, Observed]:
        op = self.operation("creating", args.name)
        desired = service_body(args.to_dict())
        replacing = op.with_action("replacing failed")
        service_id = create_or_take_over(
            op,
            find=lambda: find_settled_service(client, args.name, deadline, op),
            same=lambda service: not patch_for(desired, service),
            adopt=args.adopt_existing,
            ident=lambda service: service.id,
            create=lambda: client.create_service(desired),
            failed=lambda service: service.status in FAILED_STATUSES,
            discard=lambda service: delete_service_and_wait(client, service.id, deadline, replacing),
            converge=lambda service: self._patch(
                client, service.id, patch_for(desired, service), desired, deadline, op
            ),
            what="service",
            deadline=deadline,
        )
        try:
            service = wait_service_available(client, service_id, deadline, op, desired)
        except FailedStateError:
            # A service that failed to create is useless; remove it so nothing is orphaned.
            delete_service_and_wait(client, service_id, deadline, op.with_action("cleaning up"))
            raise
        return service_id, observe(service)

    def _patch(
        self,
        client: PeakClient,
        service_id: str,
        patch: dict[str, Any],
        desired: dict[str, Any],
        deadline: Deadline,
        op: Operation,
    ) -> None:
        """Send a PATCH once in effect: after a lost answer, a service showing the change (or busy
        applying it) means it landed; otherwise it is sent again."""

        def landed() -> bool | None:
            current = get_service_or_none(client, service_id)
            if current is None:
                raise NotFoundError("the service disappeared during the update", op)
            return True if current.status in TRANSITIONAL_STATUSES or not patch_for(desired, current) else None

        if patch:
            retry_conflicts(
                op,
                lambda: write_once(op, lambda: client.update_service(service_id, patch), landed, deadline),
                settle=lambda: wait_service_settled(client, service_id, deadline, op),
                deadline=deadline,
            )

    def read_remote(self, client: PeakClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        service = get_service_or_none(client, ident)
        return observe(service) if service else None

    def update_remote(
        self, client: PeakClient, ident: str, prior: Mapping[str, Any], args: ServiceArgs, deadline: Deadline
    ) -> Observed:
        op = self.operation("updating", ident)
        desired = service_body(args.to_dict())
        current = wait_service_settled(client, ident, deadline, op)
        if current is None:
            raise NotFoundError("the service no longer exists; run `pulumi refresh` to recreate it", op)
        # Patch against the live service, not state, so changes made out of band are put back too.
        patch = patch_for(desired, current)
        if not patch:
            return observe(current)
        self._patch(client, ident, patch, desired, deadline, op)
        if REDEPLOY_KEYS.intersection(patch):
            return observe(wait_service_available(client, ident, deadline, op, desired))
        return observe(client.get_service(ident))

    def delete_remote(self, client: PeakClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        delete_service_and_wait(client, ident, deadline, self.operation("deleting", ident))


class Service(PlatformResource[ServiceArgs], module="peak", name="Service"):
    """A Peak Service (web app, API or Shiny app)."""

    provider_type = ServiceProvider

    name: pulumi.Output[str]
    service_type: pulumi.Output[str]
    image_id: pulumi.Output[int]
    version_id: pulumi.Output[int]
    instance_type_id: pulumi.Output[int]
    env: pulumi.Output[dict[str, str]]
    secrets: pulumi.Output[list[str]]
    entrypoint: pulumi.Output[str | None]
    health_check_url: pulumi.Output[str | None]
    session_stickiness: pulumi.Output[bool]
    scale_to_zero: pulumi.Output[bool]
    min_instances: pulumi.Output[int]
    title: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    timeout_seconds: pulumi.Output[float]
    adopt_existing: pulumi.Output[bool]
    status: pulumi.Output[str]
    application_url: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    created_by: pulumi.Output[str]
    updated_at: pulumi.Output[str | None]
    updated_by: pulumi.Output[str | None]
