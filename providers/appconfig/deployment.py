"""AWS AppConfig Deployment: one rollout of a configuration version to an environment.

A started deployment cannot change: every input that reaches StartDeployment replaces it (a new
deployment starts, the old one stays as history). Tags and the wait settings change in place.

Lifecycle on the platform: DEPLOYING -> BAKING -> COMPLETE, or -> ROLLING_BACK -> ROLLED_BACK when
stopped or when an alarm fires; REVERTED when a COMPLETE one is reverted. One deployment at a time
per environment: a start while another is active is refused (ConflictException), so create waits
for the active one and starts again, within `timeout_seconds`. A stack's own deployments to one
environment take turns inside the provider process instead, without polling or refused starts.

Destroy stops a deployment still in progress (AppConfig rolls it back); a finished deployment stays
as history, since AppConfig has no delete (destroy removes only the tag that marked it as managed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pulumi

from ..core import (
    BadRequestError,
    Deadline,
    FailedStateError,
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
    Secret,
    WaitFor,
    WaitTimeoutError,
    WriteOnly,
)
from ..core.concurrency import one_at_a_time
from ..core.lifecycle import create_or_take_over, retry_conflicts
from ..core.retry import operation_deadline
from ..core.waiter import progress

if TYPE_CHECKING:
    # boto3 and the wire models load only where requests are sent, never in a program or a
    # preview's check and diff.
    from .client import AppConfigClient
    from .models import Deployment as DeploymentWire

ID_PATTERN = r"^[a-z0-9]{4,7}$"
STRATEGY_PATTERN = r"^([a-z0-9]{4,7}|AppConfig\.[A-Za-z0-9]{9,40})$"
EXTENSION_PARAMETER_KEY = r"^([^#\n]{1,96})#([^/#\n]{1,64})$"
# Marks a deployment a stack manages (see `start_token`); destroy removes it, leaving plain history.
# Never shown in the `tags` output.
START_TOKEN_TAG = "pulumi-ml-platforms:start-token"
ACTIVE_STATES = frozenset({"DEPLOYING", "VALIDATING", "BAKING", "ROLLING_BACK"})
RUNNING_STATES = frozenset({"DEPLOYING", "VALIDATING", "BAKING"})
FAILED_STATES = frozenset({"ROLLED_BACK", "REVERTED"})
IDLE_ENVIRONMENT_STATES = frozenset({"READY_FOR_DEPLOYMENT", "ROLLED_BACK", "REVERTED"})
# How many of an environment's newest deployments a create looks through for its own.
LOOK_BACK_DEPLOYMENTS = 50
RELEASE_AFTER_FAILURE_SECONDS = 60.0
# The start token of each deployment this process started ("" once released), by the deployment's
# local key and start time (a number alone comes back if an environment is recreated under the
# same id): a create looking for its own deployment reads tags only of deployments that other
# processes started, so a run of many deployments to one environment costs the same for each.
TOKENS_STARTED_HERE: dict[tuple[str, str | None], str] = {}

WaitForChoice = Literal["complete", "start"]


class DeploymentArgs(ResourceArgs):
    """Inputs of an AppConfig Deployment."""

    application_id: Annotated[str, ForceNew()] = Field(
        description="Id of the AppConfig application. Changing it starts a new deployment.", pattern=ID_PATTERN
    )
    environment_id: Annotated[str, ForceNew()] = Field(
        description="Id of the environment to deploy to. Changing it starts a new deployment.", pattern=ID_PATTERN
    )
    deployment_strategy_id: Annotated[str, ForceNew()] = Field(
        description="Id of the deployment strategy, or a predefined one such as `AppConfig.AllAtOnce`. "
        "Changing it starts a new deployment.",
        pattern=STRATEGY_PATTERN,
    )
    configuration_profile_id: Annotated[str, ForceNew()] = Field(
        description="Id of the configuration profile. Changing it starts a new deployment.", pattern=ID_PATTERN
    )
    configuration_version: Annotated[str | int, ForceNew()] = Field(
        description="Configuration version to deploy: a hosted version's number (a HostedConfigurationVersion's "
        "`version_number` output fits) or its version label. Changing it starts a new deployment.",
        min_length=1,
        max_length=1024,
    )
    description: Annotated[str | None, ForceNew()] = Field(
        default=None, description="Description of the deployment. Changing it starts a new deployment.", max_length=1024
    )
    kms_key_identifier: Annotated[str | None, ForceNew()] = Field(
        default=None,
        description="KMS key (id, alias or ARN) to encrypt the configuration with for this deployment. Changing it "
        "starts a new deployment.",
        min_length=1,
        max_length=2048,
    )
    dynamic_extension_parameters: Annotated[dict[str, str], ForceNew(), Secret(), WriteOnly()] = Field(
        default_factory=dict,
        description="Parameters for extensions with PRE_START_DEPLOYMENT actions, keyed `<extension>#<parameter>` "
        "(at most 10). Secret: never shown in state or logs. Changing them starts a new deployment.",
    )
    tags: dict[str, str] = Field(
        default_factory=dict, description="Tags of the deployment. Changing them never starts a new deployment."
    )
    wait_for: Annotated[WaitForChoice, WriteOnly()] = Field(
        default="complete",
        description="`complete`: wait until the deployment is COMPLETE, and fail with the event log's reason if it "
        "rolls back; `start`: return once it started. Changing it never starts a new deployment.",
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=1800.0,
        gt=0,
        le=86400,
        description="How long create waits, in seconds, for an earlier deployment to the environment to finish and "
        "for this one to complete (Pulumi's customTimeouts do not reach dynamic providers). A deployment "
        "still rolling out when it passes keeps going; the next `pulumi up` takes it over and waits on.",
    )

    def cross_field_problems(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        params = self.dynamic_extension_parameters or {}
        if isinstance(params, dict):
            if len(params) > 10:
                problems.append(("dynamic_extension_parameters", "at most 10 parameters"))
            for key, value in params.items():
                # The key is not secret (it names an extension's parameter); the value is never echoed.
                if not re.match(EXTENSION_PARAMETER_KEY, key):
                    problems.append((f"dynamic_extension_parameters.{key}", "keys are `<extension>#<parameter>`"))
                elif not isinstance(value, str) or not 1 <= len(value) <= 2048:
                    problems.append((f"dynamic_extension_parameters.{key}", "values are 1 to 2048 characters"))
        tags = self.tags or {}
        if isinstance(tags, dict):
            if len(tags) > 50:
                problems.append(("tags", "at most 50 tags"))
            for key, value in tags.items():
                if not 1 <= len(key) <= 128 or key.startswith("aws:") or key == START_TOKEN_TAG:
                    problems.append((f"tags.{key}", "tag keys are 1 to 128 characters, not starting with `aws:`"))
                elif isinstance(value, str) and len(value) > 256:
                    problems.append((f"tags.{key}", "tag values are at most 256 characters"))
        return problems


class DeploymentOutputs(OutputsModel):
    """What AppConfig reports about a deployment beyond its inputs."""

    deployment_number: int | None = Field(default=None, description="Number of the deployment in its environment.")
    arn: str | None = Field(default=None, description="ARN of the deployment.")
    state: str | None = Field(
        default=None,
        description="DEPLOYING, VALIDATING, BAKING, COMPLETE, ROLLING_BACK, ROLLED_BACK or REVERTED (as of the last "
        "create, update or refresh).",
    )
    percentage_complete: float | None = Field(default=None, description="Percentage of targets that have it.")
    started_at: str | None = Field(default=None, description="Start time, ISO-8601.")
    completed_at: str | None = Field(default=None, description="Completion (or rollback) time, ISO-8601.")
    event_log: list[dict[str, Any]] | None = Field(
        default=None,
        description="Events, newest first: `event_type`, `triggered_by`, `description`, `occurred_at`.",
    )
    deployment_duration_in_minutes: int | None = Field(
        default=None, description="The strategy's deployment duration, as applied to this deployment."
    )
    growth_type: str | None = Field(default=None, description="The strategy's growth type, as applied.")
    growth_factor: float | None = Field(default=None, description="The strategy's growth factor, as applied.")
    final_bake_time_in_minutes: int | None = Field(default=None, description="The strategy's bake time, as applied.")
    configuration_name: str | None = Field(default=None, description="Name of the configuration profile deployed.")
    version_label: str | None = Field(default=None, description="Label of the hosted version deployed, if it has one.")
    kms_key_arn: str | None = Field(default=None, description="ARN of the KMS key used, when one was given.")


# ---- ids and wire mapping ------------------------------------------------------------------------


def deployment_id(application_id: str, environment_id: str, number: int) -> str:
    return f"{application_id}/{environment_id}/{number}"


def parse_deployment_id(ident: str) -> tuple[str, str, int]:
    parts = ident.split("/")
    if len(parts) != 3 or not parts[2].isdigit():
        raise ProviderError(f"reading AppConfig Deployment ({ident}): the id is not application/environment/number")
    return parts[0], parts[1], int(parts[2])


def observe(deployment: DeploymentWire, configuration_version: Any, tags: Mapping[str, str], arn: str) -> Observed:
    """The deployment as Args and Outputs field names.

    AppConfig reports a hosted version deployed by label as its number (and the label apart): the
    user's input is kept when it names the deployed version either way, so nothing shows as changed.
    """
    version: Any = deployment.configuration_version
    if configuration_version is not None and str(configuration_version) in (version, deployment.version_label):
        version = configuration_version
    return {
        "application_id": deployment.application_id,
        "environment_id": deployment.environment_id,
        "deployment_strategy_id": deployment.deployment_strategy_id,
        "configuration_profile_id": deployment.configuration_profile_id,
        "configuration_version": version,
        "description": deployment.description,
        "kms_key_identifier": deployment.kms_key_identifier,
        "tags": {k: v for k, v in tags.items() if k != START_TOKEN_TAG},
        "deployment_number": deployment.deployment_number,
        "arn": arn,
        "state": deployment.state,
        "percentage_complete": deployment.percentage_complete,
        "started_at": deployment.started_at,
        "completed_at": deployment.completed_at,
        "event_log": [event.as_output() for event in deployment.event_log],
        "deployment_duration_in_minutes": deployment.deployment_duration_in_minutes,
        "growth_type": deployment.growth_type,
        "growth_factor": deployment.growth_factor,
        "final_bake_time_in_minutes": deployment.final_bake_time_in_minutes,
        "configuration_name": deployment.configuration_name,
        "version_label": deployment.version_label,
        "kms_key_arn": deployment.kms_key_arn,
    }


# ---- finders and waiters -------------------------------------------------------------------------


def get_deployment_or_none(client: AppConfigClient, app: str, env: str, number: int) -> DeploymentWire | None:
    try:
        return client.get_deployment(app, env, number)
    except NotFoundError:
        return None


def start_token(args: DeploymentArgs) -> str:
    """A digest of every input that reaches StartDeployment (extension parameters by name only).

    It tags the deployment a create starts, so a start whose answer was lost, or a run killed
    mid-create, finds its deployment again instead of starting a second one.
    """
    identity = {
        "application_id": args.application_id,
        "environment_id": args.environment_id,
        "deployment_strategy_id": args.deployment_strategy_id,
        "configuration_profile_id": args.configuration_profile_id,
        "configuration_version": str(args.configuration_version),
        "description": args.description,
        "kms_key_identifier": args.kms_key_identifier,
        "extension_parameters": sorted(args.dynamic_extension_parameters or {}),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:40]


def find_started_deployment(
    client: AppConfigClient, app: str, env: str, token: str, version: str, profile: str
) -> DeploymentWire | None:
    """The deployment a create with this token started and no destroy released, or None."""
    for checked, summary in enumerate(client.iter_deployments(app, env)):
        if checked >= LOOK_BACK_DEPLOYMENTS:
            return None
        if summary.configuration_profile_id != profile or version not in (
            summary.configuration_version,
            summary.version_label,
        ):
            continue
        key = client.get_local_key(deployment_path(app, env, summary.deployment_number))
        known = TOKENS_STARTED_HERE.get((key, summary.started_at)) if summary.started_at else None
        if known is None:
            known = client.get_tags(client.get_deployment_arn(app, env, summary.deployment_number)).get(START_TOKEN_TAG)
        if known == token:
            return client.get_deployment(app, env, summary.deployment_number)
    return None


def deployment_path(app: str, env: str, number: int) -> str:
    return f"application/{app}/environment/{env}/deployment/{number}"


def release_token(client: AppConfigClient, app: str, env: str, number: int, arn: str | None = None) -> None:
    """Remove the start token: the deployment becomes plain history that no create takes over."""
    client.update_tags(arn or client.get_deployment_arn(app, env, number), {}, [START_TOKEN_TAG])
    local = client.get_local_key(deployment_path(app, env, number))
    for key in [key for key in TOKENS_STARTED_HERE if key[0] == local]:
        TOKENS_STARTED_HERE[key] = ""


def _state(deployment: DeploymentWire | None) -> str:
    return deployment.state if deployment else "GONE"


def wait_environment_idle(client: AppConfigClient, app: str, env: str, deadline: Deadline, op: Operation) -> None:
    """Until no deployment is active in the environment (the platform allows one at a time)."""
    WaitFor(
        op,
        "the deployment in progress in the environment to finish",
        lambda: client.get_environment(app, env),
        lambda e: e is not None and (e.state or "READY_FOR_DEPLOYMENT") in IDLE_ENVIRONMENT_STATES,
        lambda e: (e.state or "?") if e else "GONE",
        lambda e: "the environment disappeared" if e is None else None,
    ).run(deadline)


def wait_deployment_complete(
    client: AppConfigClient, app: str, env: str, number: int, deadline: Deadline, op: Operation
) -> DeploymentWire:
    """Until COMPLETE; a rollback or revert fails with the reason the event log gives."""

    def failure(deployment: DeploymentWire | None) -> str | None:
        if deployment is None:
            return "the deployment disappeared"
        return deployment.failure_reason() if deployment.state in FAILED_STATES else None

    done = WaitFor(
        op,
        "COMPLETE",
        lambda: get_deployment_or_none(client, app, env, number),
        lambda d: d is not None and d.state == "COMPLETE",
        _state,
        failure,
    ).run(deadline)
    assert done is not None
    return done


def stop_if_running(client: AppConfigClient, app: str, env: str, number: int, op: Operation) -> str | None:
    """Stop the deployment if it is still rolling out; returns the state it was found in (None: gone)."""
    current = get_deployment_or_none(client, app, env, number)
    if current is None:
        return None
    if current.state in RUNNING_STATES:
        progress(f"{op.describe()}: deployment {number} is {current.state}; stopping it (AppConfig rolls it back)")
        # A BadRequest means it finished between our read and the stop: nothing runs any more.
        with contextlib.suppress(BadRequestError):
            client.delete_deployment(app, env, number)
    return current.state


# ---- provider ------------------------------------------------------------------------------------


class DeploymentProvider(PlatformProvider[DeploymentArgs, "AppConfigClient"]):
    args_model = DeploymentArgs
    outputs_model = DeploymentOutputs
    platform = "AppConfig"
    resource_label = "Deployment"

    client_class = "providers.appconfig.client:AppConfigClient"

    def create_remote(self, client: AppConfigClient, args: DeploymentArgs, deadline: Deadline) -> tuple[str, Observed]:
        app, env = args.application_id, args.environment_id
        op = self.operation("starting", f"{app}/{env}")
        token = start_token(args)
        sent: list[bool] = []

        def find() -> DeploymentWire | None:
            return find_started_deployment(
                client, app, env, token, str(args.configuration_version), args.configuration_profile_id
            )

        def start() -> str:
            sent.append(True)
            started = client.create_deployment(
                app,
                env,
                strategy_id=args.deployment_strategy_id,
                profile_id=args.configuration_profile_id,
                version=str(args.configuration_version),
                description=args.description,
                kms_key_identifier=args.kms_key_identifier,
                dynamic_extension_parameters=args.dynamic_extension_parameters,
                tags={**args.tags, START_TOKEN_TAG: token},
            )
            if started.started_at:
                key = client.get_local_key(deployment_path(app, env, started.deployment_number))
                TOKENS_STARTED_HERE[(key, started.started_at)] = token
            return str(started.deployment_number)

        def release(leftover: DeploymentWire) -> None:
            release_token(client, app, env, leftover.deployment_number)

        # This run's deployments to one environment take turns here, each holding it until its own
        # is started (and, by default, complete); a deployment from elsewhere is refused with a
        # ConflictException, and the start waits for the environment and tries again.
        with one_at_a_time(
            client.get_local_key(f"application/{app}/environment/{env}"),
            deadline,
            op,
            "this run's other deployment to the environment",
        ):
            number = int(
                create_or_take_over(
                    op,
                    find=find,
                    # The token is a digest of every input that reaches StartDeployment.
                    same=lambda _found: True,
                    adopt=False,
                    ident=lambda found: str(found.deployment_number),
                    create=lambda: retry_conflicts(
                        op,
                        start,
                        settle=lambda: wait_environment_idle(client, app, env, deadline, op),
                        deadline=deadline,
                    ),
                    failed=lambda found: found.state in FAILED_STATES,
                    discard=release,
                    what="deployment",
                    deadline=deadline,
                )
            )
            return self._follow_started(client, args, app, env, number, token_sent=bool(sent), deadline=deadline)

    def _follow_started(
        self,
        client: AppConfigClient,
        args: DeploymentArgs,
        app: str,
        env: str,
        number: int,
        *,
        token_sent: bool,
        deadline: Deadline,
    ) -> tuple[str, Observed]:
        op = self.operation("deploying", deployment_id(app, env, number))
        arn = client.get_deployment_arn(app, env, number)
        if not token_sent:
            # Taken over from an interrupted run: bring its tags to ours (the token is kept).
            current = {k: v for k, v in client.get_tags(arn).items() if k != START_TOKEN_TAG}
            client.update_tags(
                arn, {k: v for k, v in args.tags.items() if current.get(k) != v}, sorted(set(current) - set(args.tags))
            )
        deployment = client.get_deployment(app, env, number)
        progress(f"{op.describe()}: started ({deployment.state})")
        if args.wait_for == "complete" and deployment.state != "COMPLETE":
            try:
                deployment = wait_deployment_complete(client, app, env, number, deadline, op)
            except WaitTimeoutError as timed_out:
                # The deployment keeps its start token: the next `pulumi up` takes it over and waits on.
                timed_out.cause += "; it keeps rolling out, and the next `pulumi up` takes it over and waits on"
                timed_out.args = (str(timed_out),)
                raise
            except FailedStateError:
                # The rollback is history now; without the token the next run starts afresh.
                with operation_deadline(Deadline.after(RELEASE_AFTER_FAILURE_SECONDS)):
                    release_token(client, app, env, number, arn)
                raise
        return deployment_id(app, env, number), observe(deployment, args.configuration_version, args.tags, arn)

    def read_remote(self, client: AppConfigClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        app, env, number = parse_deployment_id(ident)
        deployment = get_deployment_or_none(client, app, env, number)
        if deployment is None:
            return None
        arn = prior.get("arn") or client.get_deployment_arn(app, env, number)
        return observe(deployment, prior.get("configuration_version"), client.get_tags(arn), arn)

    def update_remote(
        self, client: AppConfigClient, ident: str, prior: Mapping[str, Any], args: DeploymentArgs, deadline: Deadline
    ) -> Observed:
        # Only tags and the wait settings reach here; everything else replaces the deployment.
        app, env, number = parse_deployment_id(ident)
        op = self.operation("updating", ident)
        arn = prior.get("arn") or client.get_deployment_arn(app, env, number)
        current = {k: v for k, v in client.get_tags(arn).items() if k != START_TOKEN_TAG}
        changed = {k: v for k, v in args.tags.items() if current.get(k) != v}
        client.update_tags(arn, changed, sorted(set(current) - set(args.tags)))
        deployment = get_deployment_or_none(client, app, env, number)
        if deployment is None:
            raise NotFoundError("the deployment no longer exists; run `pulumi refresh`", op)
        if args.wait_for == "complete" and deployment.state in ACTIVE_STATES:
            deployment = wait_deployment_complete(client, app, env, number, deadline, op)
        return observe(deployment, args.configuration_version, args.tags, arn)

    def delete_remote(self, client: AppConfigClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        app, env, number = parse_deployment_id(ident)
        op = self.operation("deleting", ident)
        state = stop_if_running(client, app, env, number, op)
        if state is None:
            return
        if state not in RUNNING_STATES:
            progress(
                f"{op.describe()}: deployment {number} is {state}; AppConfig keeps finished deployments as history "
                "(there is no delete), so it stays, no longer managed by this stack"
            )
        # The start token marks a deployment a stack manages; without it the deployment is plain history.
        release_token(client, app, env, number, prior.get("arn"))


class Deployment(PlatformResource[DeploymentArgs], module="appconfig", name="Deployment"):
    """An AWS AppConfig deployment of a configuration version to an environment.

    Create starts the deployment, queueing behind one already active in the environment, and by
    default waits until it is COMPLETE, failing with the event log's reason on a rollback. Any
    change but tags and the wait settings starts a new deployment. Destroy stops a deployment still
    in progress (AppConfig rolls it back); a finished one stays as history: AppConfig has no delete.
    """

    provider_type = DeploymentProvider

    application_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    deployment_strategy_id: pulumi.Output[str]
    configuration_profile_id: pulumi.Output[str]
    configuration_version: pulumi.Output[str]
    description: pulumi.Output[str | None]
    kms_key_identifier: pulumi.Output[str | None]
    dynamic_extension_parameters: pulumi.Output[dict[str, str]]
    tags: pulumi.Output[dict[str, str]]
    wait_for: pulumi.Output[str]
    timeout_seconds: pulumi.Output[float]
    deployment_number: pulumi.Output[int]
    arn: pulumi.Output[str]
    state: pulumi.Output[str]
    percentage_complete: pulumi.Output[float]
    started_at: pulumi.Output[str]
    completed_at: pulumi.Output[str | None]
    event_log: pulumi.Output[list[dict[str, Any]]]
    deployment_duration_in_minutes: pulumi.Output[int]
    growth_type: pulumi.Output[str]
    growth_factor: pulumi.Output[float]
    final_bake_time_in_minutes: pulumi.Output[int]
    configuration_name: pulumi.Output[str | None]
    version_label: pulumi.Output[str | None]
    kms_key_arn: pulumi.Output[str | None]
