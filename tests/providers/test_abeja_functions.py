"""The ABEJA lookups a program calls (triggers of a deployment, runs of a trigger) under Pulumi's
mocks, against the sandbox; and which environments the Trigger marks secret."""

from __future__ import annotations

import pulumi
import pulumi.runtime
import pytest

from providers.abeja import get_deployment_triggers, get_trigger_runs
from providers.abeja.trigger import environment_may_hold_secrets
from providers.sandbox import Sandbox
from tests.sandbox.abeja_support import (
    DEPLOYMENT_ID,
    INPUT_CHANNEL_ID,
    ORGANIZATION_ID,
    SANDBOX_TOKEN,
    VERSION_IDS,
    AbejaHttp,
    abeja_api_url,
    file_arrived,
)


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):  # type: ignore[no-untyped-def]
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):  # type: ignore[no-untyped-def]
        return {}


@pytest.fixture
def mocks(sb: Sandbox):
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, preview=False)
    for key, value in {
        "abeja:apiUrl": abeja_api_url(sb),
        "abeja:apiToken": SANDBOX_TOKEN,
        "abeja:organizationId": ORGANIZATION_ID,
    }.items():
        pulumi.runtime.set_config(key, value)
    yield mocks
    pulumi.runtime.set_all_config({})


@pulumi.runtime.test
def test_runs_of_a_trigger_page_newest_first_or_forward(mocks, sb):  # type: ignore[no-untyped-def]
    trigger = AbejaHttp(sb).create_trigger(environment={"TOKEN": "value-never-returned"})
    started = [file_arrived(sb, file_id=f"f{i:02d}")[0]["run_id"] for i in range(12)]

    def check(values: list) -> None:
        newest, forward = values
        assert [r["run_id"] for r in newest] == started[::-1]
        assert [r["run_id"] for r in forward] == started
        assert newest[0]["env_names"] == ["TOKEN"] and "value-never-returned" not in repr(newest)
        assert newest[0]["input_data"] == {"$datalake:1": f"{INPUT_CHANNEL_ID}/f11"}

    newest = get_trigger_runs(DEPLOYMENT_ID, trigger["trigger_id"])
    forward = get_trigger_runs(DEPLOYMENT_ID, trigger["trigger_id"], scan_forward=True)
    return pulumi.Output.all(newest, forward).apply(check)


@pulumi.runtime.test
def test_triggers_of_a_deployment(mocks, sb):  # type: ignore[no-untyped-def]
    first = AbejaHttp(sb).create_trigger(retry_count=1)
    second = AbejaHttp(sb).create_trigger(version_id=VERSION_IDS[1], environment={"A": "secret-value"})

    def check(triggers: list) -> None:
        assert [t["trigger_id"] for t in triggers] == [first["trigger_id"], second["trigger_id"]]
        assert [t["model_version"] for t in triggers] == ["0.0.1", "0.0.2"]
        assert triggers[1]["env_names"] == ["A"] and "secret-value" not in repr(triggers)

    return get_deployment_triggers(DEPLOYMENT_ID).apply(check)


@pulumi.runtime.test
def test_the_owner_mark_and_undocumented_fields_stay_out_of_lookups(mocks, sb):  # type: ignore[no-untyped-def]
    from providers.abeja.trigger import OWNER_ENV

    trigger = AbejaHttp(sb).create_trigger(environment={"A": "1", OWNER_ENV: "0123456789abcdef"}, distribution=2)
    file_arrived(sb, file_id="f01")

    def check(values: list) -> None:
        triggers, runs = values
        assert triggers[0]["env_names"] == ["A"] and "distribution" not in triggers[0]
        assert runs[0]["env_names"] == ["A"]

    runs = get_trigger_runs(DEPLOYMENT_ID, trigger["trigger_id"])
    return pulumi.Output.all(get_deployment_triggers(DEPLOYMENT_ID), runs).apply(check)


def test_which_environments_may_hold_secrets() -> None:
    assert environment_may_hold_secrets({"A": pulumi.Output.from_input("x")}, None)
    assert environment_may_hold_secrets(pulumi.Output.from_input({"A": "x"}), None)
    assert environment_may_hold_secrets({"A": "x"}, pulumi.ResourceOptions(additional_secret_outputs=["environment"]))
    assert not environment_may_hold_secrets({"A": "x"}, None)
    assert not environment_may_hold_secrets(None, None)
