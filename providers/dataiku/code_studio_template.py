"""Dataiku DSS code studio template: the image definition code studios run, built by DSS.

Administrators' keys only. Create registers the template and builds its image, following DSS's
build task to the end within the deadline; a change of its settings saves them (DSS takes the
whole object) and builds again. A template still used by a code studio cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import pulumi

from ..core.errors import ConflictError, FailedStateError, NotFoundError, Operation
from ..core.fields import Field, ForceNew, WriteOnly
from ..core.inputs import normalize
from ..core.lifecycle import create_or_take_over
from ..core.provider import Observed
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.waiter import Deadline, progress
from .base import PLATFORM, DataikuProvider
from .code_studio import iso_millis, wait_future_result

if TYPE_CHECKING:
    from .client import DataikuClient
    from .models import TemplateItem, TemplateSettings

RESOURCE = "CodeStudioTemplate"


class CodeStudioTemplateArgs(ResourceArgs):
    """Inputs of a Dataiku DSS code studio template."""

    label: Annotated[str, ForceNew()] = Field(
        description="Label of the template, kept unique by this provider (it finds the template by it). "
        "Changing it replaces the template.",
        min_length=1,
        max_length=200,
    )
    template_type: Annotated[str, ForceNew()] = Field(
        default="block_based",
        min_length=1,
        description="`block_based`, `manual`, or a plugin's template type. Changing it replaces the template.",
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="The template's settings (`params` in DSS: blocks, exposed ports...). A change saves "
        "them and rebuilds the image.",
    )
    all_container_confs: bool = Field(
        default=False, description="Build one image per container configuration. A change rebuilds."
    )
    container_confs: list[str] = Field(
        default_factory=list,
        description="Container configurations to build an image for, when not all. A change rebuilds.",
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=1800.0,
        gt=0,
        le=86400,
        description="How long create and update wait for DSS's image build to finish, in seconds.",
    )
    adopt_existing: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="When a template with this label exists with another type, take it over anyway instead "
        "of failing (one of the same type is always taken over and brought to these settings).",
    )


class CodeStudioTemplateOutputs(OutputsModel):
    """What DSS reports about a template beyond its inputs."""

    template_id: str | None = Field(default=None, description="The id DSS gave the template.")
    last_built: str | None = Field(default=None, description="When its image was last built, ISO-8601 UTC.")
    built_for: list[str] = Field(
        default_factory=list, description="Container configurations DSS builds the template for."
    )


def _desired(args: CodeStudioTemplateArgs, settings: TemplateSettings) -> TemplateSettings:
    """The settings to save: what DSS holds, with our inputs on top (unknown fields kept)."""
    return settings.model_copy(
        update={
            # The engine hands every number over as a float; DSS expects 8080, not 8080.0.
            "params": normalize(args.params),
            "all_container_confs": args.all_container_confs,
            "container_confs": list(args.container_confs),
        }
    )


def _differs(args: CodeStudioTemplateArgs, settings: TemplateSettings) -> bool:
    return (
        normalize(settings.params) != normalize(args.params)
        or settings.all_container_confs != args.all_container_confs
        or settings.container_confs != list(args.container_confs)
    )


def find_template_by_label(client: DataikuClient, label: str) -> TemplateItem:
    op = Operation("finding", PLATFORM, RESOURCE, label)
    found = [item for item in client.iter_code_studio_templates() if item.label == label]
    if not found:
        raise NotFoundError(f"no template labelled {label!r}", op)
    if len(found) > 1:
        raise ConflictError(f"{len(found)} templates are labelled {label!r}; delete all but one", op)
    return found[0]


def find_template(client: DataikuClient, template_id: str) -> TemplateItem:
    for item in client.iter_code_studio_templates():
        if item.id == template_id:
            return item
    raise NotFoundError("no such template", Operation("finding", PLATFORM, RESOURCE, template_id))


def build_template(client: DataikuClient, template_id: str, deadline: Deadline, operation: Operation) -> None:
    progress(f"{operation.describe()}: building the image")
    future = client.create_code_studio_template_build(template_id)
    wait_future_result(client, future, deadline, operation.with_action("building"))


class CodeStudioTemplateProvider(DataikuProvider[CodeStudioTemplateArgs]):
    args_model = CodeStudioTemplateArgs
    outputs_model = CodeStudioTemplateOutputs
    resource_label = RESOURCE
    # Templates are found (and taken over) by label: a replacement keeping it deletes first.
    identity_fields = ("label",)

    def create_remote(
        self, client: DataikuClient, args: CodeStudioTemplateArgs, deadline: Deadline
    ) -> tuple[str, Observed]:
        op = self.operation("creating", args.label)
        created: list[str] = []

        def find() -> TemplateItem | None:
            try:
                return find_template_by_label(client, args.label)
            except NotFoundError:
                return None

        def create() -> str:
            template_id = client.create_code_studio_template(args.label, args.template_type)
            created.append(template_id)
            return template_id

        template_id = create_or_take_over(
            op,
            find=find,
            same=lambda item: client.get_code_studio_template(item.id).type == args.template_type,
            adopt=args.adopt_existing,
            ident=lambda item: item.id,
            create=create,
            what="code studio template",
            deadline=deadline,
        )
        op = self.operation("creating", template_id)
        try:
            self._converge(client, template_id, args, deadline, op)
        except FailedStateError:
            if template_id in created:
                progress(f"{op.describe()}: the build failed; deleting the new template")
                client.delete_code_studio_template(template_id)
            raise
        return template_id, self._observe(client, template_id)

    def read_remote(self, client: DataikuClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        try:
            return self._observe(client, ident)
        except NotFoundError:
            return None

    def update_remote(
        self,
        client: DataikuClient,
        ident: str,
        prior: Mapping[str, Any],
        args: CodeStudioTemplateArgs,
        deadline: Deadline,
    ) -> Observed:
        op = self.operation("updating", ident)
        self._converge(client, ident, args, deadline, op)
        return self._observe(client, ident)

    def delete_remote(self, client: DataikuClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        op = self.operation("deleting", ident)
        try:
            client.delete_code_studio_template(ident)
        except NotFoundError:
            return
        except ConflictError as in_use:
            # Not a busy state that clears by itself: code studios outside this stack still use it.
            raise ConflictError(f"{in_use.cause}; delete or move those code studios first", op) from None

    def _converge(
        self, client: DataikuClient, template_id: str, args: CodeStudioTemplateArgs, deadline: Deadline, op: Operation
    ) -> None:
        """Save the settings when they differ from the inputs, and build when they changed or never were."""
        settings = client.get_code_studio_template(template_id)
        changed = _differs(args, settings)
        if changed:
            client.update_code_studio_template(template_id, _desired(args, settings))
        if changed or not find_template(client, template_id).last_built:
            build_template(client, template_id, deadline, op)

    def _observe(self, client: DataikuClient, template_id: str) -> Observed:
        item = find_template(client, template_id)
        settings = client.get_code_studio_template(template_id)
        return {
            "label": settings.label or item.label,
            "template_type": settings.type,
            "params": dict(settings.params),
            "all_container_confs": settings.all_container_confs,
            "container_confs": list(settings.container_confs),
            "template_id": item.id,
            "last_built": iso_millis(item.last_built),
            "built_for": list(item.build_for),
        }


class CodeStudioTemplate(PlatformResource[CodeStudioTemplateArgs], module="dataiku", name="CodeStudioTemplate"):
    """A Dataiku DSS code studio template, built before anything uses it."""

    provider_type = CodeStudioTemplateProvider

    label: pulumi.Output[str]
    template_type: pulumi.Output[str]
    params: pulumi.Output[dict[str, Any]]
    all_container_confs: pulumi.Output[bool]
    container_confs: pulumi.Output[list[str]]
    timeout_seconds: pulumi.Output[float]
    adopt_existing: pulumi.Output[bool]
    template_id: pulumi.Output[str]
    last_built: pulumi.Output[str | None]
    built_for: pulumi.Output[list[str]]
