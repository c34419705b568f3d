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
  `summary`, `description`, `image_url`, `tags`.

Parameters are never read back: an app's describe documents none, a block's masks the values its spec
hides, and the revision describe documents `parameters` without saying how an app's are keyed or
whether they are masked. So the recorded inputs are what was deployed, and a new revision is made when
the inputs differ from them (after a take-over, with nothing recorded, whenever parameters are set).
A deployment left `failed` or `warning` is redeployed (`POST .../redeploy`) when no new revision would
deploy it again; one left in a failed status the platform does not redeploy from
(`platform_resource_error`, `rollback*`) gets a new revision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from ..core.errors import ConflictError
from ..core.fields import Field, ForceNew, ServerDefault, WriteOnly
from ..core.inputs import normalize
from ..core.lifecycle import Known, present, write_once
from ..core.ownership import mark_label, marks_in, without_marks
from ..core.provider import PlatformProvider
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.schema import Model
from ..core.step import Step
from ..generated.attributes import PeakPressDeploymentAttributes

if TYPE_CHECKING:
    from .client import PeakPressClient
    from .models import PressDeploymentWire

REDEPLOYABLE = frozenset({"failed", "warning"})
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
VERSION_PATTERN = r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$"
# Args field -> key of the flat metadata (the create body's `metadata`, the metadata update).
METADATA_FIELDS = {
    **{field: field for field in ("name", "title", "summary", "description", "tags")},
    "image_url": "imageUrl",
}
APP_ONLY_FIELDS = ("block_parameters", "includes", "excludes")
NOT_READ_BACK = "Peak does not document them in its answers, so a change made outside Pulumi is not seen."


class BlockParameters(Model):
    """Build and run parameter values of one block of an app."""

    build: dict[str, Any] = Field(default_factory=dict, description="Build parameter values by name.")
    run: dict[str, Any] = Field(default_factory=dict, description="Run parameter values by name.")


class PressDeploymentArgs(
    ResourceArgs, timeout=900, waits_for="the deployment to settle", adoptable="a deployment of this kind and name"
):
    """Inputs of a Peak Press deployment."""

    kind: Annotated[Literal["app", "block"], ForceNew()] = Field(
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
    build_parameters: Annotated[dict[str, Any], WriteOnly()] = Field(
        default_factory=dict,
        description="Build parameter values by name (of the block, or the app-level ones of an app). "
        f"Changing them creates a new revision. {NOT_READ_BACK}",
    )
    run_parameters: Annotated[dict[str, Any], WriteOnly()] = Field(
        default_factory=dict,
        description="Run parameter values by name (of the block, or the app-level ones of an app). "
        f"Changing them creates a new revision. {NOT_READ_BACK}",
    )
    block_parameters: Annotated[dict[str, BlockParameters], WriteOnly()] = Field(
        default_factory=dict,
        description="Apps only: build and run parameter values per block, keyed by block spec name. "
        f"Changing them creates a new revision. {NOT_READ_BACK}",
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

METADATA_OUTPUTS = ("status", "created_at", "created_by", "updated_at")
REVISED_BY_RECORD = ("build_parameters", "run_parameters", "block_parameters", "includes", "excludes")


def metadata_body(values: Known, marks: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Metadata keys of the create body and of the flat metadata update; `marks` join the tags."""
    body = {key: values.get(field) for field, key in METADATA_FIELDS.items()}
    body["tags"] = [{"name": tag} for tag in [*(values.get("tags") or []), *marks]]
    return body


def _swaps(mapping: Mapping[str, str] | None) -> list[dict[str, str]]:
    return [{"id": spec_id, "releaseVersion": version} for spec_id, version in sorted((mapping or {}).items())]


def _parameters(values: Known) -> dict[str, Any]:
    """`appParameters` and per-block `parameters` of an app, or the flat `parameters` of a block."""
    both = {"build": dict(values.get("build_parameters") or {}), "run": dict(values.get("run_parameters") or {})}
    if values.get("kind") != "app":
        return {"parameters": both}
    blocks = values.get("block_parameters") or {}
    per_block = {
        name: {"build": dict(p.get("build") or {}), "run": dict(p.get("run") or {})} for name, p in blocks.items()
    }
    return {"appParameters": both, "parameters": per_block}


def create_body(values: Known, owner: str | None = None) -> dict[str, Any]:
    """The create body; `owner` marks the deployment as this resource's in its tags."""
    spec: dict[str, Any] = {"id": values["spec_id"]}
    if values.get("release_version"):
        spec["release"] = {"version": values["release_version"]}
    if values.get("kind") == "app":
        spec["includes"], spec["excludes"] = _swaps(values.get("includes")), _swaps(values.get("excludes"))
    return {
        "metadata": metadata_body(values, [mark_label(owner)] if owner else []),
        "revision": {"notes": values.get("revision_notes")},
        "spec": spec,
        **_parameters(values),
    }


def revision_body(values: Known) -> dict[str, Any]:
    """The new-revision body; apps swap blocks under `blocksConfig` here (`spec.*` on create)."""
    body: dict[str, Any] = {"revision": {"notes": values.get("revision_notes")}}
    if values.get("release_version"):
        body["release"] = {"version": values["release_version"]}
    if values.get("kind") == "app":
        body["blocksConfig"] = {"includes": _swaps(values.get("includes")), "excludes": _swaps(values.get("excludes"))}
    return {**body, **_parameters(values)}


def metadata_patch(values: Known, current: Known, marks: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The flat metadata keys that differ from the live deployment (cleared ones sent as null);
    ``current`` carries the live tags marks included, ``marks`` the ones the tags must keep."""
    desired = metadata_body(values, marks)
    live = metadata_body(current)
    return {key: value for key, value in desired.items() if normalize(value) != normalize(live.get(key))}


def needs_revision(values: Known, current: Known, prior: Known) -> list[str]:
    """The revision inputs that differ: the release and notes from the live deployment, the
    parameters and block swaps (never read back) from the recorded inputs."""
    changed = [
        name
        for name in ("release_version", "revision_notes")
        if values.get(name) is not None and normalize(values.get(name)) != normalize(current.get(name))
    ]
    return changed + [
        name for name in REVISED_BY_RECORD if normalize(values.get(name) or {}) != normalize(prior.get(name) or {})
    ]


# ---- provider ------------------------------------------------------------------------------------


class PressProvider:
    """What Peak Press objects (deployments, specs) share: the client, identity by name, and the owner mark as
    a `mlp-owner-<mark>` tag among their metadata tags, never shown in the `tags` input or output."""

    platform: ClassVar[str] = "Peak"
    client_class: ClassVar[str] = "providers.peak.client:PeakPressClient"
    identity_fields: ClassVar[tuple[str, ...]] = ("name",)
    mark_place: ClassVar[str | None] = "a `mlp-owner-…` tag among its metadata tags"
    wire_fields: ClassVar[Mapping[str, str]]

    def owner_of(self, obj: Any) -> str | None:
        return next(iter(marks_in(obj.metadata.tag_names())), None)

    def seen(self, obj: Any) -> dict[str, Any]:
        """What the answer documents, its tags without marks."""
        seen = present(obj, self.wire_fields)
        if "tags" in seen:
            seen["tags"] = without_marks([tag.name for tag in seen["tags"]])
        return seen

    def as_is(self, step: Step[Any], obj: Any, prior: Known) -> tuple[dict[str, Any], list[str]]:
        """What is known of the live object (the recorded inputs, overridden by what the answer says; its
        tags marks included), and the marks its tags must keep: this resource's (so an adopted object is
        marked as ours), or the ones it carries when the step does not know its owner."""
        tags = obj.metadata.tag_names()
        owners = [step.owner] if step.owner else marks_in(tags)
        return {**prior, **self.seen(obj), "tags": tags}, [mark_label(owner) for owner in owners]


class PressDeploymentProvider(
    PressProvider, PlatformProvider[PressDeploymentArgs, "PeakPressClient", "PressDeploymentWire"]
):
    outputs_model = PressDeploymentOutputs
    # `updating` is not documented but the SDK's delete wrapper waits on it too (reference §7g).
    pending = frozenset({"deploying", "redeploying", "deleting", "updating"})
    target = frozenset({"deployed", "warning"})
    failed = frozenset({"failed", "platform_resource_error", "rollback", "rollback_complete", "rollback_failed"})
    delete_failed = frozenset({"delete_failed"})
    status_attribute = "status"
    failure_attribute = "latest_revision.last_error.message"
    # What the deployment describe documents (reference §7f), by field; a deployment's `latestRevision`
    # is a revision object (id, revision, status, notes). Parameters are not among them (module doc).
    wire_fields = {
        "spec_id": "spec.id",
        "release_version": "spec.release.version",
        **{field: f"metadata.{field}" for field in (*METADATA_FIELDS, *METADATA_OUTPUTS)},
        "revision": "latest_revision.revision",
        **{f"revision_{field}": f"latest_revision.{field}" for field in ("id", "status", "notes")},
    }

    def fetch(self, step: Step[PeakPressClient], ident: str, known: Known) -> PressDeploymentWire:
        return step.client.get_deployment(str(known.get("kind") or "block"), ident)

    def find(self, step: Step[PeakPressClient], args: PressDeploymentArgs) -> PressDeploymentWire | None:
        # The name filter is a prefix match; the blocks of an app are not candidates.
        for item in step.client.iter_deployments(args.kind, name=args.name):
            if item.metadata.name == args.name and item.parent is None:
                return step.client.get_deployment(args.kind, item.id)
        return None

    def observe(
        self, step: Step[PeakPressClient], ident: str, obj: PressDeploymentWire, known: Known
    ) -> dict[str, Any]:
        latest = obj.latest_revision
        return {**self.seen(obj), "blocks": [block.model_dump() for block in (latest.blocks if latest else [])]}

    def send_create(self, step: Step[PeakPressClient], args: PressDeploymentArgs) -> str:
        return step.client.create_deployment(args.kind, create_body(args.to_dict(), step.owner))

    def send_delete(self, step: Step[PeakPressClient], ident: str, known: Known) -> None:
        step.client.delete_deployment(str(known.get("kind") or "block"), ident)

    def converge(
        self,
        step: Step[PeakPressClient],
        ident: str,
        current: PressDeploymentWire,
        args: PressDeploymentArgs,
        prior: Known,
    ) -> PressDeploymentWire | None:
        """Metadata in place, a revision for the rest, and a redeploy when the deployment was left failed
        or warning and nothing else would deploy it again. A revision or redeploy is done once the
        deployment is deployed at that revision number or a later one (documented signals only)."""
        kind, values = args.kind, args.to_dict()
        seen, marks = self.as_is(step, current, prior)
        if seen.get("spec_id") != args.spec_id:
            # A deployment cannot move to another spec; adopting one of another spec would hide that.
            why = f"deployment {ident} deploys spec {seen.get('spec_id')}, not {args.spec_id}"
            raise ConflictError(f"{why}; choose another name, or delete it first", step.operation)
        if patch := metadata_patch(values, seen, marks):
            # The body holds absolute values: sent again after a lost answer, it changes nothing more.
            send_patch = lambda: step.client.update_deployment_metadata(kind, ident, patch)  # noqa: E731
            self.write_riding_busy(step, ident, values, send_patch, lambda: None)
        before, status = current.revision_number, current.status

        def newer() -> int | None:
            number = self.fetch(step, ident, values).revision_number
            return number if number > before else None

        if needs_revision(values, seen, prior) or (status in self.failed and status not in REDEPLOYABLE):
            # Also how a failure the platform does not redeploy from is deployed again.
            revise = lambda: step.client.create_deployment_revision(kind, ident, revision_body(values)).revision  # noqa: E731
            revision = self.write_riding_busy(step, ident, values, revise, newer)
        elif status in REDEPLOYABLE:
            step.say(f"redeploying, the deployment was left {status}")
            # Not ridden as busy: a 409 here means it is no longer failed or warning.
            left = lambda: True if self.fetch(step, ident, values).status not in REDEPLOYABLE else None  # noqa: E731
            write_once(step.operation, lambda: bool(step.client.create_redeployment(kind, ident)), left, step.deadline)
            revision = before
        else:
            # Metadata alone redeploys nothing: read back by core (or unchanged).
            return None if patch else current
        return self.wait_target(step, ident, values, done=lambda obj: obj.revision_number >= revision)


class PressDeployment(
    PeakPressDeploymentAttributes, PlatformResource[PressDeploymentArgs], module="peak", name="PressDeployment"
):
    """A Peak Press deployment of a released app or block spec."""

    provider_type = PressDeploymentProvider
