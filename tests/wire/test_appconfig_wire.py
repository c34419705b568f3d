"""Wire conformance, AWS AppConfig: each AppConfigClient method sends what plain boto3 1.44.5 sends
for the same operation (reference: shared/reference/appconfig-api.md). Our client is boto3 too, so
this holds what we pass it: which members go out (JSON body keys, and the members AppConfig carries
in headers, such as a hosted version's Description and VersionLabel), and nothing more."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest

from providers.appconfig.client import AppConfigClient
from providers.core import Settings
from providers.sandbox import Sandbox
from providers.sandbox.appconfig.models import ACCOUNT_ID
from tests.appconfig_support import APP, ENV, PROFILE, ensure_boto3_python
from tests.wire.wire_support import (
    Differ,
    OurOps,
    RecordingProxy,
    Side,
    WireCase,
    check,
    clean_env,
    run_both,
    run_ours,
    run_sdk,
)

# The first test builds the SDK's virtualenv when this machine has none yet (minutes, once).
pytestmark = [pytest.mark.sdk, pytest.mark.timeout(900)]

REGION = "us-east-1"
DEPLOYMENT_ARN = f"arn:aws:appconfig:{REGION}:{ACCOUNT_ID}:application/{APP}/environment/{ENV}/deployment/1"
INPUTS: dict[str, Any] = {
    "application_id": APP,
    "environment_id": ENV,
    "profile_id": PROFILE,
    "hosted_version": {
        "content": '{"feature": true}',
        "content_type": "application/json",
        "description": "made by the wire tier",
        "version_label": "wire-v3",
    },
    "deployment": {
        "profile_id": PROFILE,
        "version": "1",
        "description": "wire deployment",
        "tags": {"team": "ml"},
        "kms_key_identifier": "alias/wire",
        "dynamic_extension_parameters": {"release": "wire"},
    },
    "arn": DEPLOYMENT_ARN,
    "set_tags": {"stage": "dev"},
    "remove_tags": ["team"],
}
# Headers every boto3 request carries (transport, signing, SDK bookkeeping): what is left names the
# members an operation carries in headers, plus the body's Content-Type.
TRANSPORT_HEADERS = frozenset(
    {
        "host",
        "user-agent",
        "accept",
        "accept-encoding",
        "connection",
        "content-length",
        "authorization",
        "x-amz-date",
        "x-amz-content-sha256",
        "x-amz-security-token",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
        "expect",
    }
)


def case(op: str, sdk: str, *differs: Differ, bug: str | None = None) -> WireCase:
    return WireCase(op=op, ours=f"AppConfigClient.{op}", sdk=sdk, differs=differs, bug=bug)


CASES: list[WireCase] = [
    case("get_account_id", "boto3 sts.get_caller_identity"),
    case("get_environment", "boto3 appconfig.get_environment"),
    case("create_hosted_configuration_version", "boto3 appconfig.create_hosted_configuration_version"),
    case("get_hosted_configuration_version", "boto3 appconfig.get_hosted_configuration_version"),
    case(
        "iter_hosted_configuration_versions",
        "boto3 appconfig.get_paginator('list_hosted_configuration_versions')",
    ),
    case("create_deployment", "boto3 appconfig.start_deployment"),
    case("get_deployment", "boto3 appconfig.get_deployment"),
    case("iter_deployments", "boto3 appconfig.get_paginator('list_deployments')"),
    case("get_tags", "boto3 appconfig.list_tags_for_resource"),
    case("update_tags", "boto3 appconfig.untag_resource, then tag_resource"),
    case("delete_deployment", "boto3 appconfig.stop_deployment"),
    case("delete_hosted_configuration_version", "boto3 appconfig.delete_hosted_configuration_version"),
]
NO_SDK_EQUIVALENT: dict[str, str] = {
    "AppConfigClient.get_local_key": "sends nothing: a process-local name built from the connection's settings",
    "AppConfigClient.get_deployment_arn": "sends nothing of its own: formats an ARN (the account comes from "
    "get_account_id, compared above)",
}
ORDER = [c.op for c in CASES]


def settings(endpoint: str, aws: dict[str, str]) -> Settings:
    values = {
        "appconfig:endpoint": endpoint,
        "aws:region": aws["AWS_DEFAULT_REGION"],
        "aws:accessKey": aws["AWS_ACCESS_KEY_ID"],
        "aws:secretKey": aws["AWS_SECRET_ACCESS_KEY"],
    }
    return Settings.from_mapping(values, environ={})


def setup(sandbox: Sandbox) -> dict[str, str]:
    """A strategy slow enough that the deployment is still DEPLOYING when it is stopped, and a hosted
    version to delete."""
    aws = sandbox.environment()
    boto = boto3.client(
        "appconfig",
        endpoint_url=aws["AWS_ENDPOINT_URL_APPCONFIG"],
        region_name=aws["AWS_DEFAULT_REGION"],
        aws_access_key_id=aws["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws["AWS_SECRET_ACCESS_KEY"],
    )
    doomed = boto.create_hosted_configuration_version(
        ApplicationId=APP, ConfigurationProfileId=PROFILE, Content=b"{}", ContentType="application/json"
    )
    slow = boto.create_deployment_strategy(Name="wire-slow", DeploymentDurationInMinutes=1440, GrowthFactor=10)
    return {"doomed_version": str(doomed["VersionNumber"]), "slow_strategy": slow["Id"]}


def create_version(c: OurOps) -> None:
    i = INPUTS["hosted_version"]
    c.state["version"] = c.appconfig.create_hosted_configuration_version(
        APP,
        PROFILE,
        content=i["content"].encode(),
        content_type=i["content_type"],
        description=i["description"],
        version_label=i["version_label"],
    )


def start(c: OurOps) -> None:
    i = INPUTS["deployment"]
    c.appconfig.create_deployment(
        APP,
        ENV,
        strategy_id=c.ids["slow_strategy"],
        profile_id=i["profile_id"],
        version=i["version"],
        description=i["description"],
        tags=i["tags"],
        kms_key_identifier=i["kms_key_identifier"],
        dynamic_extension_parameters=i["dynamic_extension_parameters"],
    )


OUR_OPS: dict[str, Callable[[OurOps], Any]] = {
    "get_account_id": lambda c: c.appconfig.get_account_id(),
    "get_environment": lambda c: c.appconfig.get_environment(APP, ENV),
    "create_hosted_configuration_version": create_version,
    "get_hosted_configuration_version": lambda c: c.appconfig.get_hosted_configuration_version(
        APP, PROFILE, c.state["version"]
    ),
    "iter_hosted_configuration_versions": lambda c: list(c.appconfig.iter_hosted_configuration_versions(APP, PROFILE)),
    "create_deployment": start,
    "get_deployment": lambda c: c.appconfig.get_deployment(APP, ENV, 1),
    "iter_deployments": lambda c: list(c.appconfig.iter_deployments(APP, ENV)),
    "get_tags": lambda c: c.appconfig.get_tags(DEPLOYMENT_ARN),
    "update_tags": lambda c: c.appconfig.update_tags(DEPLOYMENT_ARN, INPUTS["set_tags"], INPUTS["remove_tags"]),
    "delete_deployment": lambda c: c.appconfig.delete_deployment(APP, ENV, 1),
    "delete_hosted_configuration_version": lambda c: c.appconfig.delete_hosted_configuration_version(
        APP, PROFILE, int(c.ids["doomed_version"])
    ),
}


@pytest.fixture(scope="module")
def sides(sandbox_server: Sandbox) -> tuple[Side, Side]:
    python = ensure_boto3_python()
    aws = sandbox_server.environment()
    with RecordingProxy(aws["AWS_ENDPOINT_URL_APPCONFIG"]) as proxy:

        def sdk_side(ids: dict[str, str]) -> Side:
            config = {"proxy": proxy.url, "ops": ORDER, "ids": ids, "inputs": INPUTS}
            env = {
                **clean_env(),
                **{k: v for k, v in aws.items() if k.startswith("AWS_")},
                "AWS_ENDPOINT_URL_APPCONFIG": proxy.url,
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true",
            }
            return run_sdk(python, "appconfig_ops.py", config, env)

        def our_side(ids: dict[str, str]) -> Side:
            client = AppConfigClient.from_settings(settings(proxy.url, aws))
            return run_ours(proxy, ORDER, OUR_OPS, OurOps(ids, appconfig=client))

        return run_both(
            sandbox_server,
            proxy,
            "appconfig",
            setup,
            sdk_side,
            our_side,
            header_filter=lambda name: name not in TRANSPORT_HEADERS,
        )


@pytest.mark.parametrize("case", CASES, ids=[c.op for c in CASES])
def test_same_request_as_boto3(case: WireCase, sides: tuple[Side, Side]) -> None:
    check(case, *sides, with_headers=True)


def test_every_operation_is_run_and_compared() -> None:
    assert set(ORDER) == set(OUR_OPS)
