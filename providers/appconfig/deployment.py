"""AWS AppConfig Deployment: one rollout of a configuration version to an environment.

A started deployment cannot change: every input that reaches StartDeployment replaces it (a new one
starts, the old one stays as history); tags, the wait and destroy settings change in place. States:
DEPLOYING -> BAKING -> COMPLETE, or -> ROLLING_BACK -> ROLLED_BACK (stopped, or an alarm); REVERTED.
AppConfig takes one deployment at a time per environment: a start while another is active is refused,
so create waits for the environment and starts again. A stack's own deployments to one environment
take turns inside the provider process instead, and one waiting for its turn holds no operation slot.

Destroy stops a DEPLOYING deployment (AppConfig rolls it back). AppConfig stops one BAKING or
VALIDATING, or reverts a COMPLETE one (the environment's latest), only when asked to revert:
`revert_on_destroy=True`. Anything else stays as history (AppConfig has no delete), and destroy says
so; it removes the start-token tag that marked the deployment as this resource's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ..core.concurrency import one_at_a_time
from ..core.errors import BadRequestError, FailedStateError, WaitTimeoutError
from ..core.fields import Field, ForceNew, Secret, WriteOnly
from ..core.lifecycle import Known, create_or_take_over, present, retry_conflicts
from ..core.provider import Observed, PlatformProvider
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.retry import operation_deadline
from ..core.step import Step
from ..core.waiter import Deadline, WaitFor
from ..generated.attributes import AppconfigDeploymentAttributes

if TYPE_CHECKING:  # boto3 and the wire models load only where requests are sent
    from .client import AppConfigClient
    from .models import Deployment as DeploymentWire

ID_PATTERN = r"^[a-z0-9]{4,7}$"
STRATEGY_PATTERN = r"^([a-z0-9]{4,7}|AppConfig\.[A-Za-z0-9]{9,40})$"
EXTENSION_PARAMETER_KEY = r"^([^#\n]{1,96})#([^/#\n]{1,64})$"
# Marks a deployment a resource manages (see `start_token`); destroy removes it, leaving plain history.
# Never shown in the `tags` output.
START_TOKEN_TAG = "pulumi-ml-platforms:start-token"
ACTIVE_STATES = frozenset({"DEPLOYING", "VALIDATING", "BAKING", "ROLLING_BACK"})
RUNNING_STATES = frozenset({"DEPLOYING", "VALIDATING", "BAKING"})
IDLE_ENVIRONMENT_STATES = frozenset({"READY_FOR_DEPLOYMENT", "ROLLED_BACK", "REVERTED"})
# How many of an environment's newest deployments a create looks through for its own.
LOOK_BACK_DEPLOYMENTS = 50
RELEASE_AFTER_FAILURE_SECONDS = 60.0


class DeploymentArgs(
    ResourceArgs,
    timeout=1800,
    waits_for="an earlier deployment to the environment to finish and for this one to complete",
):
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
    wait_for: Annotated[Literal["complete", "start"], WriteOnly()] = Field(
        default="complete",
        description="`complete`: wait until the deployment is COMPLETE, and fail with the event log's reason if it "
        "rolls back; `start`: return once it started. Changing it never starts a new deployment.",
    )
    revert_on_destroy: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="On destroy, roll back a deployment still DEPLOYING, BAKING or VALIDATING, and revert a COMPLETE "
        "one that is still the environment's latest (AppConfig allows a revert within 72 hours of completion; a "
        "refused revert fails the destroy). Without it, destroy stops only a DEPLOYING deployment (AppConfig "
        "refuses to stop others without a revert) and leaves the rest as history. Changing it never starts a "
        "new deployment.",
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
        default=None, description="DEPLOYING, VALIDATING, BAKING, COMPLETE, ROLLING_BACK, ROLLED_BACK or REVERTED."
    )
    percentage_complete: float | None = Field(default=None, description="Percentage of targets that have it.")
    started_at: str | None = Field(default=None, description="Start time, ISO-8601.")
    completed_at: str | None = Field(default=None, description="Completion (or rollback) time, ISO-8601.")
    event_log: list[dict[str, Any]] | None = Field(
        default=None, description="Events, newest first: `event_type`, `triggered_by`, `description`, `occurred_at`."
    )
    deployment_duration_in_minutes: int | None = Field(default=None, description="The strategy's duration, as applied.")
    growth_type: str | None = Field(default=None, description="The strategy's growth type, as applied.")
    growth_factor: float | None = Field(default=None, description="The strategy's growth factor, as applied.")
    final_bake_time_in_minutes: int | None = Field(default=None, description="The strategy's bake time, as applied.")
    configuration_name: str | None = Field(default=None, description="Name of the configuration profile deployed.")
    version_label: str | None = Field(default=None, description="Label of the hosted version deployed, if it has one.")
    kms_key_arn: str | None = Field(default=None, description="ARN of the KMS key used, when one was given.")


# ---- wire mapping and the start token ------------------------------------------------------------

# Every field the Deployment shape documents (botocore's model), under the same names as ours; tags come
# from ListTagsForResource and the ARN is built, so neither is among them.
# What reaches StartDeployment as given (the version goes as text, the extension parameters by name only).
STARTED_WITH = [
    "application_id",
    "environment_id",
    "deployment_strategy_id",
    "configuration_profile_id",
    "description",
    "kms_key_identifier",
]
NOT_IN_ANSWER = ("dynamic_extension_parameters", "tags", "wait_for", "revert_on_destroy", "timeout_seconds", "arn")
DOCUMENTED = (*DeploymentArgs.field_specs(), *DeploymentOutputs.field_specs())
WIRE_FIELDS = {name: name for name in DOCUMENTED if name not in NOT_IN_ANSWER}


def start_token(args: DeploymentArgs, owner: str | None) -> str:
    """A digest of every input that reaches StartDeployment (extension parameters by name only) and of
    the owner mark: a start whose answer was lost, or a run killed mid-create, finds its deployment by
    it, and another stack deploying the same version to the environment never takes this one."""
    identity = {name: getattr(args, name) for name in STARTED_WITH} | {
        "configuration_version": str(args.configuration_version),
        "extension_parameters": sorted(args.dynamic_extension_parameters or {}),
        **({"owner": owner} if owner else {}),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:40]


# The start token ("" once released) of each deployment this process started, by local key and start
# time: a create reads tags only of deployments other processes started, so each of many deployments to
# one environment costs the same. Threads add to it while a release looks through it: one lock guards it.
TOKENS_STARTED_HERE: dict[tuple[str, str], str] = {}
TOKENS_LOCK = threading.Lock()


def remember_token(key: str, started_at: str, token: str) -> None:
    with TOKENS_LOCK:
        TOKENS_STARTED_HERE[(key, started_at)] = token


def forget_tokens(key: str) -> None:
    with TOKENS_LOCK:
        for known in [known for known in TOKENS_STARTED_HERE if known[0] == key]:
            TOKENS_STARTED_HERE[known] = ""


def deployment_path(app: str, env: str, number: int) -> str:
    return f"application/{app}/environment/{env}/deployment/{number}"


def release_token(client: AppConfigClient, app: str, env: str, number: int, arn: str | None = None) -> None:
    """Remove the start token: the deployment becomes plain history that no create takes over."""
    client.update_tags(arn or client.get_deployment_arn(app, env, number), {}, [START_TOKEN_TAG])
    forget_tokens(client.get_local_key(deployment_path(app, env, number)))


# ---- provider ------------------------------------------------------------------------------------


class DeploymentProvider(PlatformProvider[DeploymentArgs, "AppConfigClient", "DeploymentWire"]):
    outputs_model = DeploymentOutputs
    platform = "AppConfig"
    client_class = "providers.appconfig.client:AppConfigClient"
    id_fields = ("application_id", "environment_id", "deployment_number")
    target = frozenset({"COMPLETE"})
    failed = frozenset({"ROLLED_BACK", "REVERTED"})
    status_attribute = "state"
    mark_place = f"the tag `{START_TOKEN_TAG}`, which holds it digested with the inputs StartDeployment receives"
    wire_fields = WIRE_FIELDS

    def fetch(self, step: Step[AppConfigClient], ident: str, known: Known) -> DeploymentWire:
        return step.client.get_deployment(*self.split_id(ident))

    def failure_of(self, obj: DeploymentWire) -> str | None:
        """Why it rolled back or reverted, from the event log (newest first): who triggered it and what it says."""
        for event in obj.event_log:
            if event.event_type in ("ROLLBACK_STARTED", "REVERT_COMPLETED"):
                who = event.triggered_by or "unknown"
                return f"rolled back, triggered by {who}: {event.description or 'no description'}"
        return "rolled back; the event log gives no reason"

    def turn(self, step: Step[AppConfigClient], values: Known) -> contextlib.AbstractContextManager[None]:
        """A create waits here, holding no operation slot, for this run's other deployments to the
        environment, and keeps the turn until its own is started (by default, complete)."""
        if step.operation.action != "creating":
            return contextlib.nullcontext()
        where = f"application/{values.get('application_id')}/environment/{values.get('environment_id')}"
        waiting = "this run's other deployment to the environment"
        return one_at_a_time(step.client.get_local_key(where), step.deadline, step.operation, waiting)

    def read_back(self, obj: DeploymentWire, known: Known) -> Observed:
        """What the answer documents. AppConfig reports a hosted version deployed by label as its number
        (and the label apart): the input is kept when it names the deployed version either way."""
        seen = present(obj, self.wire_fields)
        wanted = known.get("configuration_version")
        if wanted is not None and str(wanted) in (obj.configuration_version, obj.version_label):
            seen["configuration_version"] = wanted
        if "event_log" in seen:
            seen["event_log"] = [event.model_dump() for event in obj.event_log]
        return seen

    def observe(self, step: Step[AppConfigClient], ident: str, obj: DeploymentWire, known: Known) -> Observed:
        arn = known.get("arn") or step.client.get_deployment_arn(*self.split_id(ident))
        tags = {k: v for k, v in step.client.get_tags(arn).items() if k != START_TOKEN_TAG}
        return {**self.read_back(obj, known), "arn": arn, "tags": tags}

    def converge(
        self, step: Step[AppConfigClient], ident: str, current: DeploymentWire, args: DeploymentArgs, prior: Known
    ) -> DeploymentWire | None:
        self.tag(step, prior.get("arn") or step.client.get_deployment_arn(*self.split_id(ident)), args.tags)
        return None if args.wait_for == "complete" and current.state in ACTIVE_STATES else current

    def tag(self, step: Step[AppConfigClient], arn: str, tags: Mapping[str, str]) -> None:
        """The deployment's tags brought to ``tags`` (the start token stays)."""
        tagged = {k: v for k, v in step.client.get_tags(arn).items() if k != START_TOKEN_TAG}
        changed = {k: v for k, v in tags.items() if tagged.get(k) != v}
        step.client.update_tags(arn, changed, sorted(set(tagged) - set(tags)))

    def create_remote(self, step: Step[AppConfigClient], args: DeploymentArgs) -> tuple[str, Observed]:
        """Start (or take over what this resource's interrupted run started), queueing behind whatever is
        active in the environment; by default, wait until COMPLETE."""
        app, env = args.application_id, args.environment_id
        client, token, starting = step.client, start_token(args, step.owner), step.doing("starting")
        sent: list[bool] = []

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
                remember_token(key, started.started_at, token)
            return str(started.deployment_number)

        number = create_or_take_over(
            starting.operation,
            find=lambda: self.find_started(starting, args, token),
            # The token is a digest of every input that reaches StartDeployment and of the owner mark.
            same=lambda _found: True,
            adopt=False,
            ident=lambda found: str(found.deployment_number),
            create=lambda: retry_conflicts(
                starting.operation,
                start,
                settle=lambda: self.wait_environment_idle(starting, app, env),
                deadline=step.deadline,
            ),
            failed=lambda found: found.state in self.failed,
            discard=lambda found: release_token(client, app, env, found.deployment_number),
            what=self.what,
            deadline=step.deadline,
        )
        ident = self.join_id(app, env, number)
        deploying = step.doing("deploying", ident)
        known = {**args.to_dict(), "arn": client.get_deployment_arn(app, env, int(number))}
        if not sent:
            # Taken over from an interrupted run: its tags are brought to ours (the token is kept).
            self.tag(deploying, known["arn"], args.tags)
        deployment = self.fetch(deploying, ident, known)
        deploying.say(f"started ({deployment.state})")
        if args.wait_for == "complete" and deployment.state != "COMPLETE":
            try:
                deployment = self.wait_target(deploying, ident, known)
            except WaitTimeoutError as timed_out:
                # The deployment keeps its start token: the next `pulumi up` takes it over and waits on.
                timed_out.add_cause("; it keeps rolling out, and the next `pulumi up` takes it over and waits on")
                raise
            except FailedStateError:
                # The rollback is history now; without the token the next run starts afresh.
                with operation_deadline(Deadline.after(RELEASE_AFTER_FAILURE_SECONDS)):
                    release_token(client, app, env, int(number), known["arn"])
                raise
        return ident, {**self.read_back(deployment, known), "arn": known["arn"], "tags": dict(args.tags)}

    def find_started(self, step: Step[AppConfigClient], args: DeploymentArgs, token: str) -> DeploymentWire | None:
        """The deployment a create with this token started and no destroy released, or None."""
        client, app, env = step.client, args.application_id, args.environment_id
        version = str(args.configuration_version)
        for checked, summary in enumerate(client.iter_deployments(app, env)):
            if checked >= LOOK_BACK_DEPLOYMENTS:
                return None
            versions = (summary.configuration_version, summary.version_label)
            if summary.configuration_profile_id != args.configuration_profile_id or version not in versions:
                continue
            number = summary.deployment_number
            key = client.get_local_key(deployment_path(app, env, number))
            known = TOKENS_STARTED_HERE.get((key, summary.started_at)) if summary.started_at else None
            if known is None:
                known = client.get_tags(client.get_deployment_arn(app, env, number)).get(START_TOKEN_TAG)
            if known == token:
                return client.get_deployment(app, env, number)
        return None

    def wait_environment_idle(self, step: Step[AppConfigClient], app: str, env: str) -> None:
        """Until no deployment is active in the environment (the platform allows one at a time)."""
        WaitFor(
            step.operation,
            "the deployment in progress in the environment to finish",
            lambda: step.client.get_environment(app, env),
            lambda e: e is not None and (e.state or "READY_FOR_DEPLOYMENT") in IDLE_ENVIRONMENT_STATES,
            lambda e: (e.state or "?") if e else "GONE",
        ).run(step.deadline)

    def delete_remote(self, step: Step[AppConfigClient], ident: str, prior: Known) -> None:
        """AppConfig has no delete: stop (or revert) what may be, say what stays, and drop the start token."""
        if (current := self.get_or_none(step, ident, prior)) is not None:
            self.stop_or_leave(step, ident, current, bool(prior.get("revert_on_destroy")))
            app, env, number = self.split_id(ident)
            release_token(step.client, app, env, number, prior.get("arn"))

    def stop_or_leave(
        self, step: Step[AppConfigClient], ident: str, current: DeploymentWire, revert: bool, again: bool = False
    ) -> None:
        app, env, number = self.split_id(ident)
        state = current.state
        latest = revert and state == "COMPLETE" and next(step.client.iter_deployments(app, env)).deployment_number
        if state != "DEPLOYING" and not (revert and state in RUNNING_STATES) and latest != number:
            return step.say(left_as_history(number, state, revert))
        doing = (
            "reverting it (to the configuration deployed before it)"
            if latest
            else "stopping it (AppConfig rolls it back)"
        )
        step.say(f"deployment {number} is {state}; {doing}")
        try:
            step.client.delete_deployment(app, env, number, allow_revert=revert)
        except BadRequestError as refused:
            now = self.get_or_none(step, ident, {})
            if not again and now is not None and now.state != state:
                # It moved on between the read and the stop (DEPLOYING -> BAKING, say): judge it again.
                return self.stop_or_leave(step, ident, now, revert, again=True)
            advice = "set revert_on_destroy=False to leave it as history" if revert else "it stays as history"
            refused.add_cause(f"; AppConfig refused to stop deployment {number} ({state}): {advice}")
            raise


def left_as_history(number: int, state: str, revert: bool) -> str:
    if state in RUNNING_STATES:
        why = (
            f"AppConfig stops a {state} deployment only when asked to revert, so it finishes and stays as history "
            "(set revert_on_destroy=True to roll it back on destroy)"
        )
    elif revert and state == "COMPLETE":
        why = "a later deployment replaced it in the environment, so there is nothing to revert; it stays as history"
    else:
        why = "AppConfig keeps finished deployments as history (there is no delete), so it stays"
    return f"deployment {number} is {state}; {why}, no longer managed by this stack"


class Deployment(
    AppconfigDeploymentAttributes, PlatformResource[DeploymentArgs], module="appconfig", name="Deployment"
):
    """An AWS AppConfig deployment of a configuration version to an environment."""

    provider_type = DeploymentProvider
