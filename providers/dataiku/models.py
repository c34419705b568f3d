"""Dataiku DSS wire models: the API's shapes, tolerant of fields we do not use.

DSS leaves null fields out of its answers, so everything not required has a default.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel)


class FutureState(WireModel):
    """A long-running task: running (with a ``jobId``) or finished inline (``hasResult``, no ``jobId``)."""

    job_id: str | None = None
    has_result: bool = False
    result: Any = None
    alive: bool | None = None
    aborted: bool = False
    unknown: bool = False

    def dead_without_result(self) -> str | None:
        """Why the task can never bring a result (aborted, unknown, ended without one), or None."""
        if self.has_result:
            return None
        if self.aborted:
            return "the task was aborted"
        if self.unknown:
            return "DSS no longer knows the task"
        if self.alive is False:
            return "the task ended without a result"
        return None


class TemplateDesc(WireModel):
    label: str | None = None
    short_desc: str | None = None


class CodeStudioDefinition(WireModel):
    """What DSS documents of a code studio's definition (reference §5d); only `id` is sure to be there."""

    id: str
    name: str | None = None
    owner: str | None = None
    template_id: str | None = None
    lib_name: str | None = None
    project_key: str | None = None


class CodeStudioItem(CodeStudioDefinition):
    """A list item: enough to find a code studio by name, and its template's label."""

    desc: TemplateDesc | None = None

    @property
    def template_label(self) -> str | None:
        return self.desc.label if self.desc else None


class SyncedZone(WireModel):
    id: str


class ExposedPort(WireModel):
    port: int | None = None
    label: str | None = None
    url: str | None = None


class CodeStudioStatus(WireModel):
    state: str
    last_state_change: int | None = None
    synced_zones: list[SyncedZone] = Field(default_factory=list)
    # DSS documents `exposed` as the running pod's exposed ports, not the shape of an item: one that is
    # not an object with a `port` is kept as it came and never fails the status.
    exposed: list[ExposedPort | Any] = Field(default_factory=list)

    def zone_ids(self) -> list[str]:
        return [zone.id for zone in self.synced_zones]

    def ports(self) -> list[int]:
        """The exposed ports that name a port number."""
        found = (getattr(item, "port", None) for item in self.exposed)
        return [port for port in found if isinstance(port, int) and not isinstance(port, bool)]


class CodeStudioWire(BaseModel):
    """A code studio as the provider sees it: its project, its definition and its status."""

    project_key: str
    definition: CodeStudioDefinition
    status: CodeStudioStatus


class ZoneConflicts(BaseModel):
    """Files changed both in the studio and on the DSS side since the last sync, for one zone."""

    zone: str
    added: list[str] = Field(default_factory=list)
    modified: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)

    @classmethod
    def from_answer(cls, zone: str, answer: dict[str, Any]) -> ZoneConflicts:
        part = answer.get(zone)
        return cls.model_validate({"zone": zone, **(part if isinstance(part, dict) else {})})

    def any(self) -> bool:
        return bool(self.added or self.modified or self.deleted)

    def describe(self) -> str:
        kinds = (("added", self.added), ("modified", self.modified), ("deleted", self.deleted))
        listed = "; ".join(f"{kind}: {', '.join(files)}" for kind, files in kinds if files)
        by = f" (changed on the DSS side by {', '.join(self.authors)})" if self.authors else ""
        return f"zone {self.zone}: {listed}{by}"


class ProjectSummary(WireModel):
    project_key: str
    name: str | None = None
    owner_login: str | None = None


class TemplateItem(WireModel):
    id: str
    label: str | None = None
    build_for: list[str] = Field(default_factory=list)
    last_built: int | None = None


class TemplateSettings(WireModel):
    """A template's settings; saved whole (DSS has no partial update), so unknown fields are kept."""

    model_config = ConfigDict(extra="allow")  # merged into WireModel's config

    id: str | None = None
    label: str | None = None
    type: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    all_container_confs: bool = False
    container_confs: list[str] = Field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class TemplateWire(BaseModel):
    """A template as the provider sees it: its list item (label, builds) and its settings."""

    item: TemplateItem
    settings: TemplateSettings
