"""Peak Press: the business rules of specs, releases, app and block deployments and their revisions,
per tenant. Knows nothing of HTTP; the state is in `press_state.py`, the request readers in
`press_checks.py`, the wire shapes in `press_wire.py`; its choices are listed in the sandbox's README."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Mapping
from typing import Any

from providers.sandbox.core.backend import StateBackend
from providers.sandbox.core.paging import Page, paginate
from providers.sandbox.peak import press_checks as checks
from providers.sandbox.peak import press_state as st
from providers.sandbox.peak.exceptions import BadRequest, Conflict, NotFound
from providers.sandbox.peak.press_state import (
    DEPLOY_OUTCOMES,
    SEEDED_APP_SPEC_ID,
    SEEDED_BLOCK_SPEC_ID,
    Deployment,
    Family,
    PressQuery,
    PressState,
    PressTenant,
    Release,
    Revision,
    Spec,
)
from providers.sandbox.peak.press_wire import deployment_body, revision_body, revision_describe

__all__ = ["DEPLOY_OUTCOMES", "SEEDED_APP_SPEC_ID", "SEEDED_BLOCK_SPEC_ID", "PressBackend", "PressQuery"]


class PressBackend(StateBackend[PressState]):
    """Peak Press for every tenant. Reads (describe, list) advance pending transitions."""

    state_type = PressState

    # ---- specs ------------------------------------------------------------------------------------

    def create_spec(
        self, tenant: str, family: Family, fields: Mapping[str, Any], artifact: bytes | None = None
    ) -> Spec:
        """Publish a spec and its first release. `fields` are the request's fields, strings possibly
        JSON-encoded (`spec`, `featured`, `autoRunOnDeploy`, `scope`, `tenants`, `parameters`)."""
        body = checks.obj(checks.decoded(fields.get("spec"), "spec"), "spec")
        kind = checks.text(body, "kind", "spec.kind", required=True)
        allowed = ("app",) if family == "app" else st.BLOCK_KINDS
        if kind not in allowed:
            raise BadRequest(f"spec.kind must be one of {', '.join(allowed)}")
        found = checks.metadata(checks.obj(body.get("metadata"), "spec.metadata"), "spec.metadata.")
        # `scope` is the one field sent as a plain string (absent or null when unset).
        scope = fields.get("scope") or None
        if scope is not None and scope not in st.SCOPES:
            raise BadRequest(f"scope must be one of {', '.join(st.SCOPES)}")
        tenants = checks.decoded(fields.get("tenants"), "tenants")
        if tenants is not None and (not isinstance(tenants, list) or not all(isinstance(t, str) for t in tenants)):
            raise BadRequest("tenants must be a list of tenant names")
        featured = checks.optional_bool(fields.get("featured"), "featured")
        specs = self._tenant(tenant).specs
        if any(s.family == family and s.metadata.get("name") == found["name"] for s in specs.values()):
            raise Conflict(f"{family} spec {found['name']} already exists")
        stamps = st.stamped(self.now_iso(), tenant)
        spec = Spec(
            id=str(uuid.uuid4()),
            tenant=tenant,
            family=family,
            kind=kind,
            metadata=found,
            featured=bool(featured),
            scope=scope or "private",
            tenants=list(tenants or []),
            **stamps,
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
        body = checks.obj(checks.decoded(fields.get("spec"), "spec"), "spec") if "spec" in fields else dict(fields)
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
        metadata_in = checks.obj(body.get("metadata"), "metadata")
        status = metadata_in.pop("status", None)
        if status is not None and status not in st.SPEC_STATUSES:
            raise BadRequest(f"metadata.status must be one of {', '.join(st.SPEC_STATUSES)}")
        updated = spec.model_copy(
            update={
                "metadata": {**spec.metadata, **checks.metadata(metadata_in, "metadata.", partial=True)},
                "status": status or spec.status,
                "featured": spec.featured if body.get("featured") is None else bool(body["featured"]),
                "scope": body.get("scope") or spec.scope,
                "tenants": spec.tenants if body.get("tenants") is None else list(body["tenants"]),
            }
        )
        if updated.scope not in st.SCOPES:
            raise BadRequest(f"scope must be one of {', '.join(st.SCOPES)}")
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

    def list_specs(self, tenant: str, family: Family | None, query: PressQuery) -> Page[Spec]:
        checks.check_choices("status", query.statuses, st.SPEC_STATUSES)
        checks.check_choices("kind", query.kinds, st.SPEC_KINDS)
        checks.check_choices("scope", query.scopes, st.SCOPES)
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
        return paginate(
            checks.sort_items(matching, query.sort, lambda s: s.metadata), query.page_number, query.page_size
        )

    def list_releases(self, tenant: str, family: Family, spec_id: str, query: PressQuery) -> Page[Release]:
        releases = list(reversed(self.get_spec(tenant, family, spec_id).releases))
        return paginate(releases, query.page_number, query.page_size)

    # ---- deployments ------------------------------------------------------------------------------

    def create_deployment(self, tenant: str, family: Family, body: Mapping[str, Any]) -> Deployment:
        """Deploy a spec release: `deploying`, then `deployed` (or a scheduled failure)."""
        found = checks.metadata(checks.obj(body.get("metadata"), "metadata"), "metadata.")
        spec_ref = checks.obj(body.get("spec"), "spec")
        spec_id = checks.text(spec_ref, "id", "spec.id", required=True)
        version = checks.text(checks.obj(spec_ref.get("release"), "spec.release"), "version", "spec.release.version")
        spec = self.get_spec(tenant, family, str(spec_id))
        release = spec.release(version)
        if self._named(tenant, family, found["name"]):
            raise Conflict(f"{family} deployment {found['name']} already exists")
        revision = self._revision(tenant, family, 1, release.version, body, "spec")
        stamps = st.stamped(self.now_iso(), tenant)
        deployment = Deployment(
            id=str(uuid.uuid4()),
            tenant=tenant,
            family=family,
            kind=spec.kind,
            spec_id=spec.id,
            metadata=found,
            status="deploying",
            revisions=[revision],
            **stamps,
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
    ) -> Page[Deployment]:
        """A page of deployments (of a spec's releases when `spec_id`); every item counts one read."""
        checks.check_choices("status", query.statuses, st.DEPLOYMENT_STATUSES)
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
        return paginate(
            checks.sort_items(matching, query.sort, lambda d: d.metadata), query.page_number, query.page_size
        )

    def update_deployment_metadata(
        self, tenant: str, family: Family, deployment_id: str, body: Mapping[str, Any]
    ) -> Deployment:
        """Apply a flat metadata body; no new revision."""
        deployment = self._writable(tenant, family, deployment_id, "updated")
        found = checks.metadata(body, "", partial=True)
        name = found.get("name")
        if name and name != deployment.name and self._named(tenant, family, name):
            raise Conflict(f"{family} deployment {name} already exists")
        deployment.metadata = {**deployment.metadata, **{k: v for k, v in found.items() if k in body}}
        deployment.updated_at, deployment.updated_by = self._stamp(tenant)
        return deployment

    def create_revision(self, tenant: str, family: Family, deployment_id: str, body: Mapping[str, Any]) -> Revision:
        """A new revision: release, parameters (and for apps blocksConfig) change; older revisions are superseded."""
        deployment = self._writable(tenant, family, deployment_id, "revised")
        spec = self.get_spec(tenant, family, deployment.spec_id)
        release = spec.release(checks.text(checks.obj(body.get("release"), "release"), "version", "release.version"))
        revision = self._revision(tenant, family, deployment.latest.revision + 1, release.version, body, "blocksConfig")
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

    def list_revisions(self, tenant: str, family: Family, deployment_id: str, query: PressQuery) -> Page[Revision]:
        deployment = self.describe_deployment(tenant, family, deployment_id)
        checks.check_choices("status", query.statuses, st.REVISION_STATUSES)
        revisions = [r for r in reversed(deployment.revisions) if not query.statuses or r.status in query.statuses]
        return paginate(revisions, query.page_number, query.page_size)

    def redeploy(self, tenant: str, family: Family, deployment_id: str) -> Deployment:
        """Deploy the latest revision again; only from `failed` or `warning` (for an app: it or a block)."""
        deployment = self._find(tenant, family, deployment_id)
        statuses = {deployment.status, *(self._find(tenant, None, b).status for b in deployment.latest.blocks)}
        if not statuses.intersection(st.REDEPLOYABLE):
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
        failure = self.state.take_failure("delete", deployment.name, tenant)
        reason = failure.reason if failure else None
        for target in (deployment, *(self._find(tenant, None, b) for b in deployment.latest.blocks)):
            target.status, target.last_error = "deleting", None
            target.pending = self.transitions.start(st.PLATFORM, "delete_failed" if reason else None, reason)
            target.latest.status = "deleting"
        return deployment

    def run_parameters(self, tenant: str, deployment_id: str) -> dict[str, Any]:
        """A block deployment's run parameter values (its latest revision's)."""
        deployment = self.describe_deployment(tenant, "block", deployment_id)
        return dict(deployment.latest.parameters.get("run") or {})

    def patch_run_parameters(self, tenant: str, deployment_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Merge flat run parameter values into a block deployment's latest revision; no new revision."""
        deployment = self._writable(tenant, "block", deployment_id, "updated")
        run = {**(deployment.latest.parameters.get("run") or {}), **checks.obj(body, "body")}
        deployment.latest.parameters = {**deployment.latest.parameters, "run": run}
        return run

    def patch_run_parameters_v2(self, tenant: str, deployment_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Block: `{"parameters": {...}}`; app: `{"appParameters": {...}, "parameters": {<block>: {...}}}`."""
        deployment = self._find(tenant, None, deployment_id)
        self._writable(tenant, deployment.family, deployment_id, "updated")
        latest = deployment.latest
        if deployment.family == "block":
            self.patch_run_parameters(tenant, deployment_id, checks.obj(body.get("parameters"), "parameters"))
            return {"parameters": latest.parameters["run"]}
        app_run = {**(latest.app_parameters.get("run") or {}), **checks.obj(body.get("appParameters"), "appParameters")}
        latest.app_parameters = {**latest.app_parameters, "build": latest.app_parameters.get("build") or {}}
        latest.app_parameters["run"] = app_run
        for name, values in checks.obj(body.get("parameters"), "parameters").items():
            block_id = next((b for b in latest.blocks if self._find(tenant, None, b).block_name == name), None)
            if block_id is None:
                raise BadRequest(f"parameters.{name}: the app has no block {name}")
            self.patch_run_parameters(tenant, block_id, checks.obj(values, f"parameters.{name}"))
            latest.parameters[name] = {
                **latest.parameters.get(name, {"build": {}}),
                "run": self.run_parameters(tenant, block_id),
            }
        return {"appParameters": app_run, "parameters": {n: p.get("run", {}) for n, p in latest.parameters.items()}}

    def execute(self, tenant: str, deployment_id: str) -> list[dict[str, Any]]:
        """Run the blocks deployed with `autoRunOnDeploy` (a block, or an app's blocks)."""
        deployment = self.describe_deployment(tenant, None, deployment_id)
        blocks = [deployment] if deployment.family == "block" else self._blocks(deployment)
        executed = []
        for block in blocks:
            release = self.get_spec(tenant, "block", block.spec_id).release(block.latest.release_version)
            if release.auto_run_on_deploy:
                run = {"blockSpecId": block.spec_id, "version": release.version, "executionId": str(uuid.uuid4())}
                executed.append({**run, "status": "executed"})
        return executed

    # ---- wire shapes ------------------------------------------------------------------------------

    def describe(self, deployment: Deployment) -> dict[str, Any]:
        """The deployment as describe, list and the metadata update return it."""
        return deployment_body(deployment, self._deployments(deployment.tenant))

    def revision_body(self, deployment: Deployment, revision: Revision) -> dict[str, Any]:
        return revision_body(deployment, revision, self._deployments(deployment.tenant))

    def revision_describe(self, deployment: Deployment, revision: Revision) -> dict[str, Any]:
        """The revision route's shape."""
        return revision_describe(deployment, revision, self._deployments(deployment.tenant))

    # ---- state ------------------------------------------------------------------------------------

    def dump_into(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add Press state to the Peak dump: `specs` and `deployments` next to each tenant's `services`,
        the scheduled failures as `press_failures`."""
        dumped = self.dump()
        for name, tenant in dumped["tenants"].items():
            data.setdefault("tenants", {}).setdefault(name, {"services": {}}).update(tenant)
        if dumped["failures"]:
            data["press_failures"] = dumped["failures"]
        return data

    def load_from(self, data: Mapping[str, Any]) -> None:
        tenants = {
            name: {"specs": t.get("specs", {}), "deployments": t.get("deployments", {})}
            for name, t in data.get("tenants", {}).items()
            if "specs" in t or "deployments" in t
        }
        self.load({"tenants": tenants, "failures": data.get("press_failures", [])})

    # ---- internals --------------------------------------------------------------------------------

    def _tenant(self, tenant: str) -> PressTenant:
        existing = self.state.tenants.get(tenant)
        if existing is None:
            existing = self.state.tenants[tenant] = PressTenant(specs={s.id: s for s in st.seeded_specs(tenant)})
        return existing

    def _release(
        self, spec: Spec, body: Mapping[str, Any], fields: Mapping[str, Any], artifact: bytes | None
    ) -> Release:
        release_in = checks.obj(body.get("release"), "release")
        version = str(checks.text(release_in, "version", "release.version", required=True))
        if not re.fullmatch(checks.VERSION_PATTERN, version):
            raise BadRequest("release.version must be a semantic version such as 1.0.0")
        if any(r.version == version for r in spec.releases):
            raise Conflict(f"release {version} of spec {spec.metadata.get('name')} already exists")
        config = self._app_config(spec.tenant, body.get("config")) if spec.family == "app" else body.get("config")
        defined = checks.obj(
            checks.decoded(fields.get("parameters", body.get("parameters")), "parameters"), "parameters"
        )
        stamps = st.stamped(self.now_iso(), spec.tenant)
        return Release(
            id=str(uuid.uuid4()),
            version=version,
            notes=checks.text(release_in, "notes", "release.notes"),
            config=config,
            parameters={"build": list(defined.get("build") or []), "run": list(defined.get("run") or [])},
            artifact_id=None if artifact is None else _checked_artifact(artifact),
            auto_run_on_deploy=checks.optional_bool(fields.get("autoRunOnDeploy"), "autoRunOnDeploy")
            if spec.family == "block"
            else None,
            **stamps,
        )

    def _app_config(self, tenant: str, config: Any) -> list[dict[str, Any]]:
        """An app release's blocks: `[{id, release: {version}}]`, each a published block spec release."""
        if not isinstance(config, list) or not config:
            raise BadRequest("config must be a non-empty list of {id, release: {version}} blocks")
        blocks = []
        for index, item in enumerate(config):
            entry = checks.obj(item, f"config[{index}]")
            block_id = str(checks.text(entry, "id", f"config[{index}].id", required=True))
            version = checks.text(checks.obj(entry.get("release"), f"config[{index}].release"), "version", "version")
            try:
                release = self.get_spec(tenant, "block", block_id).release(version)
            except NotFound as error:
                raise BadRequest(f"config[{index}]: {error.message}") from None
            blocks.append({"id": block_id, "release": {"version": release.version}})
        return blocks

    def _revision(
        self, tenant: str, family: Family, number: int, version: str, body: Mapping[str, Any], at: str
    ) -> Revision:
        """A new revision of `version` with the body's notes and parameters; an app's block swaps are
        under `at` (create: `spec`; revision: `blocksConfig`)."""
        stamps = st.stamped(self.now_iso(), tenant)
        revision = Revision(
            id=str(uuid.uuid4()),
            revision=number,
            notes=checks.text(checks.obj(body.get("revision"), "revision"), "notes", "revision.notes"),
            release_version=version,
            parameters=checks.params(body.get("parameters"), "parameters") if family == "block" else {},
            **stamps,
        )
        if family == "app":
            swapped = checks.obj(body.get(at), at)
            revision.app_parameters = checks.params(body.get("appParameters"), "appParameters")
            revision.parameters = checks.block_params(body.get("parameters"))
            revision.includes = checks.swaps(swapped.get("includes"), f"{at}.includes")
            revision.excludes = checks.swaps(swapped.get("excludes"), f"{at}.excludes")
        return revision

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
        previous = {b.spec_id: b for b in (self._blocks(app, app.revisions[-2]) if len(app.revisions) > 1 else [])}
        for spec_id, version in wanted:
            try:
                spec = self.get_spec(app.tenant, "block", spec_id)
                block_release = spec.release(version)
            except NotFound as error:
                raise NotFound(f"block of the app: {error.message}") from None
            name = str(spec.metadata.get("name"))
            stamps = st.stamped(self.now_iso(), app.tenant)
            block_revision = Revision(
                id=str(uuid.uuid4()),
                revision=1,
                notes=revision.notes,
                release_version=block_release.version,
                parameters=checks.params(revision.parameters.get(name), f"parameters.{name}"),
                **stamps,
            )
            block = previous.pop(spec_id, None)
            if block is None:
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
                    **stamps,
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
        failure = self.state.take_failure("deploy", deployment.name, deployment.tenant)
        outcome, reason = (failure.status or "failed", failure.reason) if failure else ("deployed", None)
        for target in (deployment, *self._blocks(deployment)):
            target.status, target.last_error = status, None
            target.latest.status = "deploying"
            target.pending = self.transitions.start(st.PLATFORM, outcome, reason)

    def _observe(self, deployment: Deployment) -> Deployment | None:
        """Count a read: land due transitions (an app only once its blocks have landed); None when gone."""
        blocks = self._blocks(deployment)
        for block in blocks:
            self._observe(block)
        transition = deployment.pending
        if transition is None:
            return deployment
        if any(b.pending is not None for b in self._blocks(deployment)):
            return deployment
        if not self.transitions.reached(transition):
            return deployment
        deployment.pending = None
        if transition.target is None:
            for block in blocks:
                self._deployments(deployment.tenant).pop(block.id, None)
            del self._deployments(deployment.tenant)[deployment.id]
            return None
        deployment.status, deployment.last_error = transition.target, transition.error
        revision_status = {"warning": "deployed"}.get(transition.target, transition.target)
        deployment.latest.status = revision_status if revision_status in st.REVISION_STATUSES else "deployed"
        return deployment

    def _deployments(self, tenant: str) -> dict[str, Deployment]:
        return self._tenant(tenant).deployments

    def _blocks(self, app: Deployment, revision: Revision | None = None) -> list[Deployment]:
        """The block deployments (still there) of an app's revision (its latest by default)."""
        deployments = self._deployments(app.tenant)
        return [deployments[b] for b in (revision or app.latest).blocks if b in deployments]

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
        if deployment.status in st.BUSY:
            raise Conflict(f"deployment {deployment.name} cannot be {verb} while {deployment.status}")
        return deployment

    def _stamp(self, tenant: str) -> tuple[str, str]:
        return self.now_iso(), f"sandbox@{tenant}.peak.ai"


def _checked_artifact(artifact: bytes) -> str:
    """The id of an uploaded artifact, once it reads as a zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(artifact)) as archive:
            broken = archive.testzip()
    except (zipfile.BadZipFile, ValueError, OSError):
        broken = "artifact"
    if broken is not None:
        raise BadRequest("artifact is not a readable zip archive")
    return str(uuid.uuid4())
