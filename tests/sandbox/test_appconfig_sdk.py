"""Fidelity: the official boto3, in a virtualenv of its own and a process with nothing but the
sandbox's printed environment (no ~/.aws, no other AWS_* variable), runs every operation the
extension adds, botocore's waiter and its paginators, and reads what our provider created."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from providers.appconfig.deployment import DeploymentProvider
from tests.appconfig_support import APP, ENV, PROFILE, QUICK, configured, ensure_boto3_python

pytestmark = pytest.mark.sdk

SCENARIO = r"""
import json, sys, time
import boto3

c = boto3.client("appconfig")  # endpoint, region and credentials from the environment only
APP, ENV, PROFILE, QUICK = sys.argv[1:5]
seen = {}
env = c.create_environment(ApplicationId=APP, Name="sdk", Tags={"by": "sdk"})
seen["create_environment"] = env["ResponseMetadata"]["HTTPStatusCode"]
c.update_environment(ApplicationId=APP, EnvironmentId=env["Id"], Description="x")
assert c.get_environment(ApplicationId=APP, EnvironmentId=env["Id"])["Description"] == "x"
pages = c.get_paginator("list_environments").paginate(ApplicationId=APP, PaginationConfig={"PageSize": 1})
seen["environments"] = sorted(e["Id"] for p in pages for e in p["Items"])
strategy = c.create_deployment_strategy(Name="sdk", DeploymentDurationInMinutes=0, GrowthFactor=100)
c.update_deployment_strategy(DeploymentStrategyId=strategy["Id"], FinalBakeTimeInMinutes=0)
started = c.start_deployment(ApplicationId=APP, EnvironmentId=env["Id"], DeploymentStrategyId=strategy["Id"],
                             ConfigurationProfileId=PROFILE, ConfigurationVersion="seed")
seen["start_deployment"] = started["ResponseMetadata"]["HTTPStatusCode"]
c.get_waiter("deployment_complete").wait(ApplicationId=APP, EnvironmentId=env["Id"], DeploymentNumber=1,
                                         WaiterConfig={"Delay": 1, "MaxAttempts": 10})
listed = [d["DeploymentNumber"] for p in c.get_paginator("list_deployments").paginate(
    ApplicationId=APP, EnvironmentId=env["Id"]) for d in p["Items"]]
seen["deployments"] = listed
seen["strategies"] = [s["Id"] for s in c.list_deployment_strategies()["Items"]][:1]
status = lambda answer: answer["ResponseMetadata"]["HTTPStatusCode"]  # noqa: E731
seen["delete_strategy"] = status(c.delete_deployment_strategy(DeploymentStrategyId=strategy["Id"]))
ours = c.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
seen["provider_deployment"] = [ours["State"], ours["Description"]]
seen["delete_environment"] = status(c.delete_environment(ApplicationId=APP, EnvironmentId=env["Id"]))
print(json.dumps(seen))
"""


def test_boto3_in_its_own_venv_against_the_sandbox(sb, tmp_path):
    python = ensure_boto3_python()
    provider = configured(DeploymentProvider, sb)
    checked = provider.check(
        {},
        {
            "application_id": APP,
            "environment_id": ENV,
            "deployment_strategy_id": QUICK,
            "configuration_profile_id": PROFILE,
            "configuration_version": "1",
            "description": "made by the provider",
        },
    )
    provider.create(checked.inputs)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **sb.environment()}
    env = {k: v for k, v in env.items() if not k.startswith(("PEAK", "DKU", "ABEJA", "PLATFORM", "MLP"))}
    result = subprocess.run(
        [str(python), "-c", SCENARIO, APP, ENV, PROFILE, QUICK], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["create_environment"] == 201 and seen["start_deployment"] == 201
    assert seen["delete_strategy"] == 204 and seen["delete_environment"] == 204
    assert len(seen["environments"]) == 2 and ENV in seen["environments"]
    assert seen["deployments"] == [1]
    assert seen["strategies"] == ["AppConfig.AllAtOnce"]
    assert seen["provider_deployment"] == ["COMPLETE", "made by the provider"]
