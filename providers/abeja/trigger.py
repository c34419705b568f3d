"""ABEJA Platform Trigger: runs a deployment's code version for every file that lands in a datalake channel.

ABEJA cannot change a trigger: every input it receives replaces it (with a new trigger id), deleting the
old one first, since two live triggers on one channel would start every run twice (the price: a file
landing meanwhile starts none). `create_before_delete=True` takes the other order (Pulumi's
`delete_before_replace` option can only force delete-first, so the choice is an input).

ABEJA keeps no tags; the one free place its answers echo is the environment, so a new trigger carries
the owner mark as the variable `PULUMI_ML_PLATFORMS_OWNER` (reserved in `environment`, never shown in
`environment` or `user_env_vars`; runs see it). A create takes over a trigger with exactly these
settings carrying this resource's mark (its interrupted run's); with `adopt_existing=True` also one
without a mark; one marked by another stack or resource never. Settings are judged by what get and
list document, so never by `distribution`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pulumi
import pulumi.dynamic as dyn

from ..core.errors import ConfigError, NotFoundError
from ..core.fields import Field, ForceNew, ServerDefault, WriteOnly
from ..core.lifecycle import Known, create_or_take_over, present
from ..core.provider import Observed, PlatformProvider
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.step import Step
from ..generated.attributes import AbejaTriggerAttributes

if TYPE_CHECKING:
    # Wire models and the HTTP client load only where requests are sent.
    from .client import AbejaClient
    from .models import TriggerWire

ENV_NAME_PATTERN = r"^[a-zA-Z_][a-zA-Z0-9_]*$"
# The environment variable that carries the owner mark of the resource that created the trigger.
OWNER_ENV = "PULUMI_ML_PLATFORMS_OWNER"
# Set by the platform inside every run; a user value would be overridden or break the run.
RESERVED_ENV_NAMES = frozenset(
    {
        "PLATFORM_AUTH_TOKEN",
        "ABEJA_API_URL",
        "ABEJA_ORGANIZATION_ID",
        "HANDLER",
        "SERVICE_TYPE",
        "DATASETS",
        "ABEJA_STORAGE_DIR_PATH",
    }
)
RESERVED_ENV_PREFIXES = ("TRAINING_JOB_",)
ID_PATTERN = r"^[0-9A-Za-z_-]+$"


class TriggerArgs(
    ResourceArgs,
    timeout=300,
    waits_for="the platform to answer",
    adoptable="an unmarked trigger with exactly these settings (documented ones: all but `distribution`)",
):
    """Inputs of an ABEJA Platform Trigger. Every input the platform receives replaces the trigger."""

    organization_id: Annotated[str | None, ForceNew(), ServerDefault()] = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Organization id; when unset, the stack's `abeja:organizationId` (or `ABEJA_ORGANIZATION_ID`).",
    )
    deployment_id: Annotated[str, ForceNew()] = Field(
        pattern=ID_PATTERN, description="Id of the deployment whose code the trigger runs."
    )
    model_version_id: Annotated[str, ForceNew()] = Field(
        pattern=r"^ver-[0-9A-Za-z]+$",
        description="Id (`ver-…`) of the deployment's code version each run uses (sent as `version_id`).",
    )
    input_service_name: Annotated[Literal["datalake"], ForceNew()] = Field(
        default="datalake", description="Event source of the trigger; only `datalake` exists."
    )
    input_service_id: Annotated[str, ForceNew()] = Field(
        pattern=ID_PATTERN, description="Datalake channel id: every file that lands in it starts a run."
    )
    model_id: Annotated[str | None, ForceNew()] = Field(
        default=None, pattern=ID_PATTERN, description="Training model id loaded into each run (sent as `models.alias`)."
    )
    output_service_name: Annotated[Literal["datalake"] | None, ForceNew()] = Field(
        default=None, description="Where runs write results: `datalake`; set together with `output_service_id`."
    )
    output_service_id: Annotated[str | None, ForceNew()] = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Datalake channel id runs write results to; set together with `output_service_name`.",
    )
    distribution: Annotated[int | None, ForceNew(), WriteOnly()] = Field(
        default=None,
        ge=0,
        description="Queue key: runs whose key has the same remainder share a queue; round-robin when unset. "
        "ABEJA does not document it in get and list answers, so it is never read back or compared.",
    )
    retry_count: Annotated[int, ForceNew()] = Field(
        default=5, ge=0, le=9, description="How many times a failed run is retried, 0 to 9."
    )
    environment: Annotated[dict[str, str], ForceNew()] = Field(
        default_factory=dict,
        description="Environment variables of each run. Values passed as Pulumi secrets (or the whole map "
        "as one) stay secret in state; names must not be ones the platform sets itself, nor "
        f"`{OWNER_ENV}` (the provider's owner mark).",
    )
    create_before_delete: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="On replacement, create the new trigger before deleting the old one (no gap, but both "
        "fire for a moment) instead of the default delete-first order (no duplicate runs).",
    )

    def cross_field_problems(self) -> list[tuple[str, str]]:
        problems = []
        if self.output_service_name is not None and self.output_service_id is None:
            problems.append(("output_service_id", "is required when output_service_name is set"))
        if self.output_service_id is not None and self.output_service_name is None:
            problems.append(("output_service_name", "is required when output_service_id is set"))
        for name in self.environment or {}:
            if not re.fullmatch(ENV_NAME_PATTERN, name):
                problems.append((f"environment.{name}", f"name must match {ENV_NAME_PATTERN}"))
            elif name in RESERVED_ENV_NAMES or name.startswith(RESERVED_ENV_PREFIXES):
                problems.append((f"environment.{name}", "name is reserved: the platform sets it in every run"))
            elif name == OWNER_ENV:
                problems.append((f"environment.{name}", "name is reserved: the provider keeps its owner mark there"))
        return problems


class TriggerOutputs(OutputsModel):
    """What the platform reports about a trigger beyond its inputs."""

    trigger_id: str | None = Field(default=None, description="Trigger id (`tri-…`); a replacement gets a new one.")
    model_version: str | None = Field(default=None, description="Name of the code version, e.g. `0.0.3`.")
    created_at: str | None = Field(default=None, description="Creation time, ISO-8601 UTC.")
    modified_at: str | None = Field(default=None, description="Last modification time, ISO-8601 UTC.")
    user_env_vars: dict[str, str] | None = Field(
        default=None,
        description="The environment as the platform returns it; secret whenever the environment may hold secrets.",
    )


# ---- wire mapping --------------------------------------------------------------------------------

# What a trigger does, as far as get and list answers tell (reference §2c; not `distribution`): a twin
# has all of these equal.
SETTINGS: tuple[str, ...] = (
    "model_version_id",
    "input_service_name",
    "input_service_id",
    "model_id",
    "output_service_name",
    "output_service_id",
    "retry_count",
    "environment",
)
# Every field the trigger object documents; `environment` and `user_env_vars` are read in `observe` (the
# owner mark taken out).
SAME_NAMED = ("organization_id", "deployment_id", "trigger_id", "model_version", "created_at", "modified_at")
WIRE_FIELDS = {name: name for name in (*SAME_NAMED, *SETTINGS[:-1])} | {"model_id": "models.alias"}


def mark_value(owner: str, args: TriggerArgs) -> str:
    """The owner mark as the trigger carries it, with what the answers never tell (`distribution`), so
    a create-before-delete replacement that changes only that never takes the old trigger for its own."""
    return owner if args.distribution is None else f"{owner}/distribution={args.distribution}"


def trigger_body(args: TriggerArgs, owner: str | None) -> dict[str, Any]:
    """The create body, keys in the SDK's order; `environment` always sent (as the SDK does), marked."""
    environment = {**args.environment, **({OWNER_ENV: mark_value(owner, args)} if owner else {})}
    body: dict[str, Any] = {
        "version_id": args.model_version_id,
        "input_service_name": args.input_service_name,
        "input_service_id": args.input_service_id,
        "environment": environment or None,
    }
    if args.model_id:
        body["models"] = {"alias": args.model_id}
    if args.output_service_name and args.output_service_id:
        body["output_service_name"] = args.output_service_name
        body["output_service_id"] = args.output_service_id
    body["retry_count"] = args.retry_count
    if args.distribution is not None:
        body["distribution"] = args.distribution
    return body


def user_environment(trigger: TriggerWire) -> dict[str, str]:
    return {k: v for k, v in (trigger.user_env_vars or {}).items() if k != OWNER_ENV}


def same_settings(trigger: TriggerWire, args: TriggerArgs) -> bool:
    """Whether the trigger does what these inputs ask, judged by what the answers document."""
    seen = {**present(trigger, WIRE_FIELDS), "environment": user_environment(trigger)}
    return all(seen.get(name) == getattr(args, name) for name in SETTINGS)


def missing_references(client: AbejaClient, organization_id: str, args: TriggerArgs) -> list[str]:
    """What the trigger points at that the platform does not have, named by input field."""
    missing = []
    try:
        client.get_deployment_version(organization_id, args.deployment_id, args.model_version_id)
    except NotFoundError:
        missing.append(f"model_version_id: version {args.model_version_id} is not in deployment {args.deployment_id}")
    for field in ("input_service_id", "output_service_id"):
        try:
            if getattr(args, field):
                client.get_channel(organization_id, getattr(args, field))
        except NotFoundError:
            missing.append(f"{field}: channel {getattr(args, field)} does not exist in organization {organization_id}")
    return missing


# ---- provider ------------------------------------------------------------------------------------


class TriggerProvider(PlatformProvider[TriggerArgs, "AbejaClient", "TriggerWire"]):
    outputs_model = TriggerOutputs
    platform = "ABEJA"
    client_class = "providers.abeja.client:AbejaClient"
    mark_place = f"the environment variable `{OWNER_ENV}`, which every run of the trigger also sees"
    wire_fields = WIRE_FIELDS
    ident_attributes = ("trigger_id",)
    immutable = True

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        result = super().diff(_id, olds, news)
        if result.replaces:
            # Delete first unless asked otherwise: two live triggers on one channel duplicate runs.
            result.delete_before_replace = news.get("create_before_delete") is not True
        return result

    def label_of(self, args: TriggerArgs) -> str:
        return f"deployment {args.deployment_id}"

    def organization(self, step: Step[AbejaClient], values: Known) -> str:
        chosen = values.get("organization_id") or step.client.organization_id
        if not chosen:
            raise ConfigError(
                "organization_id is not set and the stack has no abeja:organizationId (nor ABEJA_ORGANIZATION_ID)",
                step.operation,
            )
        return str(chosen)

    def fetch(self, step: Step[AbejaClient], ident: str, known: Known) -> TriggerWire:
        return step.client.get_trigger(self.organization(step, known), str(known.get("deployment_id")), ident)

    def owner_of(self, obj: TriggerWire) -> str | None:
        mark = (obj.user_env_vars or {}).get(OWNER_ENV)
        return mark.split("/")[0] if mark else None

    def prepare_delete(self, step: Step[AbejaClient], ident: str, known: Known) -> bool:
        return True  # no status to settle, and a DELETE of a trigger already gone answers 404: no read first

    def send_delete(self, step: Step[AbejaClient], ident: str, known: Known) -> None:
        step.client.delete_trigger(self.organization(step, known), str(known.get("deployment_id")), ident)

    def observe(self, step: Step[AbejaClient], ident: str, obj: TriggerWire, known: Known) -> Observed:
        seen = present(obj, self.wire_fields)
        if "user_env_vars" in obj.model_fields_set:
            seen["environment"] = seen["user_env_vars"] = user_environment(obj)
        seen.setdefault("organization_id", self.organization(step, known))
        return seen

    def create_remote(self, step: Step[AbejaClient], args: TriggerArgs) -> tuple[str, Observed]:
        """Check what the trigger points at; take over this resource's own leftover (or, with adopt_existing,
        an unmarked twin), never one marked by another resource; else create one."""
        organization_id = self.organization(step, args.to_dict())
        try:
            listings = [list(step.client.iter_triggers(organization_id, args.deployment_id))]
        except NotFoundError:
            raise NotFoundError(
                f"deployment_id: deployment {args.deployment_id} does not exist in organization {organization_id}",
                step.operation,
            ) from None
        if missing := missing_references(step.client, organization_id, args):
            raise NotFoundError("; ".join(missing), step.operation)
        seen: dict[str, TriggerWire] = {}
        own = mark_value(step.owner, args) if step.owner else None

        def ours(trigger: TriggerWire) -> bool:
            return own is not None and (trigger.user_env_vars or {}).get(OWNER_ENV) == own

        def find() -> TriggerWire | None:
            # The first look reuses the listing made above; later looks (after a lost answer) list again.
            triggers = listings.pop() if listings else step.client.iter_triggers(organization_id, args.deployment_id)
            candidates = [t for t in triggers if same_settings(t, args) and (ours(t) or self.owner_of(t) is None)]
            # This resource's own first; then an unmarked one, which only adopt_existing takes over.
            candidates.sort(key=lambda t: not ours(t))
            seen.update((t.trigger_id, t) for t in candidates[:1])
            return candidates[0] if candidates else None

        def create() -> str:
            trigger = step.client.create_trigger(organization_id, args.deployment_id, trigger_body(args, step.owner))
            seen[trigger.trigger_id] = trigger
            return trigger.trigger_id

        trigger_id = create_or_take_over(
            step.operation,
            find=find,
            same=ours,
            adopt=bool(getattr(args, "adopt_existing", False)),
            ident=self.ident_of,
            create=create,
            what=self.what,
            hint=" (it has exactly these settings and no owner mark)",
            deadline=step.deadline,
        )
        known = args.to_dict()
        trigger = seen.get(trigger_id) or self.fetch(step, trigger_id, known)
        return trigger_id, self.observe(step, trigger_id, trigger, known)


class Trigger(AbejaTriggerAttributes, PlatformResource[TriggerArgs], module="abeja", name="Trigger"):
    """An ABEJA Platform trigger: each file landing in a datalake channel starts a run of a deployment."""

    provider_type = TriggerProvider

    def __init__(
        self,
        resource_name: str,
        args: TriggerArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **inputs: Any,
    ) -> None:
        args = args or TriggerArgs(**inputs)
        if environment_may_hold_secrets(args.to_props().get("environment"), opts):
            # The platform echoes the values back as `user_env_vars`, a key of its own that Pulumi
            # would not mark secret from the input; the provider never sees which values were secret.
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=["environment", "user_env_vars"])
            )
        super().__init__(resource_name, args, opts)


def environment_may_hold_secrets(environment: Any, opts: pulumi.ResourceOptions | None) -> bool:
    """True unless the environment is plain text the program wrote: any Output might be a secret."""
    marked = opts is not None and "environment" in (opts.additional_secret_outputs or [])
    if marked or isinstance(environment, pulumi.Output):
        return True
    return isinstance(environment, Mapping) and any(isinstance(v, pulumi.Output) for v in environment.values())
