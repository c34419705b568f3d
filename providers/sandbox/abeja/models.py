"""ABEJA Platform: organizations, deployments, versions, channels, training models, triggers and
runs. State and business rules only; its seeds and choices are listed in the sandbox's README."""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from providers.sandbox.abeja.exceptions import BadRequest, Forbidden, NotFound
from providers.sandbox.core.backend import StateBackend, found
from providers.sandbox.core.clock import Clock
from providers.sandbox.core.failures import State
from providers.sandbox.core.transitions import Transition
from providers.sandbox.core.validation import optional_int, optional_object, optional_str, optional_str_map

PLATFORM = "abeja"

# Fixed ids of what every reset restores, so samples, the demo and a first stack can use them.
SANDBOX_USER_ID = "1100000000001"
OTHER_USER_ID = "1100000000002"
ORGANIZATION_ID = "1200000000001"
OTHER_ORGANIZATION_ID = "1200000000002"
DEPLOYMENT_ID = "1300000000001"
VERSION_IDS = ("ver-0000000000000001", "ver-0000000000000002")
VERSION_NAMES = ("0.0.1", "0.0.2")
INPUT_CHANNEL_ID = "1400000000001"
OUTPUT_CHANNEL_ID = "1400000000002"
TRAINING_MODEL_IDS = ("1500000000001", "1500000000002")

RUN_STEPS = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING")
FINAL_STATUSES = ("SUCCEEDED", "FAILED")
RUNS_PAGE_SIZE = 10
MAX_RETRY_COUNT = 9
DEFAULT_RETRY_COUNT = 5
INPUT_SERVICES = ("datalake",)


def timestamp(epoch: float) -> str:
    """`YYYY-MM-DDTHH:MM:SS.ffffffZ`, the style of deployments, triggers and runs."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def channel_timestamp(epoch: float) -> str:
    """Whole seconds and `Z`, the style of datalake channels."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _alnum(length: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _digits(length: int = 13) -> str:
    return str(secrets.randbelow(9 * 10 ** (length - 1)) + 10 ** (length - 1))


class Version(BaseModel):
    version_id: str
    deployment_id: str
    version: str
    handler: str = "main:handler"
    image: str = "abeja-inc/all-cpu:19.10"
    user_parameters: dict[str, Any] = Field(default_factory=dict)
    uploaded: bool = False
    created_at: str
    modified_at: str

    def wire(self) -> dict[str, Any]:
        unknown = dict.fromkeys(("training_job_id", "job_definition_id", "job_definition_version"))
        return {**self.model_dump(exclude={"uploaded"}), **unknown}


class Trigger(BaseModel):
    trigger_id: str
    organization_id: str
    deployment_id: str
    model_version: str
    model_version_id: str
    models: dict[str, str] = Field(default_factory=dict)
    input_service_name: str
    input_service_id: str
    output_service_name: str | None = None
    output_service_id: str | None = None
    retry_count: int = DEFAULT_RETRY_COUNT
    distribution: int | None = None
    user_env_vars: dict[str, str] = Field(default_factory=dict)
    created_at: str
    modified_at: str

    def wire(self) -> dict[str, Any]:
        return self.model_dump()


class Run(BaseModel):
    run_id: str
    trigger_id: str | None
    deployment_id: str
    model_version_id: str
    models: dict[str, str] = Field(default_factory=dict)
    input_data: dict[str, str]
    output_template: Any = None
    retry_count: int
    distribution: int | None = None
    status: str = "SUBMITTED"
    user_env_vars: dict[str, str] = Field(default_factory=dict)
    created_at: str
    modified_at: str
    seq: int = 0
    outcome: str = "SUCCEEDED"
    pending: Transition | None = None

    def wire(self) -> dict[str, Any]:
        return self.model_dump(exclude={"seq", "outcome", "pending"})


class Deployment(BaseModel):
    deployment_id: str
    name: str
    description: str = ""
    creator_id: str
    default_environment: dict[str, str] = Field(default_factory=dict)
    versions: dict[str, Version] = Field(default_factory=dict)
    triggers: dict[str, Trigger] = Field(default_factory=dict)
    runs: dict[str, Run] = Field(default_factory=dict)
    created_at: str
    modified_at: str

    def wire(self) -> dict[str, Any]:
        return {
            **self.model_dump(
                include={"deployment_id", "name", "description", "default_environment", "created_at", "modified_at"}
            ),
            "creator": {"user_id": self.creator_id, "display_name": f"user-{self.creator_id}"},
            "runs": [run.run_id for run in self.runs.values()],
            "services": [],
            "triggers": [trigger.wire() for trigger in self.triggers.values()],
        }


class Channel(BaseModel):
    channel_id: str
    name: str
    description: str = ""
    storage_type: str = "datalake"
    archived: bool = False
    created_at: str
    updated_at: str

    def wire(self) -> dict[str, Any]:
        return {**self.model_dump(), "display_name": self.name}


class Organization(BaseModel):
    organization_id: str
    name: str
    members: list[str]
    deployments: dict[str, Deployment] = Field(default_factory=dict)
    channels: dict[str, Channel] = Field(default_factory=dict)
    training_model_ids: list[str] = Field(default_factory=list)
    created_at: str
    updated_at: str

    def wire(self) -> dict[str, Any]:
        # Datalake answers name the organization `organization_name` (reference §5e).
        fields = self.model_dump(include={"organization_id", "name", "created_at", "updated_at"})
        return {"id": self.organization_id, **fields, "organization_name": self.name}


class AbejaState(State):
    organizations: dict[str, Organization] = Field(default_factory=dict)
    run_seq: int = 0


class RunsPage(BaseModel):
    entries: list[Run]
    next_page_token: str | None = None


class AbejaBackend(StateBackend[AbejaState]):
    """Every organization's objects. Reads of runs advance their pending steps."""

    state_type = AbejaState

    def initial(self) -> AbejaState:
        """The seeded organizations, deployment, versions, channels and training models."""
        return AbejaState(organizations={org.organization_id: org for org in seed(self.transitions.clock)})

    # ---- organizations and access ----------------------------------------------------------------

    def organization(self, user: str, organization_id: str) -> Organization:
        """The organization, if this user may act on it: 404 when unknown, 403 when not a member."""
        organization = found(
            self.state.organizations, organization_id, NotFound(f"organization {organization_id} not found")
        )
        if user not in organization.members:
            raise Forbidden(f"you are not a member of organization {organization_id}")
        return organization

    def organizations_of(self, user: str) -> list[Organization]:
        return [org for org in self.state.organizations.values() if user in org.members]

    # ---- deployments ----------------------------------------------------------------------------

    def create_deployment(self, user: str, organization_id: str, body: Mapping[str, Any]) -> Deployment:
        organization = self.organization(user, organization_id)
        name = optional_str(body, "name")
        if not name:
            raise BadRequest.field("name", "is required")
        environment = optional_str_map(body, "default_environment") or {}
        now = self._now()
        deployment = Deployment(
            deployment_id=self._new_digits(),
            name=name,
            description=optional_str(body, "description") or "",
            creator_id=user,
            default_environment=environment,
            created_at=now,
            modified_at=now,
        )
        organization.deployments[deployment.deployment_id] = deployment
        return deployment

    def deployment(self, user: str, organization_id: str, deployment_id: str) -> Deployment:
        deployments = self.organization(user, organization_id).deployments
        return found(deployments, deployment_id, NotFound(f"deployment {deployment_id} not found"))

    def list_deployments(self, user: str, organization_id: str) -> list[Deployment]:
        return list(self.organization(user, organization_id).deployments.values())

    def patch_deployment(
        self, user: str, organization_id: str, deployment_id: str, body: Mapping[str, Any]
    ) -> Deployment:
        deployment = self.deployment(user, organization_id, deployment_id)
        name = optional_str(body, "name")
        environment = optional_str_map(body, "default_environment")
        if name:
            deployment.name = name
        if environment is not None:
            deployment.default_environment = environment
        deployment.modified_at = self._now()
        return deployment

    def delete_deployment(self, user: str, organization_id: str, deployment_id: str) -> None:
        """Deleting a deployment takes its versions, triggers and runs with it."""
        self.deployment(user, organization_id, deployment_id)
        del self.state.organizations[organization_id].deployments[deployment_id]

    # ---- versions -------------------------------------------------------------------------------

    def create_version(self, user: str, organization_id: str, deployment_id: str, body: Mapping[str, Any]) -> Version:
        try:
            deployment = self.deployment(user, organization_id, deployment_id)
        except NotFound as missing:
            # The SDK documents a missing deployment as a BadRequest for this call alone.
            raise BadRequest(missing.message) from None
        name = optional_str(body, "version")
        if not name:
            raise BadRequest.field("version", "is required")
        if any(v.version == name for v in deployment.versions.values()):
            raise BadRequest.field("version", f"{name} already exists in this deployment")
        now = self._now()
        version = Version(
            version_id="ver-" + secrets.token_hex(8),
            deployment_id=deployment_id,
            version=name,
            handler=optional_str(body, "handler") or "main:handler",
            image=optional_str(body, "image") or "abeja-inc/all-cpu:19.10",
            user_parameters=optional_object(body, "user_parameters") or {},
            created_at=now,
            modified_at=now,
        )
        deployment.versions[version.version_id] = version
        return version

    def version(self, user: str, organization_id: str, deployment_id: str, version_id: str) -> Version:
        versions = self.deployment(user, organization_id, deployment_id).versions
        return found(versions, version_id, NotFound(f"version {version_id} not found"))

    def list_versions(self, user: str, organization_id: str, deployment_id: str) -> list[Version]:
        return list(self.deployment(user, organization_id, deployment_id).versions.values())

    def delete_version(self, user: str, organization_id: str, deployment_id: str, version_id: str) -> None:
        deployment = self.deployment(user, organization_id, deployment_id)
        self.version(user, organization_id, deployment_id, version_id)
        users = [t.trigger_id for t in deployment.triggers.values() if t.model_version_id == version_id]
        if users:
            raise BadRequest(f"version {version_id} is used by trigger {', '.join(users)}")
        del deployment.versions[version_id]

    def upload_source(self, organization_id: str, deployment_id: str, version_id: str) -> None:
        """The presigned PUT of a version's source tarball (no credentials, as S3's presigned URLs)."""
        deployment = self.state.organizations.get(organization_id, _EMPTY_ORG).deployments.get(deployment_id)
        version = deployment.versions.get(version_id) if deployment else None
        if version is None:
            raise NotFound(f"no upload expected for version {version_id}")
        version.uploaded = True

    # ---- channels and training models -----------------------------------------------------------

    def create_channel(self, user: str, organization_id: str, body: Mapping[str, Any]) -> Channel:
        organization = self.organization(user, organization_id)
        name = optional_str(body, "name")
        if not name:
            raise BadRequest.field("name", "is required")
        storage_type = optional_str(body, "storage_type") or "datalake"
        if storage_type not in ("datalake", "file"):
            raise BadRequest.field("storage_type", "must be datalake or file")
        now = self._channel_now()
        channel = Channel(
            channel_id=self._new_digits(),
            name=name,
            description=optional_str(body, "description") or "",
            storage_type=storage_type,
            created_at=now,
            updated_at=now,
        )
        organization.channels[channel.channel_id] = channel
        return channel

    def channel(self, user: str, organization_id: str, channel_id: str) -> Channel:
        channels = self.organization(user, organization_id).channels
        return found(channels, channel_id, NotFound(f"channel {channel_id} not found"))

    def list_channels(self, user: str, organization_id: str, filter_archived: bool) -> list[Channel]:
        channels = self.organization(user, organization_id).channels.values()
        return [c for c in channels if not (filter_archived and c.archived)]

    def set_archived(self, user: str, organization_id: str, channel_id: str, archived: bool) -> Channel:
        channel = self.channel(user, organization_id, channel_id)
        channel.archived = archived
        channel.updated_at = self._channel_now()
        return channel

    # ---- triggers -------------------------------------------------------------------------------

    def create_trigger(self, user: str, organization_id: str, deployment_id: str, body: Mapping[str, Any]) -> Trigger:
        organization = self.organization(user, organization_id)
        deployment = self.deployment(user, organization_id, deployment_id)
        version_id = optional_str(body, "version_id")
        if not version_id:
            raise BadRequest.field("version_id", "is required")
        version = deployment.versions.get(version_id)
        if version is None:
            raise BadRequest.field("version_id", f"{version_id} is not a version of deployment {deployment_id}")
        input_name = optional_str(body, "input_service_name")
        if input_name not in INPUT_SERVICES:
            raise BadRequest.field("input_service_name", "must be datalake")
        input_id = optional_str(body, "input_service_id")
        if not input_id or input_id not in organization.channels:
            raise BadRequest.field("input_service_id", f"channel {input_id} not found")
        output_name, output_id = optional_str(body, "output_service_name"), optional_str(body, "output_service_id")
        if bool(output_name) != bool(output_id):
            missing = "output_service_id" if output_name else "output_service_name"
            raise BadRequest.field(missing, "is required when the other output_service field is given")
        if output_name is not None and output_name not in INPUT_SERVICES:
            raise BadRequest.field("output_service_name", "must be datalake")
        if output_id is not None and output_id not in organization.channels:
            raise BadRequest.field("output_service_id", f"channel {output_id} not found")
        retry_count = optional_int(body, "retry_count", minimum=0, maximum=MAX_RETRY_COUNT)
        distribution = optional_int(body, "distribution", minimum=0, maximum=None)
        environment = optional_str_map(body, "environment")
        models = optional_object(body, "models") or {}
        alias = models.get("alias")
        if alias is not None and (not isinstance(alias, str) or alias not in organization.training_model_ids):
            raise BadRequest.field("models.alias", f"training model {alias} not found")
        now = self._now()
        trigger = Trigger(
            trigger_id="tri-" + _alnum(16),
            organization_id=organization_id,
            deployment_id=deployment_id,
            model_version=version.version,
            model_version_id=version.version_id,
            models={"alias": alias} if alias else {},
            input_service_name=input_name,
            input_service_id=input_id,
            output_service_name=output_name,
            output_service_id=output_id,
            retry_count=DEFAULT_RETRY_COUNT if retry_count is None else retry_count,
            distribution=distribution,
            user_env_vars=environment or {},
            created_at=now,
            modified_at=now,
        )
        deployment.triggers[trigger.trigger_id] = trigger
        return trigger

    def trigger(self, user: str, organization_id: str, deployment_id: str, trigger_id: str) -> Trigger:
        triggers = self.deployment(user, organization_id, deployment_id).triggers
        return found(triggers, trigger_id, NotFound(f"trigger {trigger_id} not found"))

    def list_triggers(self, user: str, organization_id: str, deployment_id: str) -> list[Trigger]:
        return list(self.deployment(user, organization_id, deployment_id).triggers.values())

    def delete_trigger(self, user: str, organization_id: str, deployment_id: str, trigger_id: str) -> None:
        self.trigger(user, organization_id, deployment_id, trigger_id)
        del self.deployment(user, organization_id, deployment_id).triggers[trigger_id]

    # ---- runs -----------------------------------------------------------------------------------

    def file_arrived(self, organization_id: str, channel_id: str, file_id: str | None, fail: bool) -> list[Run]:
        """Simulate a file landing in a channel: one SUBMITTED run per trigger listening on it."""
        organization = self.state.organizations.get(organization_id)
        if organization is None or channel_id not in organization.channels:
            raise NotFound(f"channel {channel_id} not found in organization {organization_id}")
        file_id = file_id or f"{_compact(self.transitions.clock())}-{secrets.token_hex(4)}"
        started = []
        for deployment in organization.deployments.values():
            for trigger in deployment.triggers.values():
                if trigger.input_service_id != channel_id:
                    continue
                self.state.run_seq += 1
                now = self._now()
                copied = {"trigger_id", "deployment_id", "model_version_id", "models", "retry_count", "distribution"}
                run = Run(
                    **trigger.model_dump(include={*copied, "user_env_vars"}),
                    run_id="run-" + _alnum(16),
                    input_data={"$datalake:1": f"{channel_id}/{file_id}"},
                    created_at=now,
                    modified_at=now,
                    seq=self.state.run_seq,
                    outcome="FAILED" if fail else "SUCCEEDED",
                    pending=self.transitions.start(PLATFORM, RUN_STEPS[1]),
                )
                deployment.runs[run.run_id] = run
                started.append(run)
        return started

    def runs(self, user: str, org: str, dep: str, trigger_id: str | None, forward: bool, token: str | None) -> RunsPage:
        """A page of a deployment's runs, or (`trigger_id`) of one trigger's."""
        deployment = self.deployment(user, org, dep)
        if trigger_id is not None:
            self.trigger(user, org, dep, trigger_id)
        runs = [run for run in deployment.runs.values() if trigger_id in (None, run.trigger_id)]
        return self._page(runs, forward, token)

    trigger_runs = runs

    def _page(self, runs: list[Run], scan_forward: bool, page_token: str | None) -> RunsPage:
        start = _offset(page_token)
        ordered = sorted(runs, key=lambda run: run.seq, reverse=not scan_forward)
        entries = [self._observe(run) for run in ordered[start : start + RUNS_PAGE_SIZE]]
        more = start + RUNS_PAGE_SIZE < len(ordered)
        return RunsPage(entries=entries, next_page_token=_token(start + RUNS_PAGE_SIZE) if more else None)

    def _observe(self, run: Run) -> Run:
        """Count a read of a run: it takes its next step when its transition is due."""
        if run.pending is not None and self.transitions.reached(run.pending):
            run.status = run.pending.target or run.outcome
            run.modified_at = self._now()
            if run.status in RUN_STEPS:
                after = RUN_STEPS.index(run.status) + 1
                target = RUN_STEPS[after] if after < len(RUN_STEPS) else run.outcome
                run.pending = self.transitions.start(PLATFORM, target)
            else:
                run.pending = None
        return run

    # ---- state ----------------------------------------------------------------------------------

    def _now(self) -> str:
        return timestamp(self.transitions.clock())

    def _channel_now(self) -> str:
        return channel_timestamp(self.transitions.clock())

    def _new_digits(self) -> str:
        taken = {
            ident
            for org in self.state.organizations.values()
            for ident in (*org.deployments, *org.channels, org.organization_id)
        }
        while True:
            candidate = _digits()
            if candidate not in taken:
                return candidate


_EMPTY_ORG = Organization(organization_id="", name="", members=[], created_at="", updated_at="")


def seed(clock: Clock) -> list[Organization]:
    """The fixtures every reset restores (ids in the module constants and the sandbox README)."""
    now, channel_now = timestamp(clock()), channel_timestamp(clock())
    versions = {
        version_id: Version(
            version_id=version_id,
            deployment_id=DEPLOYMENT_ID,
            version=name,
            uploaded=True,
            created_at=now,
            modified_at=now,
        )
        for version_id, name in zip(VERSION_IDS, VERSION_NAMES, strict=True)
    }
    deployment = Deployment(
        deployment_id=DEPLOYMENT_ID,
        name="sandbox-deployment",
        description="seeded by the sandbox",
        creator_id=SANDBOX_USER_ID,
        versions=versions,
        created_at=now,
        modified_at=now,
    )
    channels = {
        channel_id: Channel(channel_id=channel_id, name=name, created_at=channel_now, updated_at=channel_now)
        for channel_id, name in ((INPUT_CHANNEL_ID, "sandbox-input"), (OUTPUT_CHANNEL_ID, "sandbox-output"))
    }
    return [
        Organization(
            organization_id=ORGANIZATION_ID,
            name="sandbox-org",
            members=[SANDBOX_USER_ID],
            deployments={DEPLOYMENT_ID: deployment},
            channels=channels,
            training_model_ids=list(TRAINING_MODEL_IDS),
            created_at=channel_now,
            updated_at=channel_now,
        ),
        Organization(
            organization_id=OTHER_ORGANIZATION_ID,
            name="other-org",
            members=[OTHER_USER_ID],
            created_at=channel_now,
            updated_at=channel_now,
        ),
    ]


# ---- readers of body fields (400 naming the field) ---------------------------------------------------


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"runs:{offset}".encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "runs" and re.fullmatch(r"\d+", number):
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise BadRequest.field("next_page_token", "is not a token this API gave out")


def _compact(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y%m%dT%H%M%S")
