"""Peak Press's state: specs with their releases, deployments with their revisions, per tenant, and
the two published specs every tenant starts with (restored by a reset; see the sandbox's README)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from providers.sandbox.core.clock import utc_iso
from providers.sandbox.core.failures import State
from providers.sandbox.core.transitions import Transition
from providers.sandbox.peak.exceptions import NotFound

PLATFORM = "peak"
Family = Literal["app", "block"]
BLOCK_KINDS = ("workflow", "service")
SPEC_KINDS = ("app", *BLOCK_KINDS)
SCOPES = ("private", "public", "shared")
SPEC_STATUSES = ("available", "unavailable", "archived")
DEPLOYMENT_STATUSES = (
    "deploying",
    "deployed",
    "failed",
    "redeploying",
    "deleting",
    "delete_failed",
    "platform_resource_error",
    "rollback",
    "rollback_complete",
    "rollback_failed",
    "warning",
)
REVISION_STATUSES = (*(s for s in DEPLOYMENT_STATUSES if s not in ("redeploying", "warning")), "superseded")
BUSY = ("deploying", "redeploying", "deleting")
REDEPLOYABLE = ("failed", "warning")
# Statuses a scheduled deploy failure may end in (the first is the default).
DEPLOY_OUTCOMES = ("failed", "warning", "platform_resource_error", "rollback_complete", "rollback_failed")
DEFAULT_PAGE_SIZE = 25
METADATA_KEYS = ("name", "title", "summary", "description", "descriptionContentType", "imageUrl", "tags")

SEEDED_BLOCK_SPEC_ID = "5eed0000-b10c-4000-8000-000000000001"
SEEDED_APP_SPEC_ID = "5eed0000-a990-4000-8000-000000000002"
SEEDED_VERSIONS = ("1.0.0", "1.1.0")


def stamped(now: str, tenant: str) -> dict[str, str]:
    """Who made an object and when: Peak attributes changes to `sandbox@<tenant>.peak.ai` (a model
    with no update stamp ignores those keys)."""
    user = f"sandbox@{tenant}.peak.ai"
    return {"created_at": now, "created_by": user, "updated_at": now, "updated_by": user}


class Stamped(BaseModel):
    """Who made an object and when; `model_dump(by_alias=True)` gives its fields' wire (camelCase) names."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    created_at: str
    created_by: str


class Release(Stamped):
    """One published release of a spec."""

    id: str
    version: str
    notes: str | None = None
    config: Any = None
    parameters: dict[str, Any] = Field(default_factory=lambda: {"build": [], "run": []})
    artifact_id: str | None = None
    auto_run_on_deploy: bool | None = None

    def hidden(self) -> set[str]:
        """Names of the parameters defined with `hideValue: true`, whose values answers mask."""
        defined = [*self.parameters.get("build", []), *self.parameters.get("run", [])]
        return {str(p.get("name")) for p in defined if isinstance(p, dict) and p.get("hideValue") is True}


class Spec(Stamped):
    """An app spec or a block spec (`family`), with its releases oldest first."""

    id: str
    tenant: str
    family: Family
    kind: str
    metadata: dict[str, Any]
    status: str = "available"
    featured: bool = False
    scope: str = "private"
    tenants: list[str] = Field(default_factory=list)
    releases: list[Release] = Field(default_factory=list)
    seeded: bool = False
    updated_at: str
    updated_by: str

    def release(self, version: str | None) -> Release:
        """The release of that version (the newest when None); NotFound otherwise."""
        if version is None:
            return self.releases[-1]
        for release in self.releases:
            if release.version == version:
                return release
        raise NotFound(f"release {version} of spec {self.id} not found")


class Revision(Stamped):
    """One revision of a deployment; `blocks` are the ids of an app's block deployments."""

    id: str
    revision: int
    status: str = "deploying"
    notes: str | None = None
    release_version: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    app_parameters: dict[str, Any] = Field(default_factory=dict)
    includes: list[dict[str, Any]] = Field(default_factory=list)
    excludes: list[dict[str, Any]] = Field(default_factory=list)
    blocks: list[str] = Field(default_factory=list)


class Deployment(Stamped):
    """An app or block deployment as stored (`press_wire.py` gives its wire shape)."""

    id: str
    tenant: str
    family: Family
    kind: str
    spec_id: str
    metadata: dict[str, Any]
    status: str
    revisions: list[Revision]
    parent_id: str | None = None
    block_name: str | None = None
    last_error: str | None = None
    pending: Transition | None = None
    updated_at: str
    updated_by: str

    @property
    def latest(self) -> Revision:
        return self.revisions[-1]

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or "")

    def platform_id(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"peak-press:{self.id}"))


class PressTenant(BaseModel):
    specs: dict[str, Spec] = Field(default_factory=dict)
    deployments: dict[str, Deployment] = Field(default_factory=dict)


class PressState(State):
    tenants: dict[str, PressTenant] = Field(default_factory=dict)


@dataclass(frozen=True)
class PressQuery:
    """Filters, sort and page of a list request; list filters match any of their values."""

    page_size: int = DEFAULT_PAGE_SIZE
    page_number: int = 1
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    sort: tuple[str, ...] = ()
    featured: bool | None = None
    name: str | None = None
    title: str | None = None
    term: str | None = None
    version: str | None = None


def seeded_specs(tenant: str) -> list[Spec]:
    """The two published specs every tenant starts with."""
    stamps = {**stamped(utc_iso(0), tenant), "created_by": "sandbox@peak.ai", "updated_by": "sandbox@peak.ai"}
    block_metadata = {
        "name": "sandbox-block",
        "title": "Sandbox block",
        "summary": "A workflow block published in every sandbox tenant",
        "description": None,
        "descriptionContentType": "text/markdown",
        "imageUrl": None,
        "tags": [{"name": "sandbox"}],
    }
    app_metadata = {**block_metadata, "name": "sandbox-app", "title": "Sandbox app"}
    app_metadata["summary"] = "An app of the sandbox block"
    block = Spec(
        id=SEEDED_BLOCK_SPEC_ID,
        tenant=tenant,
        seeded=True,
        family="block",
        kind="workflow",
        metadata=block_metadata,
        **stamps,
    )
    app = Spec(
        id=SEEDED_APP_SPEC_ID, tenant=tenant, seeded=True, family="app", kind="app", metadata=app_metadata, **stamps
    )
    run = [{"name": "target_url", "type": "string", "required": False, "defaultValue": ""}]
    for index, version in enumerate(SEEDED_VERSIONS):
        for spec, config in (
            (block, {"steps": {"run": {"type": "standard", "command": "python main.py"}}}),
            (app, [{"id": SEEDED_BLOCK_SPEC_ID, "release": {"version": version}}]),
        ):
            uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{spec.id}/{version}"))
            release = Release(id=uid, version=version, notes=f"seeded release {index + 1}", config=config, **stamps)
            if spec is block:
                release.parameters, release.auto_run_on_deploy = {"build": [], "run": run}, False
            spec.releases.append(release)
    return [block, app]
