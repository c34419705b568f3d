"""What moto 5.2.5 lacks for AppConfig: environments, deployment strategies and deployments.

State and rules only, no HTTP. The state hangs off moto's own `AppConfigBackend` (in its
`__dict__`), so moto's reset clears it with the applications it belongs to. Deployments advance in
strategy time, computed when read; the choices where AWS is silent are listed in the sandbox's README."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.appconfig.models import AppConfigBackend, Application, ConfigurationProfile, appconfig_backends
from moto.moto_api._internal import mock_random

from providers.sandbox.appconfig.exceptions import BadRequest, Conflict, NotFound

PLATFORM = "appconfig"
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"

# The fixtures every sandbox starts with (and gets back on reset); documented in the README.
SEED_APPLICATION_ID = "mlpapp1"
SEED_ENVIRONMENT_ID = "mlpenv1"
SEED_PROFILE_ID = "mlpcfg1"
SEED_STRATEGY_ID = "mlpqck1"
SEED_VERSION_NUMBER = 1
SEED_CONTENT = b'{"greeting": "hello from the sandbox"}'

ACTIVE_STATES = frozenset({"DEPLOYING", "VALIDATING", "BAKING", "ROLLING_BACK"})
ALARM_ROLLBACK_MINUTES = 1.0
REVERT_MINUTES = 72 * 60
DEFAULT_SECONDS_PER_MINUTE = 1.0
ID_PATTERN = re.compile(r"^[a-z0-9]{4,7}$")
PREDEFINED_ID_PATTERN = re.compile(r"^AppConfig\.[A-Za-z0-9]{9,40}$")
MAX_RESULTS = 50


class StrategyClock:
    """Strategy minutes as a function of wall time, at a scale that can change while deployments run.

    A change of scale re-anchors the clock, so strategy time never jumps or runs backwards.
    """

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.seconds_per_minute = DEFAULT_SECONDS_PER_MINUTE
            self._anchor_wall = self._wall()
            self._anchor_minutes = 0.0

    def minutes(self) -> float:
        with self._lock:
            return self._anchor_minutes + (self._wall() - self._anchor_wall) / self.seconds_per_minute

    def set_seconds_per_minute(self, seconds: float) -> None:
        if not seconds > 0:
            raise ValueError("seconds_per_minute must be > 0")
        now = self.minutes()
        with self._lock:
            self._anchor_wall = self._wall()
            self._anchor_minutes = now
            self.seconds_per_minute = float(seconds)

    def dump(self) -> dict[str, float]:
        return {"seconds_per_minute": self.seconds_per_minute}

    def wall_at(self, minutes: float) -> float:
        """The wall time (epoch seconds) at which strategy time reaches `minutes` (at today's scale)."""
        with self._lock:
            return self._anchor_wall + (minutes - self._anchor_minutes) * self.seconds_per_minute


CLOCK = StrategyClock()


class Hold(threading.local):
    """The transition mode for AppConfig (`PUT /_sandbox/transitions`) of the sandbox serving the
    request at hand, read at each start: `seconds` S keeps a finished rollout BAKING for S more
    seconds, `reads` N for N GetDeployment reads, so a test can catch deployments in flight whatever
    their strategy. Per thread: the sandbox's middleware sets it around each call into moto."""

    mode: tuple[str, float] = ("immediate", 0.0)


HOLD = Hold()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Strategy:
    id: str
    name: str
    duration: int
    growth_factor: float
    final_bake: int
    growth_type: str = "LINEAR"
    description: str | None = None
    replicate_to: str = "NONE"

    @property
    def predefined(self) -> bool:
        return self.id.startswith("AppConfig.")

    def to_json(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "DeploymentDurationInMinutes": self.duration,
            "GrowthType": self.growth_type,
            "GrowthFactor": self.growth_factor,
            "FinalBakeTimeInMinutes": self.final_bake,
            "ReplicateTo": self.replicate_to,
        }


PREDEFINED_STRATEGIES = (
    Strategy("AppConfig.AllAtOnce", "AppConfig.AllAtOnce", 0, 100.0, 10, description="Quick"),
    Strategy("AppConfig.Linear50PercentEvery30Seconds", "AppConfig.Linear50PercentEvery30Seconds", 1, 50.0, 1),
    Strategy("AppConfig.Linear20PercentEvery6Minutes", "AppConfig.Linear20PercentEvery6Minutes", 30, 20.0, 30),
    Strategy("AppConfig.Canary10Percent20Minutes", "AppConfig.Canary10Percent20Minutes", 20, 10.0, 10, "EXPONENTIAL"),
)


@dataclass
class Rollback:
    at: float
    """Strategy minute the rollback started, relative to the deployment's start."""
    minutes: float
    triggered_by: str
    description: str
    revert: bool = False


@dataclass
class Event:
    minute: float
    event_type: str
    triggered_by: str
    description: str


@dataclass
class Deployment:
    application_id: str
    environment_id: str
    number: int
    strategy: Strategy
    profile: ConfigurationProfile
    configuration_version: str
    version_label: str | None
    description: str | None
    kms_key_identifier: str | None
    kms_key_arn: str | None
    started: float
    """Strategy minute of the start (on CLOCK)."""
    arn: str
    rollback: Rollback | None = None
    hold_until: float = 0.0
    """Wall time before which a finished rollout still shows BAKING (the sandbox's `seconds` transitions)."""
    hold_reads: int = 0
    """GetDeployment reads that still show BAKING (the sandbox's `reads` transitions)."""

    def held(self) -> bool:
        return self.hold_reads > 0 or time.time() < self.hold_until

    def read(self) -> None:
        """One GetDeployment: counts down a `reads` hold."""
        if self.hold_reads > 0:
            self.hold_reads -= 1

    def steps(self) -> list[tuple[float, float]]:
        """(minute after start, percentage) of each rollout step."""
        growth = self.strategy.growth_factor
        percents: list[float] = []
        if self.strategy.growth_type == "EXPONENTIAL":
            k = 0
            while not percents or percents[-1] < 100:
                percents.append(min(100.0, growth * 2**k))
                k += 1
        else:
            percents = [min(100.0, growth * k) for k in range(1, math.ceil(100 / growth) + 1)]
        duration = self.strategy.duration
        if len(percents) == 1:
            return [(float(duration), 100.0)]
        return [(duration * i / (len(percents) - 1), p) for i, p in enumerate(percents)]

    def events(self, now: float) -> list[Event]:
        """Every event that happened by strategy minute `now`, oldest first."""
        elapsed = now - self.started
        end = self.rollback.at if self.rollback else math.inf
        events = [Event(0.0, "DEPLOYMENT_STARTED", "USER", "Deployment started")]
        for minute, percent in self.steps():
            if minute <= min(elapsed, end):
                events.append(
                    Event(
                        minute,
                        "PERCENTAGE_UPDATED",
                        "APPCONFIG",
                        f"Configuration deployment is {percent:.2f}% complete",
                    )
                )
        done_deploying = float(self.strategy.duration)
        finished = done_deploying + self.strategy.final_bake
        if self.strategy.final_bake and done_deploying <= min(elapsed, end):
            events.append(Event(done_deploying, "BAKE_TIME_STARTED", "APPCONFIG", "Bake time started"))
        if finished <= min(elapsed, end) and not self.held():
            events.append(Event(finished, "DEPLOYMENT_COMPLETED", "APPCONFIG", "Deployment completed"))
        if self.rollback is not None and self.rollback.at <= elapsed:
            rb = self.rollback
            if rb.revert:
                events.append(Event(rb.at, "REVERT_COMPLETED", rb.triggered_by, rb.description))
            else:
                events.append(Event(rb.at, "ROLLBACK_STARTED", rb.triggered_by, rb.description))
                if rb.at + rb.minutes <= elapsed:
                    events.append(Event(rb.at + rb.minutes, "ROLLBACK_COMPLETED", "APPCONFIG", "Rollback completed"))
        return events

    def state(self, now: float) -> str:
        elapsed = now - self.started
        if self.rollback is not None and self.rollback.at <= elapsed:
            if self.rollback.revert:
                return "REVERTED"
            return "ROLLED_BACK" if elapsed >= self.rollback.at + self.rollback.minutes else "ROLLING_BACK"
        if elapsed < self.strategy.duration:
            return "DEPLOYING"
        if elapsed < self.strategy.duration + self.strategy.final_bake or self.held():
            return "BAKING"
        return "COMPLETE"

    def percentage(self, now: float) -> float:
        state = self.state(now)
        if state in ("ROLLED_BACK", "REVERTED"):
            return 0.0
        elapsed = min(now - self.started, self.rollback.at if self.rollback else math.inf)
        reached = [p for minute, p in self.steps() if minute <= elapsed]
        return reached[-1] if reached else 0.0

    def completed_minute(self, now: float) -> float | None:
        state = self.state(now)
        if state == "COMPLETE":
            return self.started + self.strategy.duration + self.strategy.final_bake
        if state == "REVERTED" and self.rollback:
            return self.started + self.rollback.at
        if state == "ROLLED_BACK" and self.rollback:
            return self.started + self.rollback.at + self.rollback.minutes
        return None

    def _common(self, now: float) -> dict[str, Any]:
        completed = self.completed_minute(now)
        body: dict[str, Any] = {
            "DeploymentNumber": self.number,
            "ConfigurationProfileId": self.profile.id,
            "ConfigurationName": self.profile.name,
            "ConfigurationVersion": self.configuration_version,
            "DeploymentDurationInMinutes": self.strategy.duration,
            "GrowthType": self.strategy.growth_type,
            "GrowthFactor": self.strategy.growth_factor,
            "FinalBakeTimeInMinutes": self.strategy.final_bake,
            "State": self.state(now),
            "PercentageComplete": self.percentage(now),
            "StartedAt": iso(CLOCK.wall_at(self.started)),
        }
        if completed is not None:
            body["CompletedAt"] = iso(CLOCK.wall_at(completed))
        if self.version_label:
            body["VersionLabel"] = self.version_label
        return body

    def to_summary(self, now: float) -> dict[str, Any]:
        return {**self._common(now), "Type": "USER"}

    def to_json(self, now: float) -> dict[str, Any]:
        body = {
            "ApplicationId": self.application_id,
            "EnvironmentId": self.environment_id,
            "DeploymentStrategyId": self.strategy.id,
            "ConfigurationLocationUri": self.profile.location_uri,
            "Description": self.description,
            "EventLog": [
                {
                    "EventType": e.event_type,
                    "TriggeredBy": e.triggered_by,
                    "Description": e.description,
                    "OccurredAt": iso(CLOCK.wall_at(self.started + e.minute)),
                }
                for e in reversed(self.events(now))
            ],
            "AppliedExtensions": [],
            **self._common(now),
        }
        if self.kms_key_identifier:
            body["KmsKeyIdentifier"] = self.kms_key_identifier
            body["KmsKeyArn"] = self.kms_key_arn
        return {k: v for k, v in body.items() if v is not None}


@dataclass
class Environment:
    application_id: str
    id: str
    name: str
    arn: str
    description: str | None = None
    monitors: list[dict[str, str]] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)

    def latest(self) -> Deployment | None:
        return self.deployments[-1] if self.deployments else None

    def state(self, now: float) -> str:
        latest = self.latest()
        if latest is None:
            return "READY_FOR_DEPLOYMENT"
        state = latest.state(now)
        if state in ("DEPLOYING", "BAKING", "VALIDATING"):
            return "DEPLOYING"
        if state in ("ROLLING_BACK", "ROLLED_BACK", "REVERTED"):
            return state
        return "READY_FOR_DEPLOYMENT"

    def to_json(self, now: float) -> dict[str, Any]:
        return {
            "ApplicationId": self.application_id,
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "State": self.state(now),
            "Monitors": self.monitors,
        }


class AppConfigExtension:
    """Environments, custom strategies and deployments of one moto AppConfig backend."""

    def __init__(self, backend: AppConfigBackend) -> None:
        self.backend = backend
        self.environments: dict[str, dict[str, Environment]] = {}
        self.strategies: dict[str, Strategy] = {}

    # ---- helpers ---------------------------------------------------------------------------------

    def _arn(self, part: str) -> str:
        return f"arn:aws:appconfig:{self.backend.region_name}:{self.backend.account_id}:{part}"

    def _new_id(self, taken: Iterable[str]) -> str:
        taken = set(taken)
        while True:
            candidate = mock_random.get_random_string(length=7, lower_case=True)
            if candidate not in taken:
                return candidate

    def application(self, app_id: str) -> Application:
        app = self.backend.applications.get(app_id)
        if app is None:
            raise NotFound(f"Application {app_id} not found", "Application")
        return app

    # ---- environments ------------------------------------------------------------------------------

    def create_environment(self, app_id: str, document: dict[str, Any], env_id: str | None = None) -> Environment:
        """CreateEnvironment with its body (`Name`, `Description`, `Monitors`, `Tags`)."""
        self.application(app_id)
        name, description, monitors = document.get("Name"), document.get("Description"), document.get("Monitors")
        _check_name(name)
        _check_description(description)
        _check_monitors(monitors)
        envs = self.environments.setdefault(app_id, {})
        env_id = env_id or self._new_id(envs)
        arn = self._arn(f"application/{app_id}/environment/{env_id}")
        envs[env_id] = Environment(app_id, env_id, str(name), arn, description, monitors or [])
        self.backend.tag_resource(arn, document.get("Tags") or {})
        return envs[env_id]

    def get_environment(self, app_id: str, env_id: str) -> Environment:
        self.application(app_id)
        env = self.environments.get(app_id, {}).get(env_id)
        if env is None:
            raise NotFound(f"Environment {env_id} not found in application {app_id}", "Environment")
        return env

    def list_environments(self, app_id: str) -> list[Environment]:
        self.application(app_id)
        return list(self.environments.get(app_id, {}).values())

    def update_environment(
        self, app_id: str, env_id: str, name: str | None, description: str | None, monitors: list[dict[str, str]] | None
    ) -> Environment:
        env = self.get_environment(app_id, env_id)
        if name is not None:
            _check_name(name)
            env.name = name
        if description is not None:
            _check_description(description)
            env.description = description
        if monitors is not None:
            _check_monitors(monitors)
            env.monitors = monitors
        return env

    def delete_environment(self, app_id: str, env_id: str, now: float) -> None:
        env = self.get_environment(app_id, env_id)
        if env.state(now) in ("DEPLOYING", "ROLLING_BACK"):
            raise Conflict(f"Environment {env_id} has a deployment in progress")
        del self.environments[app_id][env_id]

    # ---- strategies --------------------------------------------------------------------------------

    def all_strategies(self) -> list[Strategy]:
        return [*PREDEFINED_STRATEGIES, *self.strategies.values()]

    def get_strategy(self, strategy_id: str) -> Strategy:
        for strategy in self.all_strategies():
            if strategy.id == strategy_id:
                return strategy
        if not (ID_PATTERN.match(strategy_id) or PREDEFINED_ID_PATTERN.match(strategy_id)):
            raise BadRequest(f"Invalid deployment strategy id {strategy_id!r}")
        raise NotFound(f"Deployment strategy {strategy_id} not found", "DeploymentStrategy")

    def create_strategy(self, document: dict[str, Any], strategy_id: str | None = None) -> Strategy:
        name = document.get("Name")
        _check_name(name)
        _check_description(document.get("Description"))
        strategy = Strategy(
            id=strategy_id or self._new_id(self.strategies),
            name=str(name),
            duration=_minutes(document, "DeploymentDurationInMinutes", required=True),
            growth_factor=_growth(document.get("GrowthFactor")),
            final_bake=_minutes(document, "FinalBakeTimeInMinutes"),
            growth_type=_choice(document.get("GrowthType") or "LINEAR", "GrowthType", ("LINEAR", "EXPONENTIAL")),
            description=document.get("Description"),
            replicate_to=_choice(document.get("ReplicateTo") or "NONE", "ReplicateTo", ("NONE", "SSM_DOCUMENT")),
        )
        self.strategies[strategy.id] = strategy
        self.backend.tag_resource(self._arn(f"deploymentstrategy/{strategy.id}"), document.get("Tags") or {})
        return strategy

    def update_strategy(self, strategy_id: str, document: dict[str, Any]) -> Strategy:
        strategy = self.get_strategy(strategy_id)
        if strategy.predefined:
            raise BadRequest(f"Cannot update predefined Deployment Strategy {strategy_id}")
        if "Description" in document:
            _check_description(document["Description"])
            strategy.description = document["Description"]
        if document.get("DeploymentDurationInMinutes") is not None:
            strategy.duration = _minutes(document, "DeploymentDurationInMinutes")
        if document.get("FinalBakeTimeInMinutes") is not None:
            strategy.final_bake = _minutes(document, "FinalBakeTimeInMinutes")
        if document.get("GrowthFactor") is not None:
            strategy.growth_factor = _growth(document["GrowthFactor"])
        if document.get("GrowthType") is not None:
            strategy.growth_type = _choice(document["GrowthType"], "GrowthType", ("LINEAR", "EXPONENTIAL"))
        return strategy

    def delete_strategy(self, strategy_id: str) -> None:
        strategy = self.get_strategy(strategy_id)
        if strategy.predefined:
            raise BadRequest(f"Cannot delete predefined Deployment Strategy {strategy_id}")
        del self.strategies[strategy_id]

    # ---- deployments -------------------------------------------------------------------------------

    def start_deployment(self, app_id: str, env_id: str, document: dict[str, Any], now: float) -> Deployment:
        env = self.get_environment(app_id, env_id)
        for required in ("DeploymentStrategyId", "ConfigurationProfileId", "ConfigurationVersion"):
            if not document.get(required):
                raise BadRequest(f"{required} is required")
        strategy = self.get_strategy(str(document["DeploymentStrategyId"]))
        profile = self.application(app_id).config_profiles.get(str(document["ConfigurationProfileId"]))
        if profile is None:
            raise NotFound(
                f"Configuration profile {document['ConfigurationProfileId']} not found", "ConfigurationProfile"
            )
        version = str(document["ConfigurationVersion"])
        if len(version) > 1024:
            raise BadRequest("ConfigurationVersion must be at most 1024 characters")
        _check_description(document.get("Description"))
        version, label = _resolve_version(profile, version)
        latest = env.latest()
        expected = document.get("LatestDeploymentNumber")
        if expected is not None and expected != (latest.number if latest else 0):
            raise Conflict(f"The latest deployment number of environment {env_id} is not {expected}")
        if latest is not None and latest.state(now) in ACTIVE_STATES:
            raise Conflict(
                f"Deployment number {latest.number} is {latest.state(now)} in environment {env_id}; "
                "only one deployment can be active in an environment at a time"
            )
        number = (latest.number if latest else 0) + 1
        kms = document.get("KmsKeyIdentifier")
        deployment = Deployment(
            application_id=app_id,
            environment_id=env_id,
            number=number,
            strategy=Strategy(**vars(strategy)),
            profile=profile,
            configuration_version=version,
            version_label=label,
            description=document.get("Description"),
            kms_key_identifier=kms,
            kms_key_arn=_kms_arn(kms, self.backend.region_name, self.backend.account_id) if kms else None,
            started=now,
            arn=self._arn(f"application/{app_id}/environment/{env_id}/deployment/{number}"),
        )
        mode, value = HOLD.mode
        if mode == "seconds":
            deployment.hold_until = time.time() + value
        elif mode == "reads":
            deployment.hold_reads = int(value)
        env.deployments.append(deployment)
        self.backend.tag_resource(deployment.arn, document.get("Tags") or {})
        return deployment

    def get_deployment(self, app_id: str, env_id: str, number: int) -> Deployment:
        env = self.get_environment(app_id, env_id)
        for deployment in env.deployments:
            if deployment.number == number:
                return deployment
        raise NotFound(f"Deployment {number} not found in environment {env_id}", "Deployment")

    def list_deployments(self, app_id: str, env_id: str) -> list[Deployment]:
        return list(reversed(self.get_environment(app_id, env_id).deployments))

    def stop_deployment(self, app_id: str, env_id: str, number: int, allow_revert: bool, now: float) -> Deployment:
        """StopDeployment as botocore's model documents it: only a DEPLOYING deployment, unless AllowRevert
        is set; then an in-progress one (BAKING, VALIDATING) is ROLLED_BACK, and a COMPLETE one REVERTED
        within 72 hours of its completion."""
        deployment = self.get_deployment(app_id, env_id, number)
        state, elapsed = deployment.state(now), now - deployment.started
        completed = deployment.completed_minute(now)
        if state == "DEPLOYING" or (allow_revert and state in ("BAKING", "VALIDATING")):
            deployment.rollback = Rollback(elapsed, 0.0, "USER", "Deployment stopped by user; rolling back")
        elif allow_revert and state == "COMPLETE" and completed is not None and now - completed <= REVERT_MINUTES:
            deployment.rollback = Rollback(elapsed, 0.0, "USER", "Deployment reverted by user", revert=True)
        else:
            raise BadRequest(
                f"Deployment {number} is {state}: StopDeployment works only on a DEPLOYING deployment, unless "
                "AllowRevert is set (then on a BAKING or VALIDATING one, or a COMPLETE one within 72 hours)"
            )
        return deployment

    def alarm_rollback(self, app_id: str, env_id: str, number: int | None, alarm_arn: str, now: float) -> Deployment:
        """What a CloudWatch alarm on the environment does to an active deployment."""
        if number is None:
            latest = self.get_environment(app_id, env_id).latest()
            if latest is None:
                raise NotFound(f"Environment {env_id} has no deployment", "Deployment")
            number = latest.number
        deployment = self.get_deployment(app_id, env_id, number)
        if deployment.state(now) not in ("DEPLOYING", "BAKING", "VALIDATING"):
            raise BadRequest(f"Deployment {number} is {deployment.state(now)}; only an active one can be rolled back")
        deployment.rollback = Rollback(
            now - deployment.started,
            ALARM_ROLLBACK_MINUTES,
            "CLOUDWATCH_ALARM",
            f"Rollback initiated by CloudWatch alarm {alarm_arn}",
        )
        return deployment

    def dump(self, now: float) -> dict[str, Any]:
        return {
            "environments": {
                app: {env_id: {**env.to_json(now), "Deployments": len(env.deployments)} for env_id, env in envs.items()}
                for app, envs in self.environments.items()
            },
            "strategies": [s.to_json() for s in self.strategies.values()],
        }


# ---- access to moto's backend ----------------------------------------------------------------------


def backend(account_id: str = ACCOUNT_ID, region: str = REGION) -> AppConfigBackend:
    found: AppConfigBackend = appconfig_backends[account_id][region]
    return found


def extension(moto_backend: AppConfigBackend) -> AppConfigExtension:
    """The extension state of a moto backend, created on first use inside the backend's own `__dict__`."""
    state = moto_backend.__dict__.get("sandbox_extension")
    if state is None:
        state = moto_backend.__dict__["sandbox_extension"] = AppConfigExtension(moto_backend)
    return state


def reset_and_seed() -> None:
    """Moto's reset for AppConfig (every account and region), then the documented fixtures."""
    for account_backends in list(appconfig_backends.values()):
        account_backends.reset()
    CLOCK.reset()
    seed(backend())


def _rekey(mapping: dict[str, Any], obj: Any, new_id: str) -> None:
    del mapping[obj.id]
    obj.arn = obj.arn.removesuffix(obj.id) + new_id
    obj.id = new_id
    mapping[new_id] = obj


def seed(moto_backend: AppConfigBackend) -> None:
    """An application with an environment, a hosted profile with one version, and a quick strategy,
    under fixed ids (moto draws random ones, so they are re-keyed)."""
    app = moto_backend.create_application("sandbox-app", "Seeded by the sandbox", tags={})
    _rekey(moto_backend.applications, app, SEED_APPLICATION_ID)
    profile = moto_backend.create_configuration_profile(
        application_id=SEED_APPLICATION_ID,
        name="sandbox-config",
        description="Seeded by the sandbox",
        location_uri="hosted",
        retrieval_role_arn="",
        validators=[],
        _type="AWS.Freeform",
        tags={},
    )
    _rekey(app.config_profiles, profile, SEED_PROFILE_ID)
    profile.create_version(
        app_id=SEED_APPLICATION_ID,
        config_id=SEED_PROFILE_ID,
        description="Seeded by the sandbox",
        content=SEED_CONTENT.decode(),
        content_type="application/json",
        version_label="seed",
    )
    ext = extension(moto_backend)
    ext.create_environment(
        SEED_APPLICATION_ID, {"Name": "sandbox", "Description": "Seeded by the sandbox"}, SEED_ENVIRONMENT_ID
    )
    ext.create_strategy(
        {
            "Name": "sandbox-quick",
            "Description": "Seeded by the sandbox: all at once, no bake time",
            "DeploymentDurationInMinutes": 0,
            "GrowthFactor": 100,
            "FinalBakeTimeInMinutes": 0,
        },
        strategy_id=SEED_STRATEGY_ID,
    )


# ---- validation (what AWS checks server-side and botocore does not) -------------------------------


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not 1 <= len(name) <= 64:
        raise BadRequest("Name must be 1 to 64 characters")


def _check_description(description: Any) -> None:
    if description is not None and (not isinstance(description, str) or len(description) > 1024):
        raise BadRequest("Description must be at most 1024 characters")


def _check_monitors(monitors: Sequence[Any] | None) -> None:
    if monitors and len(monitors) > 5:
        raise BadRequest("An environment takes at most 5 monitors")
    for monitor in monitors or []:
        if not isinstance(monitor, dict) or not monitor.get("AlarmArn"):
            raise BadRequest("Each monitor needs an AlarmArn")


def _minutes(document: dict[str, Any], name: str, required: bool = False) -> int:
    value = document.get(name)
    if value is None:
        if required:
            raise BadRequest(f"{name} is required")
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1440:
        raise BadRequest(f"{name} must be a whole number of minutes from 0 to 1440")
    return value


def _growth(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 100:
        raise BadRequest("GrowthFactor must be a number from 1 to 100")
    return float(value)


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BadRequest(f"{name} must be one of {', '.join(allowed)}")
    return str(value)


def _resolve_version(profile: ConfigurationProfile, version: str) -> tuple[str, str | None]:
    """A hosted profile's version given by number or by VersionLabel -> (number, label)."""
    if profile.location_uri != "hosted":
        return version, None
    for number, hosted in profile.config_versions.items():
        if str(number) == version or (hosted.version_label and hosted.version_label == version):
            return str(number), hosted.version_label or None
    raise NotFound(f"Configuration version {version} not found in profile {profile.id}", "HostedConfigurationVersion")


def _kms_arn(identifier: str, region: str, account: str) -> str:
    if identifier.startswith("arn:"):
        return identifier
    if identifier.startswith("alias/"):
        return f"arn:aws:kms:{region}:{account}:{identifier}"
    return f"arn:aws:kms:{region}:{account}:key/{identifier}"


def page(items: list[Any], max_results: Any, next_token: Any) -> tuple[list[Any], str | None]:
    """One page and the token of the next (an offset; stable because items are only appended)."""
    size = MAX_RESULTS
    if max_results is not None:
        try:
            size = int(max_results)
        except ValueError:
            raise BadRequest("MaxResults must be a number from 1 to 50") from None
        if not 1 <= size <= MAX_RESULTS:
            raise BadRequest("MaxResults must be a number from 1 to 50")
    start = 0
    if next_token:
        if not str(next_token).isdigit() or int(next_token) > len(items):
            raise BadRequest("The NextToken is not valid")
        start = int(next_token)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)
