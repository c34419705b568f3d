"""Peak Press: specs, releases, app and block deployments and their revisions, per tenant.
State and business rules only; knows nothing of HTTP.

Every tenant starts with two published specs (restored by a reset), so a first stack can deploy
without publishing:
- block spec `SEEDED_BLOCK_SPEC_ID` ("sandbox-block", a workflow), releases 1.0.0 and 1.1.0;
- app spec `SEEDED_APP_SPEC_ID` ("sandbox-app"), releases 1.0.0 and 1.1.0, each made of that block
  spec at the same version.

Choices made where the platform's documentation is silent:
- deployment and spec names match `^[a-z][a-z0-9-]{0,63}$`; deployment names are unique per
  family (app or block) in a tenant;
- the block deployments of an app are named `<app name>-<block spec name>` and carry the block
  spec's name under `blockName`; app parameters for a block are keyed by that block spec name;
- a new revision supersedes the older ones when it is created; revision statuses follow the
  deployment's, except that a `warning` deployment's revision reads `deployed`, and a
  `redeploying` one's reads `deploying`;
- the reason of a failed deployment is `latestRevision.lastError.message` (null otherwise);
- writes (metadata update, revision, redeploy, delete) to a deployment that is `deploying`,
  `redeploying` or `deleting` are 409, as for services; so is deleting a spec that deployments use,
  deleting a block deployment that belongs to an app, and a release version that exists already;
- a spec metadata update that changes nothing is a 400 `{"detail": "No changes detected"}`;
- a block deployment's `platformId` is a stable uuid derived from its id.
"""

from __future__ import annotations

import io
import json
import math
import re
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from providers.sandbox.core.clock import utc_iso
from providers.sandbox.core.transitions import Transition, Transitions
from providers.sandbox.peak.exceptions import BadRequest, Conflict, NotFound

PLATFORM = "peak"
Family = Literal["app", "block"]
FAMILIES: tuple[Family, ...] = ("app", "block")
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
# Statuses a scheduled deploy failure may end in.
DEPLOY_OUTCOMES = ("failed", "warning", "platform_resource_error", "rollback_complete", "rollback_failed")
NAME_PATTERN = r"[a-z][a-z0-9-]{0,63}"
VERSION_PATTERN = r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?"
SORT_FIELDS = ("createdAt", "createdBy", "name", "title")
DEFAULT_PAGE_SIZE = 25
METADATA_KEYS = ("name", "title", "summary", "description", "descriptionContentType", "imageUrl", "tags")

SEEDED_BLOCK_SPEC_ID = "5eed0000-b10c-4000-8000-000000000001"
SEEDED_APP_SPEC_ID = "5eed0000-a990-4000-8000-000000000002"
SEEDED_VERSIONS = ("1.0.0", "1.1.0")

PressOperation = Literal["deploy", "delete"]


class Release(BaseModel):
    """One published release of a spec."""

    id: str
    version: str
    notes: str | None = None
    config: Any = None
    parameters: dict[str, Any] = Field(default_factory=lambda: {"build": [], "run": []})
    artifact_id: str | None = None
    auto_run_on_deploy: bool | None = None
    created_at: str
    created_by: str

    def describe(self) -> dict[str, Any]:
        """The release route's shape (`artifact` only when one was uploaded)."""
        body: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "notes": self.notes,
            "config": self.config,
            "parameters": self.parameters,
            "createdAt": self.created_at,
            "createdBy": self.created_by,
        }
        if self.artifact_id is not None:
            body["artifact"] = {"id": self.artifact_id, "version": 1}
        if self.auto_run_on_deploy is not None:
            body["autoRunOnDeploy"] = self.auto_run_on_deploy
        return body

    def summary(self) -> dict[str, Any]:
        """`latestRelease` of a spec list item."""
        return {k: v for k, v in self.describe().items() if k in ("id", "version", "notes", "createdAt", "createdBy")}


class Spec(BaseModel):
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
    created_at: str
    created_by: str
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

    def describe(self, full: bool = True) -> dict[str, Any]:
        """A spec list item, or (`full`) the describe shape whose `latestRelease` holds the config."""
        latest = self.releases[-1]
        return {
            "id": self.id,
            "kind": self.kind,
            "featured": self.featured,
            "scope": self.scope,
            "tenants": list(self.tenants),
            "metadata": {
                **self.metadata,
                "status": self.status,
                "createdAt": self.created_at,
                "createdBy": self.created_by,
                "updatedAt": self.updated_at,
                "updatedBy": self.updated_by,
            },
            "latestRelease": latest.describe() if full else latest.summary(),
        }


class Revision(BaseModel):
    """One revision of a deployment; `blocks` are the ids of an app's block deployments."""

    id: str
    revision: int
    status: str
    notes: str | None = None
    release_version: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    app_parameters: dict[str, Any] = Field(default_factory=dict)
    includes: list[dict[str, Any]] = Field(default_factory=list)
    excludes: list[dict[str, Any]] = Field(default_factory=list)
    blocks: list[str] = Field(default_factory=list)
    created_at: str
    created_by: str


class Deployment(BaseModel):
    """An app or block deployment as stored (`describe()` gives the wire shape)."""

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
    created_at: str
    created_by: str
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


class PressFailure(BaseModel):
    """A failure scheduled through the control plane for the next deploy or delete of a name."""

    operation: PressOperation
    name: str
    reason: str
    status: str = "failed"
    tenant: str | None = None


class PressTenant(BaseModel):
    specs: dict[str, Spec] = Field(default_factory=dict)
    deployments: dict[str, Deployment] = Field(default_factory=dict)


class PressState(BaseModel):
    tenants: dict[str, PressTenant] = Field(default_factory=dict)
    failures: list[PressFailure] = Field(default_factory=list)


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
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PressPage:
    items: list[Any]
    total: int
    page_count: int
    page_number: int
    page_size: int


def decoded(value: Any, path: str) -> Any:
    """A field the SDK may send JSON-encoded inside a string ("null", "true", "{...}"), decoded."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise BadRequest(f"{path} must be JSON (got a string that does not parse)") from None


def _optional_bool(value: Any, path: str) -> bool | None:
    value = decoded(value, path)
    if value is not None and not isinstance(value, bool):
        raise BadRequest(f"{path} must be true, false or null")
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise BadRequest(f"{path} must be an object")
    return dict(value)


def _text(document: Mapping[str, Any], key: str, path: str, required: bool = False) -> str | None:
    value = document.get(key)
    if value is None:
        if required:
            raise BadRequest(f"{path} is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{path} must be a string")
    return value


def _metadata(document: Mapping[str, Any], path: str, partial: bool = False) -> dict[str, Any]:
    """The known metadata keys of a body, validated; name and summary are required unless `partial`."""
    metadata: dict[str, Any] = {}
    for key in METADATA_KEYS:
        if key not in document:
            continue
        value = document[key]
        if key == "tags":
            if value is not None and (
                not isinstance(value, list)
                or not all(isinstance(t, Mapping) and isinstance(t.get("name"), str) for t in value)
            ):
                raise BadRequest(f"{path}tags must be a list of {{name}} objects")
            metadata[key] = [{"name": t["name"]} for t in value or []]
        else:
            metadata[key] = _text(document, key, f"{path}{key}")
    if not partial:
        for key in ("name", "summary"):
            if not metadata.get(key):
                raise BadRequest(f"{path}{key} is required")
    name = metadata.get("name")
    if name is not None and not re.fullmatch(NAME_PATTERN, name):
        raise BadRequest(f"{path}name must be 1-64 lowercase letters, digits or hyphens, starting with a letter")
    return metadata


def _params(value: Any, path: str) -> dict[str, Any]:
    """A `{build: {...}, run: {...}}` object of parameter values."""
    document = _object(value, path)
    unknown = set(document) - {"build", "run"}
    if unknown:
        raise BadRequest(f"{path} may only hold build and run (got {', '.join(sorted(unknown))})")
    return {part: _object(document.get(part), f"{path}.{part}") for part in ("build", "run")}


def _swaps(value: Any, path: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, Mapping) and isinstance(i.get("id"), str) for i in value):
        raise BadRequest(f"{path} must be a list of {{id, releaseVersion}} objects")
    return [{"id": item["id"], "releaseVersion": item.get("releaseVersion")} for item in value]


class PressBackend:
    """Peak Press for every tenant. Reads (describe, list) advance pending transitions."""

    def __init__(self, transitions: Transitions | None = None) -> None:
        self.transitions = transitions or Transitions()
        self.state = PressState()

    # ---- specs ------------------------------------------------------------------------------------

    def create_spec(
        self,
        tenant: str,
        family: Family,
        fields: Mapping[str, Any],
        artifact: bytes | None = None,
    ) -> Spec:
        """Publish a spec and its first release. `fields` are the request's fields, strings possibly
        JSON-encoded (`spec`, `featured`, `autoRunOnDeploy`, `scope`, `tenants`, `parameters`)."""
        body = _object(decoded(fields.get("spec"), "spec"), "spec")
        kind = _text(body, "kind", "spec.kind", required=True)
        allowed = ("app",) if family == "app" else BLOCK_KINDS
        if kind not in allowed:
            raise BadRequest(f"spec.kind must be one of {', '.join(allowed)}")
        metadata = _metadata(_object(body.get("metadata"), "spec.metadata"), "spec.metadata.")
        # `scope` is the one field sent as a plain string (absent or null when unset).
        scope = fields.get("scope") or None
        if scope is not None and scope not in SCOPES:
            raise BadRequest(f"scope must be one of {', '.join(SCOPES)}")
        tenants = decoded(fields.get("tenants"), "tenants")
        if tenants is not None and (not isinstance(tenants, list) or not all(isinstance(t, str) for t in tenants)):
            raise BadRequest("tenants must be a list of tenant names")
        featured = _optional_bool(fields.get("featured"), "featured")
        specs = self._tenant(tenant).specs
        if any(s.family == family and s.metadata.get("name") == metadata["name"] for s in specs.values()):
            raise Conflict(f"{family} spec {metadata['name']} already exists")
        now, user = self._stamp(tenant)
        spec = Spec(
            id=str(uuid.uuid4()),
            tenant=tenant,
            family=family,
            kind=kind,
            metadata=metadata,
            featured=bool(featured),
            scope=scope or "private",
            tenants=list(tenants or []),
            created_at=now,
            created_by=user,
            updated_at=now,
            updated_by=user,
        )
        spec.releases.append(self._release(spec, body, fields, artifact))
        specs[spec.id] = spec
        return spec

    def create_release(
        self, tenant: str, family: Family, spec_id: str, fields: Mapping[str, Any], artifact: bytes | None = None
    ) -> tuple[Spec, Release]:
        """Publish a new release of a spec; its version must be new."""
        spec = self.get_spec(tenant, family, spec_id)
        # Apps send the release body as plain JSON; blocks send it JSON-encoded in the `spec` field.
        body = _object(decoded(fields.get("spec"), "spec"), "spec") if "spec" in fields else dict(fields)
        release = self._release(spec, body, fields, artifact)
        spec.releases.append(release)
        spec.updated_at, spec.updated_by = self._stamp(tenant)
        return spec, release

    def get_spec(self, tenant: str, family: Family | None, spec_id: str) -> Spec:
        """A spec of the family (any when None); NotFound otherwise."""
        spec = self._tenant(tenant).specs.get(spec_id)
        if spec is None or (family is not None and spec.family != family):
            raise NotFound(f"{family or ''} spec {spec_id} not found".replace("  ", " ").strip())
        return spec

    def update_spec_metadata(self, tenant: str, family: Family, spec_id: str, body: Mapping[str, Any]) -> Spec:
        """Apply `{metadata: {..., status}, featured, scope, tenants}` (metadata nested)."""
        spec = self.get_spec(tenant, family, spec_id)
        metadata_in = _object(body.get("metadata"), "metadata")
        status = metadata_in.pop("status", None)
        if status is not None and status not in SPEC_STATUSES:
            raise BadRequest(f"metadata.status must be one of {', '.join(SPEC_STATUSES)}")
        metadata = {**spec.metadata, **_metadata(metadata_in, "metadata.", partial=True)}
        updated = spec.model_copy(
            update={
                "metadata": metadata,
                "status": status or spec.status,
                "featured": spec.featured if body.get("featured") is None else bool(body["featured"]),
                "scope": body.get("scope") or spec.scope,
                "tenants": spec.tenants if body.get("tenants") is None else list(body["tenants"]),
            }
        )
        if updated.scope not in SCOPES:
            raise BadRequest(f"scope must be one of {', '.join(SCOPES)}")
        if updated == spec:
            raise BadRequest("No changes detected")
        updated.updated_at, updated.updated_by = self._stamp(tenant)
        self._tenant(tenant).specs[spec.id] = updated
        return updated

    def delete_spec(self, tenant: str, family: Family, spec_id: str) -> None:
        spec = self.get_spec(tenant, family, spec_id)
        users = [d.name for d in self._deployments(tenant).values() if d.spec_id == spec.id]
        if users:
            raise Conflict(f"spec {spec_id} is used by deployments: {', '.join(users)}")
        del self._tenant(tenant).specs[spec.id]

    def list_specs(self, tenant: str, family: Family | None, query: PressQuery) -> PressPage:
        _check_choices("status", query.statuses, SPEC_STATUSES)
        _check_choices("kind", query.kinds, SPEC_KINDS)
        _check_choices("scope", query.scopes, SCOPES)
        term = (query.term or "").lower()

        def searchable(spec: Spec) -> str:
            parts = (spec.metadata.get(k) for k in ("name", "title", "description", "summary"))
            return " ".join(p for p in parts if isinstance(p, str)).lower()

        matching = [
            s
            for s in self._tenant(tenant).specs.values()
            if (family is None or s.family == family)
            and (not query.statuses or s.status in query.statuses)
            and (not query.kinds or s.kind in query.kinds)
            and (not query.scopes or s.scope in query.scopes)
            and (query.featured is None or s.featured == query.featured)
            and str(s.metadata.get("name") or "").startswith(query.name or "")
            and str(s.metadata.get("title") or "").startswith(query.title or "")
            and term in searchable(s)
        ]
        return _page(_sorted(matching, query.sort, lambda s: s.metadata, lambda s: s.created_at), query)

    def list_releases(self, tenant: str, family: Family, spec_id: str, query: PressQuery) -> PressPage:
        releases = list(reversed(self.get_spec(tenant, family, spec_id).releases))
        return _page(releases, query)

    # ---- deployments ------------------------------------------------------------------------------

    def create_deployment(self, tenant: str, family: Family, body: Mapping[str, Any]) -> Deployment:
        """Deploy a spec release: `deploying`, then `deployed` (or a scheduled failure)."""
        metadata = _metadata(_object(body.get("metadata"), "metadata"), "metadata.")
        spec_ref = _object(body.get("spec"), "spec")
        spec_id = _text(spec_ref, "id", "spec.id", required=True)
        version = _text(_object(spec_ref.get("release"), "spec.release"), "version", "spec.release.version")
        notes = _text(_object(body.get("revision"), "revision"), "notes", "revision.notes")
        assert spec_id is not None
        spec = self.get_spec(tenant, family, spec_id)
        release = spec.release(version)
        if any(d.family == family and d.name == metadata["name"] for d in self._deployments(tenant).values()):
            raise Conflict(f"{family} deployment {metadata['name']} already exists")
        revision = self._revision(tenant, 1, release.version, notes)
        if family == "app":
            revision.app_parameters = _params(body.get("appParameters"), "appParameters")
            revision.parameters = _block_params(body.get("parameters"))
            revision.includes = _swaps(spec_ref.get("includes"), "spec.includes")
            revision.excludes = _swaps(spec_ref.get("excludes"), "spec.excludes")
        else:
            revision.parameters = _params(body.get("parameters"), "parameters")
        now, user = self._stamp(tenant)
        deployment = Deployment(
            id=str(uuid.uuid4()),
            tenant=tenant,
            family=family,
            kind=spec.kind,
            spec_id=spec.id,
            metadata=metadata,
            status="deploying",
            revisions=[revision],
            created_at=now,
            created_by=user,
            updated_at=now,
            updated_by=user,
        )
        if family == "app":
            self._sync_blocks(deployment, release)
        self._deployments(tenant)[deployment.id] = deployment
        self._start(deployment, "deploying")
        return deployment

    def describe_deployment(self, tenant: str, family: Family | None, deployment_id: str) -> Deployment:
        deployment = self._observe(self._find(tenant, family, deployment_id))
        if deployment is None:
            raise NotFound(f"deployment {deployment_id} not found")
        return deployment

    def list_deployments(
        self, tenant: str, family: Family | None, query: PressQuery, spec_id: str | None = None
    ) -> PressPage:
        """A page of deployments (of a spec's releases when `spec_id`); every item counts one read."""
        _check_choices("status", query.statuses, DEPLOYMENT_STATUSES)
        if spec_id is not None:
            self.get_spec(tenant, None, spec_id)
        term = (query.term or "").lower()
        seen = [self._observe(d) for d in list(self._deployments(tenant).values())]
        matching = [
            d
            for d in seen
            if d is not None
            and (family is None or d.family == family)
            and (spec_id is None or d.spec_id == spec_id)
            and (query.version is None or d.latest.release_version == query.version)
            and (not query.statuses or d.status in query.statuses)
            and (not query.kinds or d.kind in query.kinds or d.family in query.kinds)
            and d.name.startswith(query.name or "")
            and str(d.metadata.get("title") or "").startswith(query.title or "")
            and term in " ".join(str(d.metadata.get(k) or "") for k in ("name", "title", "summary")).lower()
        ]
        return _page(_sorted(matching, query.sort, lambda d: d.metadata, lambda d: d.created_at), query)

    def update_deployment_metadata(
        self, tenant: str, family: Family, deployment_id: str, body: Mapping[str, Any]
    ) -> Deployment:
        """Apply a flat metadata body; no new revision."""
        deployment = self._writable(tenant, family, deployment_id, "updated")
        metadata = _metadata(body, "", partial=True)
        name = metadata.get("name")
        if name and name != deployment.name and self._named(tenant, family, name):
            raise Conflict(f"{family} deployment {name} already exists")
        deployment.metadata = {**deployment.metadata, **{k: v for k, v in metadata.items() if k in body}}
        deployment.updated_at, deployment.updated_by = self._stamp(tenant)
        return deployment

    def create_revision(self, tenant: str, family: Family, deployment_id: str, body: Mapping[str, Any]) -> Revision:
        """A new revision: release, parameters (and for apps blocksConfig) change; older revisions are superseded."""
        deployment = self._writable(tenant, family, deployment_id, "revised")
        spec = self.get_spec(tenant, family, deployment.spec_id)
        version = _text(_object(body.get("release"), "release"), "version", "release.version")
        release = spec.release(version)
        notes = _text(_object(body.get("revision"), "revision"), "notes", "revision.notes")
        revision = self._revision(tenant, deployment.latest.revision + 1, release.version, notes)
        if family == "app":
            blocks_config = _object(body.get("blocksConfig"), "blocksConfig")
            revision.app_parameters = _params(body.get("appParameters"), "appParameters")
            revision.parameters = _block_params(body.get("parameters"))
            revision.includes = _swaps(blocks_config.get("includes"), "blocksConfig.includes")
            revision.excludes = _swaps(blocks_config.get("excludes"), "blocksConfig.excludes")
        else:
            revision.parameters = _params(body.get("parameters"), "parameters")
        for older in deployment.revisions:
            older.status = "superseded"
        deployment.revisions.append(revision)
        if family == "app":
            self._sync_blocks(deployment, release)
        deployment.updated_at, deployment.updated_by = self._stamp(tenant)
        self._start(deployment, "deploying")
        return revision

    def get_revision(self, tenant: str, family: Family, deployment_id: str, number: str) -> tuple[Deployment, Revision]:
        deployment = self.describe_deployment(tenant, family, deployment_id)
        for revision in deployment.revisions:
            if str(revision.revision) == number:
                return deployment, revision
        raise NotFound(f"revision {number} of deployment {deployment_id} not found")

    def list_revisions(self, tenant: str, family: Family, deployment_id: str, query: PressQuery) -> PressPage:
        deployment = self.describe_deployment(tenant, family, deployment_id)
        _check_choices("status", query.statuses, REVISION_STATUSES)
        revisions = [r for r in reversed(deployment.revisions) if not query.statuses or r.status in query.statuses]
        return _page(revisions, query)

    def redeploy(self, tenant: str, family: Family, deployment_id: str) -> Deployment:
        """Deploy the latest revision again; only from `failed` or `warning` (for an app: it or a block)."""
        deployment = self._find(tenant, family, deployment_id)
        statuses = {deployment.status, *(self._find(tenant, None, b).status for b in deployment.latest.blocks)}
        if not statuses.intersection(REDEPLOYABLE):
            raise Conflict(
                f"deployment {deployment.name} is {deployment.status}; "
                "only failed or warning deployments can be redeployed"
            )
        self._start(deployment, "redeploying")
        return deployment

    def delete_deployment(self, tenant: str, family: Family, deployment_id: str) -> Deployment:
        """Start deleting: `deleting`, then gone (or `delete_failed` when scheduled); an app's blocks go with it."""
        deployment = self._writable(tenant, family, deployment_id, "deleted")
        if deployment.parent_id is not None:
            raise Conflict(f"block deployment {deployment.name} belongs to app deployment {deployment.parent_id}")
        failure = self._take_failure(tenant, "delete", deployment.name)
        reason = failure.reason if failure else None
        for target in (deployment, *(self._find(tenant, None, b) for b in deployment.latest.blocks)):
            target.status, target.last_error = "deleting", None
            target.pending = self.transitions.start(PLATFORM, "delete_failed" if reason else None, reason)
            target.latest.status = "deleting"
        return deployment

    def run_parameters(self, tenant: str, deployment_id: str) -> dict[str, Any]:
        """A block deployment's run parameter values (its latest revision's)."""
        deployment = self.describe_deployment(tenant, "block", deployment_id)
        return dict(deployment.latest.parameters.get("run") or {})

    def patch_run_parameters(self, tenant: str, deployment_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Merge flat run parameter values into a block deployment's latest revision; no new revision."""
        deployment = self._writable(tenant, "block", deployment_id, "updated")
        run = {**(deployment.latest.parameters.get("run") or {}), **_object(body, "body")}
        deployment.latest.parameters = {**deployment.latest.parameters, "run": run}
        return run

    def patch_run_parameters_v2(self, tenant: str, deployment_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Block: `{"parameters": {...}}`; app: `{"appParameters": {...}, "parameters": {<block>: {...}}}`."""
        deployment = self._find(tenant, None, deployment_id)
        self._writable(tenant, deployment.family, deployment_id, "updated")
        latest = deployment.latest
        if deployment.family == "block":
            self.patch_run_parameters(tenant, deployment_id, _object(body.get("parameters"), "parameters"))
            return {"parameters": latest.parameters["run"]}
        app_run = {**(latest.app_parameters.get("run") or {}), **_object(body.get("appParameters"), "appParameters")}
        latest.app_parameters = {
            **latest.app_parameters,
            "build": latest.app_parameters.get("build") or {},
            "run": app_run,
        }
        for name, values in _object(body.get("parameters"), "parameters").items():
            block_id = next((b for b in latest.blocks if self._find(tenant, None, b).block_name == name), None)
            if block_id is None:
                raise BadRequest(f"parameters.{name}: the app has no block {name}")
            self.patch_run_parameters(tenant, block_id, _object(values, f"parameters.{name}"))
            latest.parameters[name] = {
                **latest.parameters.get(name, {"build": {}}),
                "run": self.run_parameters(tenant, block_id),
            }
        return {"appParameters": app_run, "parameters": {n: p.get("run", {}) for n, p in latest.parameters.items()}}

    def execute(self, tenant: str, deployment_id: str) -> list[dict[str, Any]]:
        """Run the blocks deployed with `autoRunOnDeploy` (a block, or an app's blocks)."""
        deployment = self.describe_deployment(tenant, None, deployment_id)
        blocks = (
            [deployment]
            if deployment.family == "block"
            else [self._find(tenant, None, b) for b in deployment.latest.blocks]
        )
        executed = []
        for block in blocks:
            release = self.get_spec(tenant, "block", block.spec_id).release(block.latest.release_version)
            if release.auto_run_on_deploy:
                executed.append(
                    {
                        "blockSpecId": block.spec_id,
                        "version": release.version,
                        "executionId": str(uuid.uuid4()),
                        "status": "executed",
                    }
                )
        return executed

    def schedule_failure(
        self, operation: PressOperation, name: str, reason: str, status: str = "failed", tenant: str | None = None
    ) -> PressFailure:
        """Make the next deploy (create, revision, redeploy) or delete of deployment `name` fail."""
        if operation == "deploy" and status not in DEPLOY_OUTCOMES:
            raise BadRequest(f"status must be one of {', '.join(DEPLOY_OUTCOMES)}")
        failure = PressFailure(operation=operation, name=name, reason=reason, status=status, tenant=tenant)
        self.state.failures.append(failure)
        return failure

    # ---- wire shapes ------------------------------------------------------------------------------

    def describe(self, deployment: Deployment) -> dict[str, Any]:
        """The deployment as describe, list and the metadata update return it."""
        latest = deployment.latest
        body: dict[str, Any] = {
            "id": deployment.id,
            "kind": deployment.kind,
            "metadata": {
                **{k: None for k in METADATA_KEYS},
                "tags": [],
                **deployment.metadata,
                "status": deployment.status,
                "createdAt": deployment.created_at,
                "createdBy": deployment.created_by,
                "updatedAt": deployment.updated_at,
                "updatedBy": deployment.updated_by,
            },
            "spec": {"id": deployment.spec_id, "release": {"version": latest.release_version}},
            "latestRevision": self.revision_body(deployment, latest),
            "parameters": latest.parameters,
        }
        if deployment.family == "app":
            body["appParameters"] = latest.app_parameters
        else:
            body["platformId"] = deployment.platform_id()
        if deployment.parent_id is not None:
            body["parent"] = {"id": deployment.parent_id}
            body["blockName"] = deployment.block_name
        return body

    def revision_body(self, deployment: Deployment, revision: Revision) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": revision.id,
            "revision": revision.revision,
            "status": revision.status,
            "notes": revision.notes,
            "releaseVersion": revision.release_version,
            "createdAt": revision.created_at,
            "createdBy": revision.created_by,
            "lastError": None
            if deployment.last_error is None or revision is not deployment.latest
            else {"message": deployment.last_error},
        }
        if deployment.family == "app":
            blocks = [
                self._find(deployment.tenant, None, b) for b in revision.blocks if self._exists(deployment.tenant, b)
            ]
            body["blocks"] = [
                {
                    "deploymentId": b.id,
                    "platformId": b.platform_id(),
                    "kind": b.kind,
                    "name": b.block_name,
                    "specId": b.spec_id,
                    "releaseVersion": b.latest.release_version,
                    "status": b.status,
                }
                for b in blocks
            ]
        return body

    def revision_describe(self, deployment: Deployment, revision: Revision) -> dict[str, Any]:
        """The revision route's shape."""
        return {
            **self.revision_body(deployment, revision),
            "resources": self.revision_body(deployment, revision).get("blocks", []),
            "spec": {"id": deployment.spec_id, "release": {"version": revision.release_version}},
            "parameters": revision.parameters,
            **({"appParameters": revision.app_parameters} if deployment.family == "app" else {}),
            "latestRevision": self.revision_body(deployment, deployment.latest),
        }

    # ---- state ------------------------------------------------------------------------------------

    def reset(self) -> None:
        self.state = PressState()

    def dump_into(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add Press state to the Peak dump: `specs` and `deployments` next to each tenant's `services`."""
        dumped = self.state.model_dump(mode="json")
        tenants = data.setdefault("tenants", {})
        for name, tenant in dumped["tenants"].items():
            tenants.setdefault(name, {"services": {}}).update(tenant)
        if dumped["failures"]:
            data["press_failures"] = dumped["failures"]
        return data

    def load_from(self, data: Mapping[str, Any]) -> None:
        tenants = {
            name: {"specs": t.get("specs", {}), "deployments": t.get("deployments", {})}
            for name, t in data.get("tenants", {}).items()
            if "specs" in t or "deployments" in t
        }
        self.state = PressState.model_validate({"tenants": tenants, "failures": data.get("press_failures", [])})

    # ---- internals --------------------------------------------------------------------------------

    def _tenant(self, tenant: str) -> PressTenant:
        existing = self.state.tenants.get(tenant)
        if existing is None:
            existing = self.state.tenants[tenant] = PressTenant()
            self._seed(tenant, existing)
        return existing

    def _seed(self, tenant: str, state: PressTenant) -> None:
        """The two published specs every tenant starts with."""
        now, user = utc_iso(0), "sandbox@peak.ai"
        common = {"tenant": tenant, "seeded": True, "created_at": now, "created_by": user}
        common.update(updated_at=now, updated_by=user)
        block = Spec(
            id=SEEDED_BLOCK_SPEC_ID,
            family="block",
            kind="workflow",
            metadata={
                "name": "sandbox-block",
                "title": "Sandbox block",
                "summary": "A workflow block published in every sandbox tenant",
                "description": None,
                "descriptionContentType": "text/markdown",
                "imageUrl": None,
                "tags": [{"name": "sandbox"}],
            },
            **common,
        )
        app = Spec(
            id=SEEDED_APP_SPEC_ID,
            family="app",
            kind="app",
            metadata={
                **block.metadata,
                "name": "sandbox-app",
                "title": "Sandbox app",
                "summary": "An app of the sandbox block",
            },
            **common,
        )
        for index, version in enumerate(SEEDED_VERSIONS):
            block.releases.append(
                Release(
                    id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{SEEDED_BLOCK_SPEC_ID}/{version}")),
                    version=version,
                    notes=f"seeded release {index + 1}",
                    config={"steps": {"run": {"type": "standard", "command": "python main.py"}}},
                    parameters={
                        "build": [],
                        "run": [{"name": "target_url", "type": "string", "required": False, "defaultValue": ""}],
                    },
                    auto_run_on_deploy=False,
                    created_at=now,
                    created_by=user,
                )
            )
            app.releases.append(
                Release(
                    id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{SEEDED_APP_SPEC_ID}/{version}")),
                    version=version,
                    notes=f"seeded release {index + 1}",
                    config=[{"id": SEEDED_BLOCK_SPEC_ID, "release": {"version": version}}],
                    created_at=now,
                    created_by=user,
                )
            )
        state.specs[block.id] = block
        state.specs[app.id] = app

    def _release(
        self, spec: Spec, body: Mapping[str, Any], fields: Mapping[str, Any], artifact: bytes | None
    ) -> Release:
        release_in = _object(body.get("release"), "release")
        version = _text(release_in, "version", "release.version", required=True)
        assert version is not None
        if not re.fullmatch(VERSION_PATTERN, version):
            raise BadRequest("release.version must be a semantic version such as 1.0.0")
        if any(r.version == version for r in spec.releases):
            raise Conflict(f"release {version} of spec {spec.metadata.get('name')} already exists")
        config = body.get("config")
        if spec.family == "app":
            config = self._app_config(spec.tenant, config)
        parameters = decoded(fields.get("parameters", body.get("parameters")), "parameters")
        parameters = _object(parameters, "parameters")
        artifact_id = None
        if artifact is not None:
            try:
                with zipfile.ZipFile(io.BytesIO(artifact)) as archive:
                    broken = archive.testzip()
            except (zipfile.BadZipFile, ValueError, OSError):
                broken = "artifact"
            if broken is not None:
                raise BadRequest("artifact is not a readable zip archive")
            artifact_id = str(uuid.uuid4())
        now, user = self._stamp(spec.tenant)
        return Release(
            id=str(uuid.uuid4()),
            version=version,
            notes=_text(release_in, "notes", "release.notes"),
            config=config,
            parameters={"build": list(parameters.get("build") or []), "run": list(parameters.get("run") or [])},
            artifact_id=artifact_id,
            auto_run_on_deploy=_optional_bool(fields.get("autoRunOnDeploy"), "autoRunOnDeploy")
            if spec.family == "block"
            else None,
            created_at=now,
            created_by=user,
        )

    def _app_config(self, tenant: str, config: Any) -> list[dict[str, Any]]:
        """An app release's blocks: `[{id, release: {version}}]`, each a published block spec release."""
        if not isinstance(config, list) or not config:
            raise BadRequest("config must be a non-empty list of {id, release: {version}} blocks")
        blocks = []
        for index, item in enumerate(config):
            entry = _object(item, f"config[{index}]")
            block_id = _text(entry, "id", f"config[{index}].id", required=True)
            version = _text(_object(entry.get("release"), f"config[{index}].release"), "version", "version")
            assert block_id is not None
            try:
                release = self.get_spec(tenant, "block", block_id).release(version)
            except NotFound as error:
                raise BadRequest(f"config[{index}]: {error.message}") from None
            blocks.append({"id": block_id, "release": {"version": release.version}})
        return blocks

    def _revision(self, tenant: str, number: int, version: str, notes: str | None) -> Revision:
        now, user = self._stamp(tenant)
        return Revision(
            id=str(uuid.uuid4()),
            revision=number,
            status="deploying",
            notes=notes,
            release_version=version,
            created_at=now,
            created_by=user,
        )

    def _sync_blocks(self, app: Deployment, release: Release) -> None:
        """One block deployment per block of the app's release (after includes/excludes), each at a
        new revision carrying the app's parameters for it; blocks no longer wanted are removed."""
        revision = app.latest
        excluded = {item["id"] for item in revision.excludes}
        wanted = [(b["id"], b["release"]["version"]) for b in release.config or [] if b["id"] not in excluded]
        for item in revision.includes:
            wanted = [w for w in wanted if w[0] != item["id"]]
            wanted.append((item["id"], item["releaseVersion"]))
        deployments = self._deployments(app.tenant)
        previous = {
            deployments[b].spec_id: deployments[b]
            for b in (app.revisions[-2].blocks if len(app.revisions) > 1 else [])
            if b in deployments
        }
        for spec_id, version in wanted:
            try:
                spec = self.get_spec(app.tenant, "block", spec_id)
                block_release = spec.release(version)
            except NotFound as error:
                raise NotFound(f"block of the app: {error.message}") from None
            name = str(spec.metadata.get("name"))
            block_revision = self._revision(app.tenant, 1, block_release.version, revision.notes)
            block_revision.parameters = _params(revision.parameters.get(name), f"parameters.{name}")
            block = previous.pop(spec_id, None)
            if block is None:
                now, user = self._stamp(app.tenant)
                block = Deployment(
                    id=str(uuid.uuid4()),
                    tenant=app.tenant,
                    family="block",
                    kind=spec.kind,
                    spec_id=spec_id,
                    metadata={"name": f"{app.name}-{name}"[:64], "summary": f"Block {name} of app {app.name}"},
                    status="deploying",
                    revisions=[block_revision],
                    parent_id=app.id,
                    block_name=name,
                    created_at=now,
                    created_by=user,
                    updated_at=now,
                    updated_by=user,
                )
                deployments[block.id] = block
            else:
                for older in block.revisions:
                    older.status = "superseded"
                block_revision.revision = block.latest.revision + 1
                block.revisions.append(block_revision)
            revision.blocks.append(block.id)
        for leftover in previous.values():
            deployments.pop(leftover.id, None)

    def _start(self, deployment: Deployment, status: str) -> None:
        """Begin deploying (or redeploying) the latest revision, the app's blocks with it."""
        failure = self._take_failure(deployment.tenant, "deploy", deployment.name)
        outcome, reason = (failure.status, failure.reason) if failure else ("deployed", None)
        children = [self._find(deployment.tenant, None, b) for b in deployment.latest.blocks]
        for target in (deployment, *children):
            target.status, target.last_error = status, None
            target.latest.status = "deploying"
            target.pending = self.transitions.start(PLATFORM, outcome, reason)

    def _take_failure(self, tenant: str, operation: PressOperation, name: str) -> PressFailure | None:
        for failure in self.state.failures:
            if failure.operation == operation and failure.name == name and failure.tenant in (None, tenant):
                self.state.failures.remove(failure)
                return failure
        return None

    def _observe(self, deployment: Deployment) -> Deployment | None:
        """Count a read: land due transitions (an app only once its blocks have landed); None when gone."""
        if deployment.family == "app":
            for block_id in list(deployment.latest.blocks):
                if self._exists(deployment.tenant, block_id):
                    self._observe(self._find(deployment.tenant, None, block_id))
        transition = deployment.pending
        if transition is None:
            return deployment
        if deployment.family == "app" and any(
            self._exists(deployment.tenant, b) and self._find(deployment.tenant, None, b).pending is not None
            for b in deployment.latest.blocks
        ):
            return deployment
        if not self.transitions.reached(transition):
            return deployment
        deployment.pending = None
        if transition.target is None:
            for block_id in deployment.latest.blocks:
                self._deployments(deployment.tenant).pop(block_id, None)
            del self._deployments(deployment.tenant)[deployment.id]
            return None
        deployment.status, deployment.last_error = transition.target, transition.error
        revision_status = {"warning": "deployed"}.get(transition.target, transition.target)
        deployment.latest.status = revision_status if revision_status in REVISION_STATUSES else "deployed"
        return deployment

    def _deployments(self, tenant: str) -> dict[str, Deployment]:
        return self._tenant(tenant).deployments

    def _exists(self, tenant: str, deployment_id: str) -> bool:
        return deployment_id in self._deployments(tenant)

    def _find(self, tenant: str, family: Family | None, deployment_id: str) -> Deployment:
        deployment = self._deployments(tenant).get(deployment_id)
        if deployment is None or (family is not None and deployment.family != family):
            raise NotFound(f"deployment {deployment_id} not found")
        return deployment

    def _named(self, tenant: str, family: Family, name: str) -> bool:
        return any(d.family == family and d.name == name for d in self._deployments(tenant).values())

    def _writable(self, tenant: str, family: Family, deployment_id: str, verb: str) -> Deployment:
        # Writes never advance transitions; only reads do.
        deployment = self._find(tenant, family, deployment_id)
        if deployment.status in BUSY:
            raise Conflict(f"deployment {deployment.name} cannot be {verb} while {deployment.status}")
        return deployment

    def _stamp(self, tenant: str) -> tuple[str, str]:
        return utc_iso(self.transitions.clock()), f"sandbox@{tenant}.peak.ai"


def _block_params(value: Any) -> dict[str, Any]:
    """App parameters per block spec name: `{<name>: {build, run}}`."""
    document = _object(value, "parameters")
    return {name: _params(params, f"parameters.{name}") for name, params in document.items()}


def _check_choices(name: str, values: tuple[str, ...], choices: tuple[str, ...]) -> None:
    unknown = [value for value in values if value not in choices]
    if unknown:
        raise BadRequest(f"{name} must be one of {', '.join(choices)} (got {', '.join(unknown)})")


def _sorted(
    items: list[Any], sort: tuple[str, ...], metadata: Callable[[Any], Mapping[str, Any]], created: Callable[[Any], str]
) -> list[Any]:
    ordered = sorted(items, key=created)
    for key in reversed(sort):
        field_name, _, direction = key.partition(":")
        if field_name not in SORT_FIELDS or direction not in ("", "asc", "desc"):
            raise BadRequest(f"sort must be <field>[:asc|desc] with field one of {', '.join(SORT_FIELDS)}")

        def value(item: Any, name: str = field_name) -> str:
            if name in ("createdAt", "createdBy"):
                return str(getattr(item, "created_at" if name == "createdAt" else "created_by"))
            return str(metadata(item).get(name) or "")

        ordered.sort(key=value, reverse=direction == "desc")
    return ordered


def _page(items: list[Any], query: PressQuery) -> PressPage:
    start = (query.page_number - 1) * query.page_size
    return PressPage(
        items=items[start : start + query.page_size],
        total=len(items),
        page_count=math.ceil(len(items) / query.page_size),
        page_number=query.page_number,
        page_size=query.page_size,
    )
