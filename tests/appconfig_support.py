"""Helpers for the AppConfig tests: settings and plain boto3 clients pointed at the sandbox, the
AppConfig control routes, and objects made with boto3 the way a user's other tools would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from pulumi.dynamic import Config, ConfigureRequest

from providers.core import Settings
from providers.sandbox.appconfig import (
    SEED_APPLICATION_ID,
    SEED_ENVIRONMENT_ID,
    SEED_PROFILE_ID,
    SEED_STRATEGY_ID,
    AppConfigControl,
)
from tests.sdk_venvs import ensure_sdk_python

APP, ENV, PROFILE, QUICK = SEED_APPLICATION_ID, SEED_ENVIRONMENT_ID, SEED_PROFILE_ID, SEED_STRATEGY_ID


def appconfig_config(sb: Any) -> dict[str, str]:
    """Stack config (as `configure` receives it) pointing the providers at the sandbox."""
    env = sb.environment()
    return {
        "appconfig:endpoint": env["AWS_ENDPOINT_URL_APPCONFIG"],
        "aws:region": env["AWS_DEFAULT_REGION"],
        "aws:accessKey": env["AWS_ACCESS_KEY_ID"],
        "aws:secretKey": env["AWS_SECRET_ACCESS_KEY"],
    }


def appconfig_settings(sb: Any) -> Settings:
    return Settings.from_mapping(appconfig_config(sb), environ={})


def configured(provider_class: type, sb: Any) -> Any:
    provider = provider_class()
    provider.configure(ConfigureRequest(Config(appconfig_config(sb), "p")))
    return provider


def boto_client(sb: Any, **config: Any) -> Any:
    """A plain boto3 AppConfig client for the sandbox (botocore's own retries, as a user has them)."""
    env = sb.environment()
    return boto3.client(
        "appconfig",
        endpoint_url=env["AWS_ENDPOINT_URL_APPCONFIG"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        **config,
    )


def create_strategy(boto: Any, minutes: int, bake: int = 0, growth: float = 100.0, name: str = "test") -> str:
    answer = boto.create_deployment_strategy(
        Name=name, DeploymentDurationInMinutes=minutes, GrowthFactor=growth, FinalBakeTimeInMinutes=bake
    )
    return str(answer["Id"])


def create_environment(boto: Any, name: str = "extra", app: str = APP) -> str:
    return str(boto.create_environment(ApplicationId=app, Name=name)["Id"])


def deployments(boto: Any, app: str = APP, env: str = ENV) -> list[dict[str, Any]]:
    return list(boto.list_deployments(ApplicationId=app, EnvironmentId=env)["Items"])


def appconfig_requests(sb: Any, route: str | None = None) -> list[dict[str, Any]]:
    return [r for r in sb.requests(platform="appconfig") if route is None or r["route"] == f"appconfig.{route}"]


def statuses(sb: Any, route: str) -> list[int]:
    return [r["status"] for r in appconfig_requests(sb, route)]


@pytest.fixture(name="control")
def control_fixture(sb: Any) -> AppConfigControl:
    return AppConfigControl(sb)


@pytest.fixture(name="boto")
def boto_fixture(sb: Any) -> Any:
    return boto_client(sb)


BOTO3_VERSION = "1.44.5"


def ensure_boto3_python() -> Path:
    """The python of a per-user virtualenv holding only boto3 (and its botocore)."""
    requirements = [f"boto3=={BOTO3_VERSION}", f"botocore=={BOTO3_VERSION}"]
    return ensure_sdk_python(f"venv-appconfig-boto3-{BOTO3_VERSION}", requirements)
