"""Peak Press deployment: a released app or block spec deployed in the tenant.

Lifecycle on the platform: create or a new revision -> deploying -> deployed | warning | failed |
platform_resource_error (a failed rollout may go rollback -> rollback_complete | rollback_failed);
a new revision supersedes the older ones; redeploy (only from failed or warning) -> redeploying ->
...; delete -> deleting -> gone | delete_failed.

How each input changes a deployment:
- replace the deployment: `kind`, `spec_id`;
- a new revision (`POST .../revisions`, superseding the older one): `release_version`,
  `build_parameters`, `run_parameters`, `block_parameters`, `includes`, `excludes`, `revision_notes`;
- in place, through the flat metadata update (`PATCH .../{id}`), no new revision: `name`, `title`,
  `summary`, `description`, `image_url`, `tags`;
- nothing sent (the provider's own): `timeout_seconds`, `adopt_existing`.

A deployment an earlier run left `failed` or `warning` is redeployed (`POST .../redeploy`) when no
new revision would deploy it again; one left in another failed status (`platform_resource_error`,
`rollback*`), which the platform does not redeploy, gets a new revision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pulumi

from ..core import (
    ConflictError,
    Deadline,
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
from ..core.schema import Model
from ..core.waiter import progress

if TYPE_CHECKING:
    from .client import PeakPressClient
    from .models import PressDeploymentWire

PressKind = Literal["app", "block"]
DONE_STATUSES = frozenset({"deployed", "warning"})
FAILED_STATUSES = frozenset({"failed", "platform_resource_error", "rollback", "rollback_complete", "rollback_failed"})
BUSY_STATUSES = frozenset({"deploying", "redeploying", "deleting", "updating"})
REDEPLOYABLE_STATUSES = frozenset({"failed", "warning"})
STUCK_STATUSES = FAILED_STATUSES - REDEPLOYABLE_STATUSES
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
VERSION_PATTERN = r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$"
METADATA_FIELDS = {
    "name": "name",
    "title": "title",
    "summary": "summary",
    "description": "description",
    "image_url": "imageUrl",
    "tags": "tags",
}
APP_ONLY_FIELDS = ("block_parameters", "includes", "excludes")


class BlockParameters(Model):
    """Build and run parameter values of one block of an app."""

    build: dict[str, Any] = Field(default_factory=dict, description="Build parameter values by name.")
    run: dict[str, Any] = Field(default_factory=dict, description="Run parameter values by name.")


class PressDeploymentArgs(ResourceArgs):
    """Inputs of a Peak Press deployment."""

    kind: Annotated[PressKind, ForceNew()] = Field(
        description="`app` (an app spec: its blocks are deployed with it) or `block`. Changing it "
        "replaces the deployment."
    )
    spec_id: Annotated[str, ForceNew()] = Field(
        description="Id of the released app or block spec to deploy. Changing it replaces the deployment.",
        pattern=UUID_PATTERN,
    )
    release_version: Annotated[str | None, ServerDefault()] = Field(
        default=None,
        description="Release of the spec to deploy (semantic version); the newest release when unset. "
        "Changing it creates a new revision.",
        pattern=VERSION_PATTERN,
    )
    name: str = Field(
        description="Deployment name, unique per kind in the tenant: lowercase letters, digits and "
        "hyphens, starting with a letter, at most 64 characters. Changed in place.",
        pattern=r"^[a-z][a-z0-9-]{0,63}$",
    )
    summary: str = Field(description="One-line summary. Changed in place.", min_length=1)
    title: str | None = Field(default=None, description="Display title. Changed in place.")
    description: str | None = Field(default=None, description="Markdown description. Changed in place.")
    image_url: str | None = Field(default=None, description="URL of the deployment's image. Changed in place.")
    tags: list[str] = Field(default_factory=list, description="Tag names. Changed in place.")
    build_parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Build parameter values by name (of the block, or the app-level ones of an app). "
        "Changing them creates a new revision.",
    )
    run_parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Run parameter values by name (of the block, or the app-level ones of an app). "
        "Changing them creates a new revision.",
    )
    block_parameters: dict[str, BlockParameters] = Field(
        default_factory=dict,
        description="Apps only: build and run parameter values per block, keyed by block spec name. "
        "Changing them creates a new revision.",
    )
    includes: Annotated[dict[str, str], WriteOnly()] = Field(
        default_factory=dict,
        description="Apps only: block spec id to release version of blocks to add or swap in. "
        "Changing them creates a new revision.",
    )
    excludes: Annotated[dict[str, str], WriteOnly()] = Field(
        default_factory=dict,
        description="Apps only: block spec id to release version of blocks of the app's release to "
        "leave out. Changing them creates a new revision.",
    )
    revision_notes: str = Field(
        default="Deployed with Pulumi",
        description="Notes of the revision a create or a change makes. Changing them creates a new revision.",
        min_length=1,
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=900.0,
        gt=0,
        le=86400,
        description="How long create, update and delete wait for the deployment to settle, in seconds "
        "(Pulumi's customTimeouts do not reach dynamic providers).",
    )
    adopt_existing: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="When a deployment of this kind and name already exists, take it over (and bring it "
        "to these inputs) instead of failing.",
    )

    def cross_field_problems(self) -> list[tuple[str, str]]:
        if self.kind == "app":
            return []
        return [(name, "only app deployments take this input") for name in APP_ONLY_FIELDS if getattr(self, name)]


class PressDeploymentOutputs(OutputsModel):
    """What Peak reports about a deployment beyond its inputs."""

    status: str | None = Field(
        default=None,
        description="deployed, or warning (deployed with warnings); a transitional or failed status "
        "only in state left by an interrupted run.",
    )
    revision: int | None = Field(default=None, description="Number of the latest revision.")
    revision_id: str | None = Field(default=None, description="Id of the latest revision.")
    revision_status: str | None = Field(default=None, description="Status of the latest revision.")
    blocks: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Apps only: the deployed blocks, each with `name`, `kind`, `status`, `deployment_id` "
        "and `platform_id` (the platform resource's id, e.g. a service or workflow).",
    )
    created_at: str | None = Field(default=None, description="Creation time, ISO-8601.")
    created_by: str | None = Field(default=None, description="Who created the deployment.")
    updated_at: str | None = Field(default=None, description="Last update time, ISO-8601.")


# ---- wire mapping --------------------------------------------------------------------------------


def metadata_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata keys of the create body and of the flat metadata update."""
    body = {key: values.get(field) for field, key in METADATA_FIELDS.items()}
    body["tags"] = [{"name": tag} for tag in values.get("tags") or []]
    return body


def _swaps(mapping: Mapping[str, str] | None) -> list[dict[str, str]]:
    return [{"id": spec_id, "releaseVersion": version} for spec_id, version in sorted((mapping or {}).items())]


def _both(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"build": dict(values.get("build_parameters") or {}), "run": dict(values.get("run_parameters") or {})}


def _blocks(values: Mapping[str, Any]) -> dict[str, Any]:
    blocks = values.get("block_parameters") or {}
    return {name: {"build": dict(p.get("build") or {}), "run": dict(p.get("run") or {})} for name, p in blocks.items()}


def create_body(values: Mapping[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"id": values["spec_id"]}
    if values.get("release_version"):
        spec["release"] = {"version": values["release_version"]}
    body: dict[str, Any] = {
        "metadata": metadata_body(values),
        "revision": {"notes": values.get("revision_notes")},
        "spec": spec,
    }
    if values.get("kind") == "app":
        spec["includes"], spec["excludes"] = _swaps(values.get("includes")), _swaps(values.get("excludes"))
        body["appParameters"], body["parameters"] = _both(values), _blocks(values)
    else:
        body["parameters"] = _both(values)
    return body


def revision_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The new-revision body; apps swap blocks under `blocksConfig` here (`spec.*` on create)."""
    body: dict[str, Any] = {"revision": {"notes": values.get("revision_notes")}}
    if values.get("release_version"):
        body["release"] = {"version": values["release_version"]}
    if values.get("kind") == "app":
        body["blocksConfig"] = {"includes": _swaps(values.get("includes")), "excludes": _swaps(values.get("excludes"))}
        body["appParameters"], body["parameters"] = _both(values), _blocks(values)
    else:
        body["parameters"] = _both(values)
    return body


def observe(deployment: PressDeploymentWire, kind: str) -> Observed:
    """The deployment as Args and Outputs field names (includes and excludes are never returned)."""
    meta = deployment.metadata
    latest = deployment.latest_revision
    values = deployment.app_parameters if kind == "app" else deployment.parameters
    values = values or {}
    release = latest.release_version if latest and latest.release_version else None
    if release is None and deployment.spec and deployment.spec.release:
        release = deployment.spec.release.version
    return {
        "kind": kind,
        "spec_id": deployment.spec.id if deployment.spec else None,
        "release_version": release,
        "name": meta.name,
        "summary": meta.summary,
        "title": meta.title,
        "description": meta.description,
        "image_url": meta.image_url,
        "tags": meta.tag_names(),
        "build_parameters": dict(values.get("build") or {}),
        "run_parameters": dict(values.get("run") or {}),
        "block_parameters": _blocks({"block_parameters": deployment.parameters}) if kind == "app" else {},
        "revision_notes": latest.notes if latest else None,
        "status": deployment.status,
        "revision": latest.revision if latest else None,
        "revision_id": latest.id if latest else None,
        "revision_status": latest.status if latest else None,
        "blocks": [
            {
                "name": block.name,
                "kind": block.kind,
                "status": block.status,
                "deployment_id": block.deployment_id,
                "platform_id": block.platform_id,
            }
            for block in (latest.blocks if latest else [])
        ],
        "created_at": meta.created_at,
        "created_by": meta.created_by,
        "updated_at": meta.updated_at,
    }


def metadata_patch(values: Mapping[str, Any], current: Observed) -> dict[str, Any]:
    """The flat metadata keys that differ from the live deployment (cleared ones sent as null)."""
    desired = metadata_body(values)
    live = metadata_body(current)
    return {key: value for key, value in desired.items() if normalize(value) != normalize(live.get(key))}


def needs_revision(values: Mapping[str, Any], current: Observed, prior: Mapping[str, Any]) -> list[str]:
    """The revision inputs that differ from the live deployment (includes/excludes: from state)."""
    changed = []
    for name in ("release_version", "build_parameters", "run_parameters", "block_parameters", "revision_notes"):
        desired = values.get(name)
        if name == "release_version" and desired is None:
            continue
        if normalize(desired) != normalize(current.get(name)):
            changed.append(name)
    for name in ("includes", "excludes"):
        if normalize(values.get(name) or {}) != normalize(prior.get(name) or {}):
            changed.append(name)
    return changed


# ---- finder and waiters --------------------------------------------------------------------------


def get_deployment_or_none(client: PeakPressClient, kind: str, deployment_id: str) -> PressDeploymentWire | None:
    try:
        return client.get_deployment(kind, deployment_id)
    except NotFoundError:
        return None


def find_deployment_by_name(client: PeakPressClient, kind: str, name: str) -> PressDeploymentWire:
    """The deployment of this kind named exactly ``name`` (blocks of an app are not candidates)."""
    for item in client.iter_deployments(kind, name=name):
        if item.metadata.name == name and item.parent is None:
            return item
    raise NotFoundError(f"no {kind} deployment named {name!r}", Operation("finding", "Peak", "PressDeployment", name))


def _status(deployment: PressDeploymentWire | None) -> str:
    return deployment.status if deployment else "gone"


def wait_deployment_settled(
    client: PeakPressClient, kind: str, deployment_id: str, deadline: Deadline, operation: Operation
) -> PressDeploymentWire | None:
    """Until the deployment is in no transitional state (or gone); writes are refused meanwhile."""
    return WaitFor(
        operation,
        "a settled status",
        lambda: get_deployment_or_none(client, kind, deployment_id),
        lambda d: d is None or d.status not in BUSY_STATUSES,
        _status,
    ).run(deadline)


def wait_deployment_deployed(
    client: PeakPressClient,
    kind: str,
    deployment_id: str,
    deadline: Deadline,
    operation: Operation,
    revision: int = 0,
) -> PressDeploymentWire:
    """Until deployed (or warning) at ``revision`` or later; a failed status raises with its reason."""

    def at_revision(d: PressDeploymentWire | None) -> bool:
        return d is not None and d.latest_revision is not None and d.latest_revision.revision >= revision

    def failure(d: PressDeploymentWire | None) -> str | None:
        if d is None:
            return "the deployment disappeared"
        return d.failure_reason() if at_revision(d) and d.status in FAILED_STATUSES else None

    waited = WaitFor(
        operation,
        "deployed",
        lambda: get_deployment_or_none(client, kind, deployment_id),
        lambda d: at_revision(d) and d is not None and d.status in DONE_STATUSES,
        _status,
        failure,
    ).run(deadline)
    assert waited is not None
    if waited.status == "warning":
        progress(f"{operation.describe()}: deployed with status warning")
    return waited


def wait_deployment_deleted(
    client: PeakPressClient, kind: str, deployment_id: str, deadline: Deadline, operation: Operation
) -> None:
    WaitFor(
        operation,
        "deletion",
        lambda: get_deployment_or_none(client, kind, deployment_id),
        lambda d: d is None,
        _status,
        lambda d: d.failure_reason() if d is not None and d.status == "delete_failed" else None,
    ).run(deadline)


# ---- provider ------------------------------------------------------------------------------------


class PressDeploymentProvider(PlatformProvider[PressDeploymentArgs, "PeakPressClient"]):
    args_model = PressDeploymentArgs
    outputs_model = PressDeploymentOutputs
    platform = "Peak"
    resource_label = "PressDeployment"
    identity_fields = ("name",)

    client_class = "providers.peak.client:PeakPressClient"

    def create_remote(
        self, client: PeakPressClient, args: PressDeploymentArgs, deadline: Deadline
    ) -> tuple[str, Observed]:
        op = self.operation("creating", args.name)
        values = args.to_dict()
        kind = args.kind
        created: list[str] = []

        def create() -> str:
            ident = client.create_deployment(kind, create_body(values))
            created.append(ident)
            return ident

        def find() -> PressDeploymentWire | None:
            try:
                found = find_deployment_by_name(client, kind, args.name)
            except NotFoundError:
                return None
            return wait_deployment_settled(client, kind, found.id, deadline, op)

        def same(found: PressDeploymentWire) -> bool:
            current = observe(found, kind)
            return current["spec_id"] == args.spec_id and not (
                metadata_patch(values, current) or needs_revision(values, current, {})
            )

        deployment_id = create_or_take_over(
            op,
            find=find,
            same=same,
            adopt=args.adopt_existing,
            ident=lambda found: found.id,
            create=create,
            converge=lambda found: None,  # brought to the inputs below, with the leftovers' redeploy
            what=f"{kind} deployment",
            deadline=deadline,
        )
        if created:
            return deployment_id, observe(wait_deployment_deployed(client, kind, deployment_id, deadline, op), kind)
        # Taken over: what an earlier run left (maybe failed), or an adopted deployment.
        return deployment_id, self._converge(client, deployment_id, {}, args, deadline, op)

    def read_remote(self, client: PeakPressClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        kind = str(prior.get("kind") or "block")
        deployment = get_deployment_or_none(client, kind, ident)
        return observe(deployment, kind) if deployment else None

    def update_remote(
        self,
        client: PeakPressClient,
        ident: str,
        prior: Mapping[str, Any],
        args: PressDeploymentArgs,
        deadline: Deadline,
    ) -> Observed:
        return self._converge(client, ident, prior, args, deadline, self.operation("updating", ident))

    def _converge(
        self,
        client: PeakPressClient,
        ident: str,
        prior: Mapping[str, Any],
        args: PressDeploymentArgs,
        deadline: Deadline,
        op: Operation,
    ) -> Observed:
        """Bring a live deployment to the inputs: metadata in place, a revision for the rest, and a
        redeploy when it was left failed or warning and nothing else would deploy it again."""
        kind, values = args.kind, args.to_dict()

        def settled() -> PressDeploymentWire:
            found = wait_deployment_settled(client, kind, ident, deadline, op)
            if found is None:
                raise NotFoundError("the deployment no longer exists; run `pulumi refresh` to recreate it", op)
            return found

        current = observe(settled(), kind)
        if current["spec_id"] != args.spec_id:
            # A deployment cannot move to another spec; adopting one of another spec would hide that.
            raise ConflictError(
                f"deployment {ident} deploys spec {current['spec_id']}, not {args.spec_id}; "
                "choose another name, or delete it first",
                op,
            )
        patch = metadata_patch(values, current)
        if patch:
            retry_conflicts(
                op,
                lambda: client.update_deployment_metadata(kind, ident, patch),
                settle=settled,
                deadline=deadline,
            )
        revision = int(current.get("revision") or 0)
        if needs_revision(values, current, prior) or current["status"] in STUCK_STATUSES:
            # A failure the platform will not redeploy from is deployed again through a new revision.
            revision = self._revise(client, ident, kind, values, revision, deadline, op)
        elif current["status"] in REDEPLOYABLE_STATUSES:
            progress(f"{op.describe()}: redeploying, the deployment was left {current['status']}")
            self._redeploy(client, ident, kind, deadline, op)
        elif not patch:
            return current
        return observe(wait_deployment_deployed(client, kind, ident, deadline, op, revision), kind)

    def _revise(
        self,
        client: PeakPressClient,
        ident: str,
        kind: str,
        values: Mapping[str, Any],
        before: int,
        deadline: Deadline,
        op: Operation,
    ) -> int:
        """Create the new revision once, whatever answer is lost; its number."""

        def landed() -> int | None:
            found = get_deployment_or_none(client, kind, ident)
            latest = found.latest_revision if found else None
            return latest.revision if latest and latest.revision > before else None

        return write_once(
            op,
            lambda: client.create_deployment_revision(kind, ident, revision_body(values)).revision,
            landed,
            deadline,
        )

    def _redeploy(self, client: PeakPressClient, ident: str, kind: str, deadline: Deadline, op: Operation) -> None:
        def landed() -> bool | None:
            found = get_deployment_or_none(client, kind, ident)
            return True if found is None or found.status not in REDEPLOYABLE_STATUSES else None

        write_once(op, lambda: bool(client.create_redeployment(kind, ident)), landed, deadline)

    def delete_remote(self, client: PeakPressClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        kind = str(prior.get("kind") or "block")
        op = self.operation("deleting", ident)
        delete_riding_conflicts(
            op,
            settle=lambda: wait_deployment_settled(client, kind, ident, deadline, op),
            delete=lambda: client.delete_deployment(kind, ident),
            wait_gone=lambda: wait_deployment_deleted(client, kind, ident, deadline, op),
            deadline=deadline,
        )


class PressDeployment(PlatformResource[PressDeploymentArgs], module="peak", name="PressDeployment"):
    """A Peak Press deployment of a released app or block spec."""

    provider_type = PressDeploymentProvider

    kind: pulumi.Output[str]
    spec_id: pulumi.Output[str]
    release_version: pulumi.Output[str]
    name: pulumi.Output[str]
    summary: pulumi.Output[str]
    title: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    image_url: pulumi.Output[str | None]
    tags: pulumi.Output[list[str]]
    build_parameters: pulumi.Output[dict[str, Any]]
    run_parameters: pulumi.Output[dict[str, Any]]
    block_parameters: pulumi.Output[dict[str, Any]]
    includes: pulumi.Output[dict[str, str]]
    excludes: pulumi.Output[dict[str, str]]
    revision_notes: pulumi.Output[str]
    timeout_seconds: pulumi.Output[float]
    adopt_existing: pulumi.Output[bool]
    status: pulumi.Output[str]
    revision: pulumi.Output[int]
    revision_id: pulumi.Output[str]
    revision_status: pulumi.Output[str]
    blocks: pulumi.Output[list[dict[str, Any]]]
    created_at: pulumi.Output[str]
    created_by: pulumi.Output[str]
    updated_at: pulumi.Output[str | None]
