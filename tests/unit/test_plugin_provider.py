"""The plugin's provider called as its gRPC server calls it, in process, against the sandbox: names
translated both ways, unknowns passed through, secrets kept secret, customTimeouts as the deadline
and named in the error, previews and reads by id that write nothing, settings in their order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import UNKNOWN

from providers.core import redaction
from providers.core.errors import ProviderError
from providers.plugin.provider import MlPlatformsProvider, wire_path
from providers.plugin.settings import PluginConfig, is_default_provider, parse_provider_urn
from providers.plugin.values import plain_map, wrap, wrap_map
from tests.harness import PEAK_TEST_KEY, peak_services, platform_requests, writes

SERVICE = "mlplatforms:peak:Service"
URN = f"urn:pulumi:test::proj::{SERVICE}::api"
INPUTS = {"name": "svc-one", "imageId": 5, "env": {"A": "1"}, "title": "One"}


def run(coroutine: Any) -> Any:
    # A loop of its own, never the thread's: asyncio.run would leave the thread without a current loop,
    # and a later test in this worker that runs Pulumi's mocks (which need one) would fail.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


@pytest.fixture
def provider(sb):
    plugin = MlPlatformsProvider()
    plugin.provider_urn = "urn:pulumi:test::proj::pulumi:providers:mlplatforms::tenant"
    args = {"peakApiKey": wrap(PEAK_TEST_KEY, secret=True), "peakEndpoint": wrap(sb.peak_endpoint)}
    run(plugin.configure(rpc.ConfigureRequest({}, args, True, False)))
    return plugin


def checked(provider, **changes) -> dict[str, PropertyValue]:
    result = run(provider.check(rpc.CheckRequest(URN, {}, wrap_map({**INPUTS, **changes}), b"")))
    assert not result.failures
    return result.inputs


def create(provider, inputs, timeout: float = 0.0, preview: bool = False) -> rpc.CreateResponse:
    return run(provider.create(rpc.CreateRequest(URN, inputs, timeout, preview)))


def test_names_in_camel_case_both_ways_and_failures_named_as_the_schema_does(provider):
    inputs = checked(provider)
    assert {"imageId", "serviceType", "timeoutSeconds", "adoptExisting"} <= set(inputs)
    bad = run(
        provider.check(
            rpc.CheckRequest(URN, {}, wrap_map({"name": "svc", "imageId": -1, "sessionStickyness": True}), b"")
        )
    )
    assert {f.property for f in bad.failures} == {"imageId", "sessionStickyness"}
    assert wire_path("block_parameters.x.build") == "blockParameters.x.build"
    assert wire_path("env[2]") == "env[2]" and wire_path("run_parameters[0].a_b") == "runParameters[0].a_b"


def test_unknowns_pass_check_and_diff_as_changes(sb, provider):
    result = run(provider.check(rpc.CheckRequest(URN, {}, wrap_map({**INPUTS, "title": UNKNOWN}), b"")))
    assert not result.failures and result.inputs["title"].value == UNKNOWN
    diff = run(provider.diff(rpc.DiffRequest(URN, "id", wrap_map({**INPUTS, "title": "One"}), result.inputs, [])))
    assert diff.changes and "title" in diff.detailed_diff
    replacing = run(
        provider.diff(rpc.DiffRequest(URN, "id", wrap_map(INPUTS), wrap_map({**INPUTS, "name": "two"}), []))
    )
    assert replacing.replaces == ["name"]
    assert replacing.detailed_diff["name"].kind == rpc.PropertyDiffKind.UPDATE_REPLACE
    assert platform_requests(sb, None) == []


def test_a_preview_create_writes_nothing(sb, provider):
    created = create(provider, checked(provider), preview=True)
    assert created.resource_id == ""
    assert platform_requests(sb, None) == []


def test_create_read_update_delete_with_secrets_kept_secret(sb, provider):
    inputs = checked(provider, env={"TOKEN": "s3cret-value-1"})
    inputs["env"] = inputs["env"].with_secret(True)
    created = create(provider, inputs)
    assert redaction.is_remembered("s3cret-value-1"), "a value handed over as a secret is never printed"
    assert created.properties["status"].value == "AVAILABLE"
    assert created.properties["env"].is_secret and not created.properties["status"].is_secret
    refreshed = run(provider.read(rpc.ReadRequest(URN, created.resource_id, created.properties, inputs)))
    assert refreshed.resource_id == created.resource_id and refreshed.properties["env"].is_secret
    news = checked(provider, title="Two")
    updated = run(provider.update(rpc.UpdateRequest(URN, created.resource_id, created.properties, news, 0, [], False)))
    assert updated.properties["title"].value == "Two"
    run(provider.delete(rpc.DeleteRequest(URN, created.resource_id, updated.properties, 0)))
    assert peak_services(sb) == {}


def test_custom_timeouts_are_the_deadline_and_are_named(sb, provider):
    sb.set_transitions("seconds", 1.5)
    with pytest.raises(ProviderError, match=r"timed out after 0\.3s.*customTimeouts create of 0\.3s"):
        create(provider, checked(provider, timeoutSeconds=600), timeout=0.3)


def test_a_read_by_id_records_what_the_platform_reports(sb, provider, peak_client):
    ident = peak_client.create_service(
        {"name": "outside", "serviceType": "api", "imageDetails": {"imageId": 3}, "parameters": {"env": {}}}
    )
    sb.clear_requests()
    read = run(provider.read(rpc.ReadRequest(URN, ident, {}, {})))
    assert writes(sb, None) == []
    inputs = plain_map(read.inputs)
    assert inputs["name"] == "outside" and inputs["serviceType"] == "api" and inputs["imageId"] == 3
    assert "env" not in inputs and "timeoutSeconds" not in inputs  # not reported / at their defaults
    outputs = plain_map(read.properties)
    assert outputs["env"] == {} and outputs["timeoutSeconds"] == 900
    with pytest.raises(ProviderError, match="does not exist"):
        run(provider.read(rpc.ReadRequest(URN, "no-such-id", {}, {})))


def test_an_import_id_names_what_the_read_needs():
    press = "urn:pulumi:test::proj::mlplatforms:peak:PressDeployment::app"
    plugin = MlPlatformsProvider()
    with pytest.raises(ProviderError, match="<kind>/<deployment id>"):
        run(plugin.read(rpc.ReadRequest(press, "only-an-id", {}, {})))


def test_settings_come_from_the_inputs_then_the_stack_for_the_default_provider_only():
    loads = []

    def stack():
        loads.append(1)
        return {"peak:endpoint": "from-stack", "mlPlatforms:maxConcurrency": "3"}

    config = PluginConfig({"peakApiKey": "from-inputs", "peakStage": ""}, stack)
    assert config.get("peak:apiKey") == "from-inputs"
    assert config.get("mlPlatforms:maxConcurrency") is None and loads == []  # never a CLI call for the cap
    assert config.get("peak:endpoint") == "from-stack" and config.get("peak:stage") is None
    assert config.get("dataiku:url") is None and loads == [1]  # read once
    assert PluginConfig({}, None).get("peak:apiKey") is None
    stack_name, project, name = parse_provider_urn("urn:pulumi:dev::demo::pulumi:providers:mlplatforms::default_0_1_0")
    assert (stack_name, project, name) == ("dev", "demo", "default_0_1_0") and is_default_provider(name)
    assert not is_default_provider("tenant-a")
