"""Peak wire models: the API's shapes, tolerant of fields we do not use."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel)


class ImageDetails(WireModel):
    image_id: int
    version_id: int | None = None


class ServiceResources(WireModel):
    instance_type_id: int | None = None


class ServiceParameters(WireModel):
    env: dict[str, str] = Field(default_factory=dict)
    secrets: list[str] = Field(default_factory=list)


class Failure(WireModel):
    message: str | None = None


class Created(WireModel):
    created_at: str | None = None
    created_by: str | None = None


class Audited(Created):
    updated_at: str | None = None
    updated_by: str | None = None


class ServiceSummary(WireModel):
    """A list item: enough to find a service by name."""

    id: str
    name: str
    status: str | None = None
    service_type: str | None = None


class ServiceWire(ServiceSummary, Audited):
    """A described service: its status is always there."""

    status: str
    service_type: str = "web-app"
    title: str | None = None
    description: str | None = None
    image_details: ImageDetails | None = None
    resources: ServiceResources | None = None
    parameters: ServiceParameters | None = None
    session_stickiness: bool | None = None
    scale_to_zero: bool | None = None
    entrypoint: str | None = None
    health_check_url: str | None = Field(default=None, alias="healthCheckURL")
    min_instances: int | None = None
    application_url: str | None = None
    last_error: Failure | None = None


class ServiceTestResultWire(WireModel):
    response_body: Any = None
    response_status: int | None = None
    req_start_time: str | None = None
    req_end_time: str | None = None
    response_size: str | None = None


# ---- Press ---------------------------------------------------------------------------------------


class PressTag(WireModel):
    name: str


class PressMetadata(Audited):
    """`metadata` of a spec or a deployment."""

    name: str
    title: str | None = None
    summary: str | None = None
    description: str | None = None
    description_content_type: str | None = None
    image_url: str | None = None
    tags: list[PressTag] = Field(default_factory=list)
    status: str | None = None

    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]


class PressRef(WireModel):
    id: str


class PressObject(PressRef):
    metadata: PressMetadata


class PressReleaseWire(Created):
    """A spec release (describe release, a spec's `latestRelease`, a release list item)."""

    id: str | None = None
    version: str
    notes: str | None = None
    config: Any = None
    parameters: Any = None
    artifact: PressRef | None = None
    auto_run_on_deploy: bool | None = None


class PressSpecWire(PressObject):
    """An app or block spec (describe, or a list item)."""

    kind: str
    featured: bool = False
    scope: str | None = None
    tenants: list[str] = Field(default_factory=list)
    latest_release: PressReleaseWire | None = None


class PressBlockWire(WireModel):
    """One block deployment of an app's revision."""

    deployment_id: str | None = None
    platform_id: str | None = None
    kind: str | None = None
    name: str | None = None
    status: str | None = None


class PressRevisionWire(Created):
    """A deployment revision (`latestRevision`, a revision list item, describe revision)."""

    id: str | None = None
    revision: int
    status: str | None = None
    notes: str | None = None
    release_version: str | None = None
    last_error: Failure | None = None
    blocks: list[PressBlockWire] = Field(default_factory=list)


class PressSpecRelease(WireModel):
    version: str


class PressSpecRef(PressRef):
    release: PressSpecRelease | None = None


class PressDeploymentWire(PressObject):
    """An app or block deployment (describe, list item, the metadata update's answer)."""

    kind: str | None = None
    spec: PressSpecRef | None = None
    latest_revision: PressRevisionWire | None = None
    # A block's parameter values (hidden ones masked); an app's describe documents none (reference §7f).
    parameters: dict[str, Any] = Field(default_factory=dict)
    parent: PressRef | None = None

    @property
    def status(self) -> str:
        return self.metadata.status or "unknown"

    @property
    def revision_number(self) -> int:
        """The latest revision's number (0 before any): how a new revision or a redeploy is told done."""
        return self.latest_revision.revision if self.latest_revision else 0

    def failure_reason(self) -> str | None:
        error = self.latest_revision.last_error if self.latest_revision else None
        return error.message if error else None


class PressRevisionCreated(WireModel):
    """The answer of a revision create or a redeploy."""

    id: str | None = None
    deployment_id: str | None = None
    revision: int
    revision_id: str | None = None
