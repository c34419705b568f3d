"""Peak Service: a web app, API or Shiny app run by the Peak platform.

Lifecycle on the platform: create -> CREATING -> AVAILABLE | CREATE_FAILED; a PATCH of a
redeploy field -> DEPLOYING -> AVAILABLE; delete -> DELETING -> gone | DELETE_FAILED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ..core.fields import Field, ForceNew, ServerDefault, WriteOnly
from ..core.inputs import normalize
from ..core.lifecycle import Known
from ..core.provider import PlatformProvider
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.step import Step
from ..generated.attributes import PeakServiceAttributes

if TYPE_CHECKING:
    # Wire models and the HTTP client load only where requests are sent, never in a program or
    # a preview's check and diff.
    from .client import PeakClient
    from .models import ServiceWire

# Changing any key of the body but these makes the platform redeploy the service (DEPLOYING -> AVAILABLE).
NO_REDEPLOY_KEYS = frozenset({"title", "description"})


class ServiceArgs(ResourceArgs, timeout=900, waits_for="the service to settle", adoptable="a service with this name"):
    """Inputs of a Peak Service."""

    name: Annotated[str, ForceNew()] = Field(
        description="Service name, unique in the tenant: lowercase letters, digits and hyphens, starting "
        "with a letter, at most 64 characters. Changing it replaces the service.",
        pattern=r"^[a-z][a-z0-9-]{0,63}$",
    )
    service_type: Annotated[Literal["web-app", "api", "shiny"], ForceNew()] = Field(
        default="web-app", description="Kind of service: `web-app`, `api` or `shiny`. Changing it replaces the service."
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
    env: Annotated[dict[str, str], WriteOnly()] = Field(
        default_factory=dict,
        description="Environment variables of the service. Peak does not document them in answers, so a change "
        "made outside Pulumi is not seen.",
    )
    secrets: Annotated[list[str], WriteOnly()] = Field(
        default_factory=list,
        description="Names of tenant secrets exposed to the service (names, not values); like `env`, not read back.",
    )
    entrypoint: Annotated[str | None, ServerDefault()] = Field(
        default=None,
        description="Command that starts the service; may span lines. Peak cannot clear it: once set, leaving it "
        "out keeps the service's current command.",
    )
    health_check_url: Annotated[str | None, ServerDefault()] = Field(
        default=None,
        description="Path Peak probes to decide the service is healthy; Peak's default when unset (and Peak cannot "
        "clear it once set).",
    )
    session_stickiness: bool = Field(
        default=False, description="Route each user session to one instance. Not available for `api` services."
    )
    scale_to_zero: bool = Field(
        default=False,
        description="Stop idle instances. Only for `web-app` services, and not together with session stickiness.",
    )
    min_instances: Annotated[int | None, ServerDefault()] = Field(
        default=None, ge=1, le=2, description="Minimum running instances, 1 or 2; Peak's default (1) when unset."
    )
    title: Annotated[str | None, ServerDefault()] = Field(
        default=None,
        description="Display title. Changing it does not redeploy the service. Peak does not document it in "
        "answers, so a change made outside Pulumi is not seen.",
    )
    description: Annotated[str | None, WriteOnly()] = Field(
        default=None,
        description="Free-text description. Changing it does not redeploy the service. Peak does not document it "
        "in answers, so a change made outside Pulumi is not seen.",
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

OPTIONAL_KEYS = {
    "title": "title",
    "description": "description",
    "entrypoint": "entrypoint",
    "health_check_url": "healthCheckURL",
    "min_instances": "minInstances",
}


def service_body(values: Known) -> dict[str, Any]:
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
    body.update({key: values[field] for field, key in OPTIONAL_KEYS.items() if values.get(field) is not None})
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
    # A cleared description is sent as null so the platform drops it (entrypoint and the health check
    # cannot be cleared on Peak: unset, they keep the platform's value).
    if "description" not in desired and current.get("description") is not None:
        patch["description"] = None
    return patch


# ---- provider ------------------------------------------------------------------------------------


class ServiceProvider(PlatformProvider[ServiceArgs, "PeakClient", "ServiceWire"]):
    outputs_model = ServiceOutputs
    platform = "Peak"
    client_class = "providers.peak.client:PeakClient"
    identity_fields = ("name",)
    pending = frozenset({"CREATING", "DEPLOYING", "DELETING"})
    target = frozenset({"AVAILABLE"})
    failed = frozenset({"CREATE_FAILED"})
    delete_failed = frozenset({"DELETE_FAILED"})
    status_attribute = "status"
    failure_attribute = "last_error.message"
    # What a described service documents (CLI `describe` docs), by field; `title`, `description` and
    # `parameters` are not among them, so they keep their recorded inputs.
    wire_fields = {
        "image_id": "image_details.image_id",
        "version_id": "image_details.version_id",
        "instance_type_id": "resources.instance_type_id",
        **{name: name for name in ("name", "service_type", "entrypoint", "health_check_url", "session_stickiness")},
        **{name: name for name in ("scale_to_zero", "min_instances", *ServiceOutputs.field_specs())},
    }

    def fetch(self, step: Step[PeakClient], ident: str, known: Known) -> ServiceWire:
        return step.client.get_service(ident)

    def find(self, step: Step[PeakClient], args: ServiceArgs) -> ServiceWire | None:
        # The platform's search matches substrings: only an exact name is this service.
        for item in step.client.iter_services(name=args.name):
            if item.name == args.name:
                return step.client.get_service(item.id)
        return None

    def send_create(self, step: Step[PeakClient], args: ServiceArgs) -> str:
        return step.client.create_service(service_body(args.to_dict()))

    def send_delete(self, step: Step[PeakClient], ident: str, known: Known) -> None:
        step.client.delete_service(ident)

    def converge(
        self, step: Step[PeakClient], ident: str, current: ServiceWire, args: ServiceArgs, prior: Known
    ) -> ServiceWire | None:
        """One PATCH of the keys that differ from the live service (undocumented ones: from state). A redeploy
        is judged done by documented signals alone: AVAILABLE again with a newer `updatedAt`, never by the
        describe echoing what was sent."""
        desired = service_body(args.to_dict())
        patch = service_patch(desired, service_body({**prior, **self.observe(step, ident, current, prior)}))
        if not patch:
            return current
        before = current.updated_at

        def landed() -> bool | None:
            live = self.get_or_none(step, ident, prior)
            if live is None:
                raise self.gone_error(step)
            return True if live.updated_at != before or live.status in self.pending else None

        def send() -> bool:
            step.client.update_service(ident, patch)
            return True

        self.write_riding_busy(step, ident, prior, send, landed)
        if not set(patch) - NO_REDEPLOY_KEYS:
            return None
        return self.wait_target(step, ident, prior, done=lambda s: s.updated_at != before or before is None)


class Service(PeakServiceAttributes, PlatformResource[ServiceArgs], module="peak", name="Service"):
    """A Peak Service (web app, API or Shiny app)."""

    provider_type = ServiceProvider
