"""ABEJA Platform Trigger: runs a deployment's code version for every file that lands in a datalake channel.

The platform has no update call, so every input that reaches the API replaces the trigger (with a
new trigger id). Replacement order: the old trigger is deleted before the new one is created,
because two live triggers on one channel would both fire and every file would start two runs.
The price is a short window in which a file that lands starts no run. A user who prefers no gap
over no duplicates sets `create_before_delete=True`: the new trigger is created first and the
old one deleted after it (Pulumi's `delete_before_replace` resource option can only force the
delete-first order, so the choice is an input).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pulumi
import pulumi.dynamic as dyn

from ..core import (
    ConfigError,
    Deadline,
    Field,
    ForceNew,
    NotFoundError,
    Observed,
    OutputsModel,
    PlatformProvider,
    PlatformResource,
    ResourceArgs,
    ServerDefault,
    WriteOnly,
)
from ..core.lifecycle import create_or_take_over, delete_riding_conflicts
from ..core.waiter import progress

if TYPE_CHECKING:
    # Wire models and the HTTP client load only where requests are sent.
    from .client import AbejaClient
    from .models import TriggerWire

ENV_NAME_PATTERN = r"^[a-zA-Z_][a-zA-Z0-9_]*$"
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


class TriggerArgs(ResourceArgs):
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
        default=None,
        pattern=ID_PATTERN,
        description="Training model id loaded into each run (sent as `models.alias`).",
    )
    output_service_name: Annotated[Literal["datalake"] | None, ForceNew()] = Field(
        default=None, description="Where runs write results: `datalake`; set together with `output_service_id`."
    )
    output_service_id: Annotated[str | None, ForceNew()] = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Datalake channel id runs write results to; set together with `output_service_name`.",
    )
    distribution: Annotated[int | None, ForceNew()] = Field(
        default=None,
        ge=0,
        description="Queue key: runs whose key has the same remainder share a queue; round-robin when unset.",
    )
    retry_count: Annotated[int, ForceNew()] = Field(
        default=5, ge=0, le=9, description="How many times a failed run is retried, 0 to 9."
    )
    environment: Annotated[dict[str, str], ForceNew()] = Field(
        default_factory=dict,
        description="Environment variables of each run. Values passed as Pulumi secrets (or the whole map "
        "as one) stay secret in state; names must not be ones the platform sets itself.",
    )
    create_before_delete: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="On replacement, create the new trigger before deleting the old one (no gap, but both "
        "fire for a moment) instead of the default delete-first order (no duplicate runs).",
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=300.0,
        gt=0,
        le=86400,
        description="How long create and delete keep retrying the platform, in seconds "
        "(Pulumi's customTimeouts do not reach dynamic providers).",
    )
    adopt_existing: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="Replace other triggers of this deployment listening on the same channel with "
        "different settings (a trigger cannot be changed in place). One with exactly these inputs is "
        "always taken over.",
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


def trigger_body(args: TriggerArgs) -> dict[str, Any]:
    """The create body, keys in the SDK's order; `environment` always sent, as the SDK does."""
    body: dict[str, Any] = {
        "version_id": args.model_version_id,
        "input_service_name": args.input_service_name,
        "input_service_id": args.input_service_id,
        "environment": dict(args.environment) or None,
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


def configuration(trigger: TriggerWire) -> dict[str, Any]:
    """What a trigger does, comparable with ``wanted_configuration``."""
    return {
        "model_version_id": trigger.model_version_id,
        "input_service_name": trigger.input_service_name,
        "input_service_id": trigger.input_service_id,
        "model_id": trigger.model_alias,
        "output_service_name": trigger.output_service_name or None,
        "output_service_id": trigger.output_service_id or None,
        "retry_count": trigger.retry_count,
        "distribution": trigger.distribution,
        "environment": dict(trigger.user_env_vars or {}),
    }


def wanted_configuration(args: TriggerArgs) -> dict[str, Any]:
    return {name: getattr(args, name) for name in configuration_fields()} | {"environment": dict(args.environment)}


def configuration_fields() -> tuple[str, ...]:
    return (
        "model_version_id",
        "input_service_name",
        "input_service_id",
        "model_id",
        "output_service_name",
        "output_service_id",
        "retry_count",
        "distribution",
        "environment",
    )


def observe(trigger: TriggerWire, organization_id: str) -> Observed:
    """The trigger as Args and Outputs field names."""
    env = dict(trigger.user_env_vars or {})
    return {
        **configuration(trigger),
        "organization_id": trigger.organization_id or organization_id,
        "deployment_id": trigger.deployment_id,
        "trigger_id": trigger.trigger_id,
        "model_version": trigger.model_version,
        "created_at": trigger.created_at,
        "modified_at": trigger.modified_at,
        "user_env_vars": env,
    }


# ---- finders -------------------------------------------------------------------------------------


def get_trigger_or_none(
    client: AbejaClient, organization_id: str, deployment_id: str, trigger_id: str
) -> TriggerWire | None:
    """The trigger, or None when it (or its deployment) no longer exists."""
    try:
        return client.get_trigger(organization_id, deployment_id, trigger_id)
    except NotFoundError:
        return None


def missing_references(client: AbejaClient, organization_id: str, args: TriggerArgs) -> list[str]:
    """What the trigger points at that the platform does not have, named by input field."""
    missing = []
    try:
        client.get_deployment_version(organization_id, args.deployment_id, args.model_version_id)
    except NotFoundError:
        missing.append(f"model_version_id: version {args.model_version_id} is not in deployment {args.deployment_id}")
    channels = [("input_service_id", args.input_service_id)]
    if args.output_service_id:
        channels.append(("output_service_id", args.output_service_id))
    for field, channel_id in channels:
        try:
            client.get_channel(organization_id, channel_id)
        except NotFoundError:
            missing.append(f"{field}: channel {channel_id} does not exist in organization {organization_id}")
    return missing


# ---- provider ------------------------------------------------------------------------------------


class TriggerProvider(PlatformProvider[TriggerArgs, "AbejaClient"]):
    args_model = TriggerArgs
    outputs_model = TriggerOutputs
    platform = "ABEJA"
    resource_label = "Trigger"

    client_class = "providers.abeja.client:AbejaClient"

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        result = super().diff(_id, olds, news)
        if result.replaces:
            # Delete first unless asked otherwise: two live triggers on one channel duplicate runs.
            result.delete_before_replace = news.get("create_before_delete") is not True
        return result

    def create_remote(self, client: AbejaClient, args: TriggerArgs, deadline: Deadline) -> tuple[str, Observed]:
        organization_id = args.organization_id or client.organization_id
        op = self.operation("creating", f"deployment {args.deployment_id}")
        if not organization_id:
            raise ConfigError(
                "organization_id is not set and the stack has no abeja:organizationId (nor ABEJA_ORGANIZATION_ID)", op
            )
        try:
            siblings = list(client.iter_triggers(organization_id, args.deployment_id))
        except NotFoundError:
            raise NotFoundError(
                f"deployment_id: deployment {args.deployment_id} does not exist in organization {organization_id}",
                op,
            ) from None
        missing = missing_references(client, organization_id, args)
        if missing:
            raise NotFoundError("; ".join(missing), op)
        wanted = wanted_configuration(args)
        if args.adopt_existing:
            self._replace_channel_mates(client, organization_id, args, siblings, wanted, deadline)
        found_first = [next((t for t in siblings if configuration(t) == wanted), None)]

        seen: dict[str, TriggerWire] = {}

        def find() -> TriggerWire | None:
            # The first look reuses the listing made above; later looks (after a lost answer) list again.
            if found_first:
                found = found_first.pop()
            else:
                triggers = client.iter_triggers(organization_id, args.deployment_id)
                found = next((t for t in triggers if configuration(t) == wanted), None)
            if found is not None:
                seen[found.trigger_id] = found
            return found

        def create() -> str:
            trigger = client.create_trigger(organization_id, args.deployment_id, trigger_body(args))
            seen[trigger.trigger_id] = trigger
            return trigger.trigger_id

        trigger_id = create_or_take_over(
            op,
            find=find,
            # Only a trigger with exactly these inputs is found, so whatever is found is ours.
            same=lambda _trigger: True,
            adopt=False,
            ident=lambda trigger: trigger.trigger_id,
            create=create,
            what="trigger",
            deadline=deadline,
        )
        trigger = seen.get(trigger_id) or client.get_trigger(organization_id, args.deployment_id, trigger_id)
        return trigger_id, observe(trigger, organization_id)

    def _replace_channel_mates(
        self,
        client: AbejaClient,
        organization_id: str,
        args: TriggerArgs,
        siblings: list[TriggerWire],
        wanted: Mapping[str, Any],
        deadline: Deadline,
    ) -> None:
        """adopt_existing: triggers on this channel with other settings give way to this one."""
        for other in siblings:
            if other.input_service_id == args.input_service_id and configuration(other) != wanted:
                progress(
                    f"{self.operation('creating', other.trigger_id).describe()}: adopt_existing: deleting trigger "
                    f"{other.trigger_id} on channel {args.input_service_id}, which has other settings"
                )
                self._delete(client, organization_id, args.deployment_id, other.trigger_id, deadline)

    def read_remote(self, client: AbejaClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        organization_id = str(prior.get("organization_id") or client.organization_id)
        trigger = get_trigger_or_none(client, organization_id, str(prior.get("deployment_id")), ident)
        return observe(trigger, organization_id) if trigger else None

    def update_remote(
        self, client: AbejaClient, ident: str, prior: Mapping[str, Any], args: TriggerArgs, deadline: Deadline
    ) -> Observed:
        # Every input the platform knows replaces the trigger; only provider-side settings get here.
        observed = self.read_remote(client, ident, prior)
        if observed is None:
            raise NotFoundError(
                "the trigger no longer exists; run `pulumi refresh` to recreate it",
                self.operation("updating", ident),
            )
        return observed

    def delete_remote(self, client: AbejaClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        organization_id = str(prior.get("organization_id") or client.organization_id)
        self._delete(client, organization_id, str(prior.get("deployment_id")), ident, deadline)

    def _delete(
        self, client: AbejaClient, organization_id: str, deployment_id: str, trigger_id: str, deadline: Deadline
    ) -> None:
        # Deletes take effect at once, so nothing is waited for; a trigger already gone answers 404.
        delete_riding_conflicts(
            self.operation("deleting", trigger_id),
            settle=lambda: True,
            delete=lambda: client.delete_trigger(organization_id, deployment_id, trigger_id),
            wait_gone=lambda: None,
            deadline=deadline,
        )


class Trigger(PlatformResource[TriggerArgs], module="abeja", name="Trigger"):
    """An ABEJA Platform trigger: each file landing in a datalake channel starts a run of a deployment."""

    provider_type = TriggerProvider

    organization_id: pulumi.Output[str]
    deployment_id: pulumi.Output[str]
    model_version_id: pulumi.Output[str]
    input_service_name: pulumi.Output[str]
    input_service_id: pulumi.Output[str]
    model_id: pulumi.Output[str | None]
    output_service_name: pulumi.Output[str | None]
    output_service_id: pulumi.Output[str | None]
    distribution: pulumi.Output[int | None]
    retry_count: pulumi.Output[int]
    environment: pulumi.Output[dict[str, str]]
    create_before_delete: pulumi.Output[bool]
    timeout_seconds: pulumi.Output[float]
    adopt_existing: pulumi.Output[bool]
    trigger_id: pulumi.Output[str]
    model_version: pulumi.Output[str]
    created_at: pulumi.Output[str]
    modified_at: pulumi.Output[str]
    user_env_vars: pulumi.Output[dict[str, str]]

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
