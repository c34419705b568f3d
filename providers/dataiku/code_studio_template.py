"""Dataiku DSS code studio template: the image definition code studios run, built by DSS.

Administrators' keys only. Create registers the template, saves its settings and builds its image,
following DSS's build task to the end within the deadline; a change of its settings saves them (DSS
takes the whole object) and builds again. A template still used by a code studio cannot be deleted.
Destroy deletes the template only: the runtimes of the code studios built from it (anyone's) and its
images stay unless ``delete_runtimes_on_destroy`` says otherwise. DSS keeps no mark of which stack made
a template: one found with this label is left alone unless adopted, and a create that fails or times
out deletes the template it made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from ..core.errors import ConflictError, NotFoundError
from ..core.fields import Field, ForceNew, WriteOnly
from ..core.inputs import normalize
from ..core.lifecycle import Known, present
from ..core.provider import Observed
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.step import Step
from ..generated.attributes import DataikuCodeStudioTemplateAttributes
from .base import DataikuProvider, follow, iso_millis

if TYPE_CHECKING:
    from .client import DataikuClient
    from .models import TemplateWire


class CodeStudioTemplateArgs(ResourceArgs, timeout=1800, waits_for="its build", adoptable="a template of this label"):
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
    delete_runtimes_on_destroy: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="Whether deleting the template (destroy, or a replacement) also has DSS delete the "
        "runtimes of every code studio built from it, other users' and other stacks' included, and the "
        "template's images (DSS's `deleteRuntime` and `deleteImages`). False: DSS keeps them, as its own "
        "client does by default. A destroy reads the value the stack recorded: set it and run `pulumi up` first.",
    )


class CodeStudioTemplateOutputs(OutputsModel):
    """What DSS reports about a template beyond its inputs."""

    template_id: str | None = Field(default=None, description="The id DSS gave the template.")
    last_built: str | None = Field(default=None, description="When its image was last built, ISO-8601 UTC.")
    built_for: list[str] = Field(
        default_factory=list, description="Container configurations DSS builds the template for."
    )


SETTINGS = ("params", "all_container_confs", "container_confs")


class CodeStudioTemplateProvider(DataikuProvider[CodeStudioTemplateArgs, "TemplateWire"]):
    outputs_model = CodeStudioTemplateOutputs
    # Found by label: a replacement keeping it deletes first.
    identity_fields = ("label",)
    # What DSS documents of a template's list item (§6b) and settings (§6c), by field.
    wire_fields = {
        "label": "item.label",
        "template_id": "item.id",
        "built_for": "item.build_for",
        "template_type": "settings.type",
        **{name: f"settings.{name}" for name in SETTINGS},
    }
    ident_attributes = ("item.id",)
    in_use = "code studios (maybe other users' or other stacks') still use it: delete them or move them first"
    # No `mark_place`: DSS documents no template setting where a mark could live beside the user's own
    # (§6c: `type`, `params`, `allContainerConfs`, `containerConfs`).

    def fetch(self, step: Step[DataikuClient], ident: str, known: Known) -> TemplateWire:
        from .models import TemplateWire

        settings = step.client.get_code_studio_template(ident)
        for item in step.client.iter_code_studio_templates():
            if item.id == ident:
                return TemplateWire(item=item, settings=settings)
        raise NotFoundError("DSS no longer lists the template", step.operation)

    def find(self, step: Step[DataikuClient], args: CodeStudioTemplateArgs) -> TemplateWire | None:
        found = [item for item in step.client.iter_code_studio_templates() if item.label == args.label]
        if len(found) > 1:
            twins = f"{len(found)} templates are labelled {args.label!r}"
            raise ConflictError(f"{twins}; delete all but one", step.operation)
        return self.fetch(step, found[0].id, {}) if found else None

    def send_create(self, step: Step[DataikuClient], args: CodeStudioTemplateArgs) -> str:
        return step.client.create_code_studio_template(args.label, args.template_type)

    def send_delete(self, step: Step[DataikuClient], ident: str, known: Known) -> None:
        step.client.delete_code_studio_template(ident, delete_runtimes=bool(known.get("delete_runtimes_on_destroy")))

    def observe(self, step: Step[DataikuClient], ident: str, obj: TemplateWire, known: Known) -> Observed:
        return {**present(obj, self.wire_fields), "last_built": iso_millis(obj.item.last_built)}

    def converge(
        self, step: Step[DataikuClient], ident: str, current: TemplateWire, args: CodeStudioTemplateArgs, prior: Known
    ) -> TemplateWire:
        """Save differing settings (whole: what DSS holds, the inputs on top); build if changed or never built."""
        known = args.to_dict()
        # A setting the answer lacks stands at what the stack recorded (nothing, for a new template).
        held = {**prior, **present(current, self.wire_fields)}
        # The engine hands every number over as a float; DSS expects 8080, not 8080.0.
        desired = {name: normalize(known[name]) for name in SETTINGS}
        changed = any(normalize(held.get(name)) != value for name, value in desired.items())
        if changed:
            step.client.update_code_studio_template(ident, current.settings.model_copy(update=desired))
        if changed or not current.item.last_built:
            step.say("building the image")
            follow(step.doing("building"), step.client.create_code_studio_template_build(ident))
        return self.fetch(step, ident, known)


class CodeStudioTemplate(
    DataikuCodeStudioTemplateAttributes,
    PlatformResource[CodeStudioTemplateArgs],
    module="dataiku",
    name="CodeStudioTemplate",
):
    """A Dataiku DSS code studio template, built before anything uses it."""

    provider_type = CodeStudioTemplateProvider
