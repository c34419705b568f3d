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
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ..core.errors import ConflictError, Operation, ProviderError
from ..core.fields import Field, ForceNew, WriteOnly
from ..core.inputs import normalize
from ..core.lifecycle import Known, present, write_once
from ..core.ownership import mark_label
from ..core.provider import PlatformProvider
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.step import Step
from ..generated.attributes import PeakBlockSpecAttributes
from .press_deployment import PressProvider, metadata_body

if TYPE_CHECKING:
    from pathlib import Path

    from .client import PeakPressClient
    from .models import PressSpecWire

RELEASE_FIELDS = ("config", "parameters", "auto_run_on_deploy", "release_notes", "artifact_path")
# The platform refuses artifacts over 10 MB compressed; checked while the archive is written.
MAX_ARTIFACT_BYTES = 10 * 1024 * 1024
IGNORE_FILE = ".mlpignore"
# Left out of every archive: version control folders, dotenv files (secrets), and the ignore file.
ALWAYS_IGNORED = (".git/", ".hg/", ".svn/", ".env", ".env.*", IGNORE_FILE)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class BlockSpecArgs(ResourceArgs, timeout=300, adoptable="a block spec of this kind and name"):
    """Inputs of a Peak Press block spec."""

    name: Annotated[str, ForceNew()] = Field(
        description="Spec name, unique per kind in the tenant: lowercase letters, digits and hyphens, "
        "starting with a letter, at most 64 characters. Changing it replaces the spec.",
        pattern=r"^[a-z][a-z0-9-]{0,63}$",
    )
    kind: Annotated[Literal["workflow", "service"], ForceNew()] = Field(
        default="workflow", description="`workflow` or `service`. Changing it replaces the spec."
    )
    summary: str = Field(description="One-line summary. Changed in place.", min_length=1)
    title: str | None = Field(default=None, description="Display title. Changed in place.")
    description: str | None = Field(default=None, description="Markdown description. Changed in place.")
    image_url: str | None = Field(default=None, description="URL of the spec's image. Changed in place.")
    tags: list[str] = Field(default_factory=list, description="Tag names. Changed in place.")
    featured: bool = Field(default=False, description="Feature the spec in the tenant. Changed in place.")
    scope: Literal["private", "public", "shared"] = Field(
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
        "directory); its content is read when a release is published. Left out: `.git`, `.hg` and `.svn` "
        f"folders, `.env` and `.env.*` files, and what the folder's `{IGNORE_FILE}` lists (one glob a line, "
        "gitignore-style: `/` anchors to the folder, a trailing `/` means folders only, `#` comments); links "
        "leaving the folder are refused; at most 10 MB zipped.",
    )

    def cross_field_problems(self) -> list[tuple[str, str]]:
        problems = []
        if unknown := set(self.parameters) - {"build", "run"}:
            problems.append(("parameters", f"only build and run are allowed (got {', '.join(sorted(unknown))})"))
        if self.tenants and self.scope != "shared":
            problems.append(("tenants", "tenants apply only to a `shared` scope"))
        if self.artifact_path is not None and not os.path.isdir(os.path.expanduser(self.artifact_path)):
            problems.append(("artifact_path", f"no folder at this path (relative to {os.getcwd()})"))
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

RELEASE_WIRE_FIELDS = {
    **{field: field for field in ("config", "parameters", "auto_run_on_deploy")},
    "artifact_id": "artifact.id",
}


def spec_document(values: Known, owner: str | None = None) -> dict[str, Any]:
    """The `spec` field of the create: metadata (marked with `owner`), the first release and its config."""
    return {
        "version": 1,
        "kind": values.get("kind"),
        "metadata": metadata_body(values, [mark_label(owner)] if owner else []),
        "release": {"version": values.get("release_version"), "notes": values.get("release_notes")},
        "config": dict(values.get("config") or {}),
    }


def metadata_update(values: Known, current: Known, marks: list[str] | tuple[str, ...] = ()) -> dict[str, Any] | None:
    """The nested metadata update bringing the spec to the inputs, or None when nothing differs;
    ``current`` carries the live tags marks included, ``marks`` the ones the tags must keep."""

    def body(v: Known, marks: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
        metadata = {key: value for key, value in metadata_body(v, marks).items() if key != "name"}
        flags = {"featured": v.get("featured"), "scope": v.get("scope"), "tenants": list(v.get("tenants") or [])}
        return {"metadata": metadata, **flags}

    desired = body(values, marks)
    return None if normalize(desired) == normalize(body(current)) else desired


def zip_folder(path: str, operation: Operation | None = None) -> bytes:
    """The folder as a zip whose bytes depend only on its files (sorted names, fixed timestamps), without
    what is ignored (see `artifact_path`); fails as soon as the archive passes the platform's 10 MB."""
    # Loaded here, not at import: a program or a preview never zips anything.
    import io
    import zipfile
    from fnmatch import fnmatchcase
    from pathlib import Path

    def fail(cause: str) -> ProviderError:
        return ProviderError(f"artifact_path: {cause}", operation)

    root = Path(path).expanduser()
    if not root.is_dir():
        raise fail(f"no folder at {path!r} (relative to {os.getcwd()})")
    listed = (root / IGNORE_FILE).read_text().splitlines() if (root / IGNORE_FILE).is_file() else []
    rules = [*ALWAYS_IGNORED, *(line.strip() for line in listed if line.strip() and not line.startswith("#"))]

    def ignored(name: str, is_dir: bool) -> bool:
        return any(
            fnmatchcase(name if "/" in rule.rstrip("/") else name.rsplit("/", 1)[-1], rule.strip("/"))
            for rule in rules
            if is_dir or not rule.endswith("/")
        )

    def files(folder: Path, relative: str, chain: tuple[Path, ...]) -> Iterator[tuple[str, Path]]:
        for entry in sorted(folder.iterdir()):
            name, real = relative + entry.name, entry.resolve()
            if ignored(name, entry.is_dir()):
                continue
            if entry.is_symlink() and (real in chain or (real != chain[0] and chain[0] not in real.parents)):
                why = "loops back to a folder that holds it" if real in chain else "points outside the folder"
                raise fail(f"the link {name} {why} ({real})")
            if entry.is_dir():
                yield from files(entry, f"{name}/", (*chain, real))
            elif entry.is_file():
                yield name, entry

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, file in files(root, "", (root.resolve(),)):
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            # The size up front, so a big file gets zip64 headers.
            info.compress_type, info.file_size = zipfile.ZIP_DEFLATED, file.stat().st_size
            with file.open("rb") as source, archive.open(info, "w") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
                    if buffer.tell() > MAX_ARTIFACT_BYTES:
                        raise fail(f"the folder {path!r} zips to more than 10 MB, the platform's limit")
    return buffer.getvalue()


# ---- provider ------------------------------------------------------------------------------------


class BlockSpecProvider(PressProvider, PlatformProvider[BlockSpecArgs, "PeakPressClient", "PressSpecWire"]):
    outputs_model = BlockSpecOutputs
    in_use = "delete its deployments first"
    # What a spec describe documents (reference §7a: a list item's fields, `scope`, `tenants`), by field, and
    # what the release describe documents of the release inputs and its artifact (§7b).
    wire_fields = {
        **{field: f"metadata.{field}" for field in ("name", "summary", "title", "description", "image_url", "tags")},
        **{field: field for field in ("kind", "featured", "scope", "tenants")},
        **{field: f"metadata.{field}" for field in ("status", "created_at", "created_by")},
        **{f"release_{field}": f"latest_release.{field}" for field in ("version", "notes", "id")},
    }

    def fetch(self, step: Step[PeakPressClient], ident: str, known: Known) -> PressSpecWire:
        return step.client.get_spec("block", ident)

    def find(self, step: Step[PeakPressClient], args: BlockSpecArgs) -> PressSpecWire | None:
        # The name filter is a prefix match; a spec of the other kind is not this one.
        for item in step.client.iter_family_specs("block", name=args.name):
            if item.metadata.name == args.name:
                found = step.client.get_spec("block", item.id)
                return found if found.kind == args.kind else None
        return None

    def observe(self, step: Step[PeakPressClient], ident: str, obj: PressSpecWire, known: Known) -> dict[str, Any]:
        if obj.latest_release is None:
            return self.seen(obj)
        release = present(step.client.get_spec_release("block", ident, obj.latest_release.version), RELEASE_WIRE_FIELDS)
        if isinstance(release.get("parameters"), dict):
            # The platform lists both parts; unset ones read back empty.
            release["parameters"] = {part: items for part, items in release["parameters"].items() if items}
        return {**self.seen(obj), **release}

    def release_parts(self, step: Step[PeakPressClient], args: BlockSpecArgs) -> dict[str, Any]:
        """What a release carries beside its document: parameters, autoRunOnDeploy, the folder's archive."""
        parts = {"parameters": args.parameters or None, "auto_run_on_deploy": args.auto_run_on_deploy}
        return {**parts, "artifact": zip_folder(args.artifact_path, step.operation) if args.artifact_path else None}

    def send_create(self, step: Step[PeakPressClient], args: BlockSpecArgs) -> str:
        document, parts = spec_document(args.to_dict(), step.owner), self.release_parts(step, args)
        return step.client.create_spec(
            "block", document, featured=args.featured, scope=args.scope, tenants=args.tenants, **parts
        )

    def send_delete(self, step: Step[PeakPressClient], ident: str, known: Known) -> None:
        step.client.delete_spec("block", ident)

    def converge(
        self, step: Step[PeakPressClient], ident: str, current: PressSpecWire, args: BlockSpecArgs, prior: Known
    ) -> PressSpecWire | None:
        """The metadata update, and a release when `release_version` is new; each sent once in effect
        (after a lost answer, sent again only if the spec does not show it: a repeated metadata update
        is refused with "No changes detected", a repeated release as existing)."""
        values = args.to_dict()
        seen, marks = self.as_is(step, current, prior)
        publish = seen.get("release_version") != args.release_version
        changed = [n for n in RELEASE_FIELDS if n in prior and normalize(prior[n]) != normalize(values.get(n))]
        if changed and not publish:
            why = f"release {args.release_version} is published and cannot change ({', '.join(changed)})"
            raise ConflictError(f"{why}; set a new release_version to publish these inputs", step.operation)
        update = metadata_update(values, seen, marks)
        if update is not None:

            def send_update() -> bool:
                step.client.update_spec_metadata("block", ident, update)
                return True

            def shown() -> bool | None:
                live = self.as_is(step, self.fetch(step, ident, {}), seen)[0]
                return None if metadata_update(values, live, marks) else True

            write_once(step.operation, send_update, shown, step.deadline)
        if publish:
            release_document = {"version": args.release_version, "notes": args.release_notes}
            document = {"release": release_document, "config": args.config}
            parts = self.release_parts(step, args)
            release = partial(step.client.create_spec_release, "block", ident, document, **parts)

            def released() -> str | None:
                latest = self.fetch(step, ident, {}).latest_release
                return latest.version if latest and latest.version == args.release_version else None

            write_once(step.operation, release, released, step.deadline)
        return None if update or publish else current


class BlockSpec(PeakBlockSpecAttributes, PlatformResource[BlockSpecArgs], module="peak", name="BlockSpec"):
    """A Peak Press block spec published from a local folder, with its releases."""

    provider_type = BlockSpecProvider
