"""Peak Press block spec: a workflow or service block published from a local folder, with its releases.

Releases are immutable and named by their version, so the release inputs (`config`, `parameters`,
`auto_run_on_deploy`, `release_notes`, the folder's content) are published with a `release_version`:

- replace the spec: `name`, `kind`;
- a new release (`POST .../releases`, multipart with the folder zipped as the artifact):
  `release_version`; the other release inputs travel with it;
- in place, through the spec metadata update (`PATCH`, nested under `metadata`): `summary`,
  `title`, `description`, `image_url`, `tags`, `featured`, `scope`, `tenants`;
- changing a release input without a new `release_version` is refused: the platform cannot change a
  published release.

A spec that deployments still use cannot be deleted (the platform answers 409): delete them first;
in one stack, a `PressDeployment` whose `spec_id` is this spec's id is deleted before it.
"""

from __future__ import annotations

import os
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
    ProviderError,
    ResourceArgs,
    WriteOnly,
)
from ..core.inputs import normalize
from ..core.lifecycle import create_or_take_over, write_once

if TYPE_CHECKING:
    from .client import PeakPressClient
    from .models import PressSpecWire

BlockKind = Literal["workflow", "service"]
Scope = Literal["private", "public", "shared"]
RELEASE_FIELDS = ("config", "parameters", "auto_run_on_deploy", "release_notes")
# The platform refuses artifacts over 10 MB compressed; checked before sending.
MAX_ARTIFACT_BYTES = 10 * 1024 * 1024
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class BlockSpecArgs(ResourceArgs):
    """Inputs of a Peak Press block spec."""

    name: Annotated[str, ForceNew()] = Field(
        description="Spec name, unique per kind in the tenant: lowercase letters, digits and hyphens, "
        "starting with a letter, at most 64 characters. Changing it replaces the spec.",
        pattern=r"^[a-z][a-z0-9-]{0,63}$",
    )
    kind: Annotated[BlockKind, ForceNew()] = Field(
        default="workflow", description="`workflow` or `service`. Changing it replaces the spec."
    )
    summary: str = Field(description="One-line summary. Changed in place.", min_length=1)
    title: str | None = Field(default=None, description="Display title. Changed in place.")
    description: str | None = Field(default=None, description="Markdown description. Changed in place.")
    image_url: str | None = Field(default=None, description="URL of the spec's image. Changed in place.")
    tags: list[str] = Field(default_factory=list, description="Tag names. Changed in place.")
    featured: bool = Field(default=False, description="Feature the spec in the tenant. Changed in place.")
    scope: Scope = Field(
        default="private",
        description="Who can deploy it: `private` (this tenant), `public`, or `shared` (with `tenants`). "
        "Changed in place.",
    )
    tenants: list[str] = Field(
        default_factory=list, description="Tenants a `shared` spec is shared with. Changed in place."
    )
    release_version: str = Field(
        description="Version of the release to publish (semantic version). Changing it publishes a new "
        "release carrying the release inputs and the folder's current content.",
        pattern=r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$",
    )
    release_notes: str = Field(
        default="Published with Pulumi", min_length=1, description="Notes of the release; published with it."
    )
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="The block's `config` (steps, image, resources...); published with the release.",
    )
    parameters: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict,
        description="Parameter definitions under `build` and `run` (name, type, required, defaultValue...); "
        "published with the release.",
    )
    auto_run_on_deploy: bool | None = Field(
        default=None, description="Run the block when it is deployed; published with the release."
    )
    artifact_path: Annotated[str | None, WriteOnly()] = Field(
        default=None,
        description="Local folder zipped and uploaded as the release's artifact (relative to the project "
        "directory); its content is read when a release is published.",
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=300.0, gt=0, le=86400, description="How long create, update and delete may take, in seconds."
    )
    adopt_existing: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="When a block spec of this kind and name already exists, take it over (publishing "
        "this release if it is missing) instead of failing.",
    )

    def cross_field_problems(self) -> list[tuple[str, str]]:
        unknown = set(self.parameters) - {"build", "run"}
        problems = (
            [("parameters", f"only build and run are allowed (got {', '.join(sorted(unknown))})")] if unknown else []
        )
        if self.tenants and self.scope != "shared":
            problems.append(("tenants", "tenants apply only to a `shared` scope"))
        return problems


class BlockSpecOutputs(OutputsModel):
    """What Peak reports about a block spec beyond its inputs."""

    status: str | None = Field(default=None, description="available, unavailable or archived.")
    release_id: str | None = Field(default=None, description="Id of the latest release.")
    artifact_id: str | None = Field(
        default=None, description="Id of the latest release's artifact, when one was uploaded."
    )
    created_at: str | None = Field(default=None, description="Creation time, ISO-8601.")
    created_by: str | None = Field(default=None, description="Who published the spec.")


# ---- wire mapping --------------------------------------------------------------------------------


def metadata_of(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": values.get("name"),
        "title": values.get("title"),
        "summary": values.get("summary"),
        "description": values.get("description"),
        "imageUrl": values.get("image_url"),
        "tags": [{"name": tag} for tag in values.get("tags") or []],
    }


def spec_document(values: Mapping[str, Any]) -> dict[str, Any]:
    """The `spec` field of the create: metadata, the first release and its config."""
    return {
        "version": 1,
        "kind": values.get("kind"),
        "metadata": metadata_of(values),
        "release": {"version": values.get("release_version"), "notes": values.get("release_notes")},
        "config": dict(values.get("config") or {}),
    }


def observe(spec: PressSpecWire) -> Observed:
    meta, release = spec.metadata, spec.latest_release
    parameters = release.parameters if release and isinstance(release.parameters, dict) else {}
    return {
        "name": meta.name,
        "kind": spec.kind,
        "summary": meta.summary,
        "title": meta.title,
        "description": meta.description,
        "image_url": meta.image_url,
        "tags": meta.tag_names(),
        "featured": spec.featured,
        "scope": spec.scope,
        "tenants": list(spec.tenants),
        "release_version": release.version if release else None,
        "release_notes": release.notes if release else None,
        "config": dict(release.config) if release and isinstance(release.config, dict) else {},
        # The platform lists both parts; unset ones read back empty.
        "parameters": {part: items for part, items in parameters.items() if items},
        "auto_run_on_deploy": release.auto_run_on_deploy if release else None,
        "status": meta.status,
        "release_id": release.id if release else None,
        "artifact_id": release.artifact.id if release and release.artifact else None,
        "created_at": meta.created_at,
        "created_by": meta.created_by,
    }


def metadata_update(values: Mapping[str, Any], current: Observed) -> dict[str, Any] | None:
    """The nested metadata update bringing the spec to the inputs, or None when nothing differs."""
    desired = {**metadata_of(values), "featured": values.get("featured"), "scope": values.get("scope")}
    live = {**metadata_of(current), "featured": current.get("featured"), "scope": current.get("scope")}
    desired["tenants"], live["tenants"] = list(values.get("tenants") or []), list(current.get("tenants") or [])
    if normalize(desired) == normalize(live):
        return None
    metadata = {k: v for k, v in desired.items() if k not in ("featured", "scope", "tenants", "name")}
    return {
        "metadata": metadata,
        "featured": desired["featured"],
        "scope": desired["scope"],
        "tenants": desired["tenants"],
    }


def zip_folder(path: str) -> bytes:
    """The folder as a zip whose bytes depend only on its files (sorted names, fixed timestamps)."""
    # Loaded here, not at import: a program or a preview never zips anything.
    import io
    import zipfile
    from pathlib import Path

    root = Path(path).expanduser()
    if not root.is_dir():
        raise ProviderError(f"artifact folder {path!r} does not exist (relative to {os.getcwd()})")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(file.relative_to(root).as_posix(), _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes())
    data = buffer.getvalue()
    if len(data) > MAX_ARTIFACT_BYTES:
        raise ProviderError(f"the artifact of {path!r} is {len(data)} bytes zipped; the platform takes at most 10 MB")
    return data


# ---- finder --------------------------------------------------------------------------------------


def find_block_spec_by_name(client: PeakPressClient, name: str) -> PressSpecWire:
    """The block spec named exactly ``name``, described (with its latest release)."""
    for item in client.iter_family_specs("block", name=name):
        if item.metadata.name == name:
            return client.get_spec("block", item.id)
    raise NotFoundError(f"no block spec named {name!r}", Operation("finding", "Peak", "BlockSpec", name))


def get_block_spec_or_none(client: PeakPressClient, spec_id: str) -> PressSpecWire | None:
    try:
        return client.get_spec("block", spec_id)
    except NotFoundError:
        return None


# ---- provider ------------------------------------------------------------------------------------


class BlockSpecProvider(PlatformProvider[BlockSpecArgs, "PeakPressClient"]):
    args_model = BlockSpecArgs
    outputs_model = BlockSpecOutputs
    platform = "Peak"
    resource_label = "BlockSpec"
    identity_fields = ("name",)

    client_class = "providers.peak.client:PeakPressClient"

    def create_remote(self, client: PeakPressClient, args: BlockSpecArgs, deadline: Deadline) -> tuple[str, Observed]:
        op = self.operation("creating", args.name)
        values = args.to_dict()
        artifact = zip_folder(args.artifact_path) if args.artifact_path else None

        def find() -> PressSpecWire | None:
            try:
                found = find_block_spec_by_name(client, args.name)
            except NotFoundError:
                return None
            return found if found.kind == args.kind else None

        def same(found: PressSpecWire) -> bool:
            current = observe(found)
            return current["release_version"] == args.release_version and metadata_update(values, current) is None

        def converge(found: PressSpecWire) -> None:
            self._converge(client, found.id, {}, args, artifact, deadline, op)

        spec_id = create_or_take_over(
            op,
            find=find,
            same=same,
            adopt=args.adopt_existing,
            ident=lambda found: found.id,
            create=lambda: client.create_spec(
                "block",
                spec_document(values),
                featured=args.featured,
                scope=args.scope,
                tenants=args.tenants or None,
                parameters=args.parameters or None,
                auto_run_on_deploy=args.auto_run_on_deploy,
                artifact=artifact,
            ),
            converge=converge,
            what="block spec",
            deadline=deadline,
        )
        return spec_id, observe(client.get_spec("block", spec_id))

    def read_remote(self, client: PeakPressClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        spec = get_block_spec_or_none(client, ident)
        return observe(spec) if spec else None

    def update_remote(
        self, client: PeakPressClient, ident: str, prior: Mapping[str, Any], args: BlockSpecArgs, deadline: Deadline
    ) -> Observed:
        op = self.operation("updating", ident)
        artifact = zip_folder(args.artifact_path) if args.artifact_path else None
        return self._converge(client, ident, prior, args, artifact, deadline, op)

    def _converge(
        self,
        client: PeakPressClient,
        ident: str,
        prior: Mapping[str, Any],
        args: BlockSpecArgs,
        artifact: bytes | None,
        deadline: Deadline,
        op: Operation,
    ) -> Observed:
        values = args.to_dict()
        spec = get_block_spec_or_none(client, ident)
        if spec is None:
            raise NotFoundError("the block spec no longer exists; run `pulumi refresh` to publish it again", op)
        current = observe(spec)
        update = metadata_update(values, current)
        if update is not None:
            # Sent again after a lost answer only if the spec does not show it yet: a repeat of an
            # applied update is refused with "No changes detected".
            def landed() -> bool | None:
                spec = get_block_spec_or_none(client, ident)
                return True if spec is not None and metadata_update(values, observe(spec)) is None else None

            def send() -> bool:
                client.update_spec_metadata("block", ident, update)
                return True

            write_once(op, send, landed, deadline)
        if current["release_version"] != args.release_version:
            self._publish(client, ident, args, artifact, deadline, op)
        else:
            changed = [
                name
                for name in (*RELEASE_FIELDS, "artifact_path")
                if name in prior and normalize(prior.get(name)) != normalize(values.get(name))
            ]
            if changed:
                raise ConflictError(
                    f"release {args.release_version} is published and cannot change ({', '.join(changed)}); "
                    "set a new release_version to publish these inputs",
                    op,
                )
        return observe(client.get_spec("block", ident))

    def _publish(
        self,
        client: PeakPressClient,
        ident: str,
        args: BlockSpecArgs,
        artifact: bytes | None,
        deadline: Deadline,
        op: Operation,
    ) -> None:
        """Publish the release once, whatever answer is lost: a release of that version is what landed."""
        document = {
            "release": {"version": args.release_version, "notes": args.release_notes},
            "config": dict(args.config),
        }

        def landed() -> str | None:
            spec = get_block_spec_or_none(client, ident)
            latest = spec.latest_release if spec else None
            return latest.version if latest and latest.version == args.release_version else None

        write_once(
            op,
            lambda: client.create_spec_release(
                "block",
                ident,
                document,
                parameters=args.parameters or None,
                auto_run_on_deploy=args.auto_run_on_deploy,
                artifact=artifact,
            ),
            landed,
            deadline,
        )

    def delete_remote(self, client: PeakPressClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        op = self.operation("deleting", ident)
        try:
            client.delete_spec("block", ident)
        except NotFoundError:
            return
        except ConflictError as in_use:
            raise ConflictError(f"{in_use.cause}; delete its deployments first", op) from None


class BlockSpec(PlatformResource[BlockSpecArgs], module="peak", name="BlockSpec"):
    """A Peak Press block spec published from a local folder, with its releases."""

    provider_type = BlockSpecProvider

    name: pulumi.Output[str]
    kind: pulumi.Output[str]
    summary: pulumi.Output[str]
    title: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    image_url: pulumi.Output[str | None]
    tags: pulumi.Output[list[str]]
    featured: pulumi.Output[bool]
    scope: pulumi.Output[str]
    tenants: pulumi.Output[list[str]]
    release_version: pulumi.Output[str]
    release_notes: pulumi.Output[str]
    config: pulumi.Output[dict[str, Any]]
    parameters: pulumi.Output[dict[str, Any]]
    auto_run_on_deploy: pulumi.Output[bool | None]
    artifact_path: pulumi.Output[str | None]
    timeout_seconds: pulumi.Output[float]
    adopt_existing: pulumi.Output[bool]
    status: pulumi.Output[str]
    release_id: pulumi.Output[str]
    artifact_id: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    created_by: pulumi.Output[str]
