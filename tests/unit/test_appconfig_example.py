"""examples/appconfig-with-pulumi-aws under Pulumi's mocks: the AWS provider plugin cannot be built
here, so the program runs with every resource mocked, and the wiring into our Deployment is checked
(and validated by the Deployment's own check, as `pulumi preview` would)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import pytest

from providers.appconfig.deployment import DeploymentProvider

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "appconfig-with-pulumi-aws" / "__main__.py"
COMPUTED = {
    "aws:appconfig/application:Application": {"arn": "arn:aws:appconfig:us-east-1:1:application/app1234"},
    "aws:appconfig/environment:Environment": {"environment_id": "env1234"},
    "aws:appconfig/configurationProfile:ConfigurationProfile": {"configuration_profile_id": "prf1234"},
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": {"version_number": 3},
}
IDS = {
    "aws:appconfig/application:Application": "app1234",
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": "stg1234",
}


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.created: dict[str, tuple[str, dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):  # type: ignore[no-untyped-def]
        state = {**args.inputs, **COMPUTED.get(args.typ, {})}
        self.created[args.name] = (args.typ, state)
        return IDS.get(args.typ, f"{args.name}-id"), state

    def call(self, args: pulumi.runtime.MockCallArgs):  # type: ignore[no-untyped-def]
        return {}


@pytest.fixture
def mocks():
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="appconfig-with-pulumi-aws", stack="dev", preview=False)
    yield mocks


@pulumi.runtime.test
def test_the_example_wires_pulumi_aws_objects_into_the_deployment(mocks):  # type: ignore[no-untyped-def]
    pytest.importorskip("pulumi_aws")
    program = runpy.run_path(str(EXAMPLE), run_name="__main__")

    def check(_: Any) -> None:
        typ, inputs = mocks.created["flags-rollout"]
        assert typ == "pulumi-python:dynamic/appconfig:Deployment"
        assert inputs["application_id"] == "app1234"
        assert inputs["environment_id"] == "env1234"
        assert inputs["configuration_profile_id"] == "prf1234"
        assert inputs["deployment_strategy_id"] == "stg1234"
        assert inputs["configuration_version"] == 3
        assert inputs["tags"] == {"stack": "dev"}
        checked = DeploymentProvider().check({}, dict(inputs))
        assert checked.failures == [], [(f.property, f.reason) for f in checked.failures]

    return program["rollout"].id.apply(check)
