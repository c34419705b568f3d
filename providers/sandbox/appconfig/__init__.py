"""The AppConfig emulator: moto 5.2.5 extended with environments, deployment strategies and deployments,
served by moto's own threaded server through the sandbox's pipeline. Seeds and control routes
(`/_sandbox/appconfig/clock`, `/alarm`) are described in the sandbox's README."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from providers.sandbox.appconfig import documented, urls
from providers.sandbox.appconfig.exceptions import error_body, error_code
from providers.sandbox.appconfig.models import (
    ACCOUNT_ID,
    CLOCK,
    PLATFORM,
    REGION,
    SEED_APPLICATION_ID,
    SEED_ENVIRONMENT_ID,
    SEED_PROFILE_ID,
    SEED_STRATEGY_ID,
    SEED_VERSION_NUMBER,
    backend,
    extension,
    reset_and_seed,
)
from providers.sandbox.appconfig.server import ControlledApp
from providers.sandbox.core.http import HttpError, Request, Response, Route
from providers.sandbox.core.platform import Platform
from providers.sandbox.core.server import ServerThread
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.core.validation import FieldError

if TYPE_CHECKING:
    from providers.sandbox.core.app import SandboxApp
    from providers.sandbox.sandbox import SandboxControl

# Dummy credentials: moto checks no signature; this key maps to its default account.
ACCESS_KEY_ID = "sandbox-appconfig"
SECRET_ACCESS_KEY = "sandbox-appconfig-secret"
# StartDeployment's sensitive member: the platform receives it, the request log does not keep it.
SENSITIVE_MEMBERS = ("DynamicExtensionParameters",)

urls.install()

__all__ = [
    "ACCOUNT_ID",
    "REGION",
    "SEED_APPLICATION_ID",
    "SEED_ENVIRONMENT_ID",
    "SEED_PROFILE_ID",
    "SEED_STRATEGY_ID",
    "SEED_VERSION_NUMBER",
    "AppConfigControl",
    "create_platform",
]


class AppConfigBackend:
    """The sandbox-facing side of moto's AppConfig state (reset, dump); knows where moto is served."""

    def __init__(self) -> None:
        self.endpoint: str | None = None
        reset_and_seed()

    def reset(self) -> None:
        reset_and_seed()

    def dump(self) -> dict[str, Any]:
        moto_backend = backend()
        now = CLOCK.minutes()
        ext = extension(moto_backend)
        return {
            "applications": {
                app_id: {**app.to_json(), "ConfigurationProfiles": sorted(app.config_profiles)}
                for app_id, app in moto_backend.applications.items()
            },
            **ext.dump(now),
            "deployments": [
                {
                    "application_id": env.application_id,
                    "environment_id": env.id,
                    "number": deployment.number,
                    "state": deployment.state(now),
                    "tags": moto_backend.list_tags_for_resource(deployment.arn),
                }
                for envs in ext.environments.values()
                for env in envs.values()
                for deployment in env.deployments
            ],
            "hosted_versions": [
                {
                    "application_id": app_id,
                    "profile_id": profile_id,
                    "version_number": number,
                    "seeded": (app_id, profile_id, number)
                    == (SEED_APPLICATION_ID, SEED_PROFILE_ID, SEED_VERSION_NUMBER),
                }
                for app_id, app in moto_backend.applications.items()
                for profile_id, profile in app.config_profiles.items()
                for number in sorted(profile.config_versions)
            ],
            "seconds_per_minute": CLOCK.seconds_per_minute,
        }

    def load(self, data: dict[str, Any]) -> None:
        # Moto's objects are not serialisable: a state file keeps the other platforms only.
        return None

    def serve(self, app: SandboxApp, host: str, port: int) -> ServerThread:
        """The server of moto's app for this platform of `app`, bound now, behind the app's pipeline."""
        server = ServerThread(ControlledApp(app), host, port)
        self.endpoint = server.url
        return server

    def environment(self, url: str) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL_APPCONFIG": self.endpoint or url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": REGION,
        }

    # ---- control plane -----------------------------------------------------------------------------

    def set_clock(self, request: Request) -> Response:
        """`PUT /_sandbox/appconfig/clock` `{"seconds_per_minute": S}`: S wall seconds per strategy minute."""
        value = request.json_object().get("seconds_per_minute")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise FieldError("seconds_per_minute must be a number > 0")
        CLOCK.set_seconds_per_minute(float(value))
        return Response(200, CLOCK.dump())

    def alarm(self, request: Request) -> Response:
        """`POST /_sandbox/appconfig/alarm` `{"application_id", "environment_id", "deployment_number"?,
        "alarm_arn"?}`: roll the (latest) active deployment back as a CloudWatch alarm would."""
        doc = request.json_object()
        app_id, env_id = doc.get("application_id"), doc.get("environment_id")
        if not isinstance(app_id, str) or not isinstance(env_id, str):
            raise FieldError("application_id and environment_id are required")
        number = doc.get("deployment_number")
        alarm_arn = doc.get("alarm_arn") or f"arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:sandbox-alarm"
        now = CLOCK.minutes()
        try:
            deployment = extension(backend()).alarm_rollback(
                app_id, env_id, int(number) if number is not None else None, str(alarm_arn), now
            )
        except Exception as error:
            message = getattr(error, "message", None)
            if message is None:
                raise
            raise HttpError(str(message), int(getattr(error, "code", 400))) from None
        return Response(200, deployment.to_json(now))


def create_platform(transitions: Transitions) -> Platform:
    """AppConfig as a sandbox platform: no routes on the sandbox's own port (moto serves them on a
    server of its own, see `AppConfigBackend.serve`), control routes, reset and the environment."""
    state = AppConfigBackend()
    return Platform(
        name=PLATFORM,
        backend=state,
        routes=[],
        control_routes=[
            Route("PUT", r"/clock", "sandbox.appconfig.set_clock", state.set_clock),
            Route("GET", r"/clock", "sandbox.appconfig.get_clock", lambda _: Response(200, CLOCK.dump())),
            Route("POST", r"/alarm", "sandbox.appconfig.alarm", state.alarm),
        ],
        # Moto checks no signature: every caller is the one account.
        credential=lambda _request: ACCOUNT_ID,
        default_tokens={ACCOUNT_ID: ACCOUNT_ID},
        error_body=lambda error: error_body(error.message, error.status),
        error_headers=lambda error: {"x-amzn-ErrorType": error_code(error.status)},
        environment=state.environment,
        server=state.serve,
        sensitive=SENSITIVE_MEMBERS,
        documented=documented.answer,
    )


class AppConfigControl:
    """The AppConfig control routes of a sandbox (in-process or elsewhere)."""

    def __init__(self, sandbox: SandboxControl) -> None:
        self.sandbox = sandbox

    def set_clock(self, seconds_per_minute: float) -> None:
        """How many wall seconds one strategy minute lasts (default 1)."""
        self.sandbox._call("PUT", f"/{PLATFORM}/clock", {"seconds_per_minute": seconds_per_minute})

    def clock(self) -> float:
        return float(self.sandbox._call("GET", f"/{PLATFORM}/clock")["seconds_per_minute"])

    def alarm_rollback(
        self,
        application_id: str,
        environment_id: str,
        deployment_number: int | None = None,
        alarm_arn: str | None = None,
    ) -> dict[str, Any]:
        """Roll a deployment back as a CloudWatch alarm would; returns the deployment."""
        body: dict[str, Any] = {"application_id": application_id, "environment_id": environment_id}
        options = {"deployment_number": deployment_number, "alarm_arn": alarm_arn}
        body.update({k: v for k, v in options.items() if v is not None})
        return dict(self.sandbox._call("POST", f"/{PLATFORM}/alarm", body))
