"""Wire conformance, ABEJA Platform: each AbejaClient method sends what abeja-sdk 2.3.6 sends for
the same operation (reference: shared/reference/abeja-api.md).

`create_trigger` takes the body as the Trigger resource builds it (`trigger_body`, the one place our
create body is composed), from the same inputs the SDK's `create_trigger` takes as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from providers.abeja.client import AbejaClient
from providers.abeja.trigger import TriggerArgs, trigger_body
from providers.core import Settings
from providers.sandbox import Sandbox
from tests.sandbox.abeja_support import (
    DEPLOYMENT_ID,
    INPUT_CHANNEL_ID,
    ORGANIZATION_ID,
    OUTPUT_CHANNEL_ID,
    SANDBOX_PAT,
    SANDBOX_TOKEN,
    SANDBOX_USER_ID,
    TRAINING_MODEL_IDS,
    VERSION_IDS,
    ensure_abeja_sdk_python,
)
from tests.wire.wire_support import (
    ABSENT,
    PRESENT,
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

# Arguments of the SDK's create_trigger (after the organization and deployment ids).
FULL_TRIGGER = {
    "version_id": VERSION_IDS[0],
    "input_service_name": "datalake",
    "input_service_id": INPUT_CHANNEL_ID,
    "output_service_name": "datalake",
    "output_service_id": OUTPUT_CHANNEL_ID,
    "distribution": 2,
    "retry_count": 3,
    "environment": {"A": "1"},
    "model_id": TRAINING_MODEL_IDS[0],
}
MINIMAL_TRIGGER = {"version_id": VERSION_IDS[0], "input_service_name": "datalake", "input_service_id": INPUT_CHANNEL_ID}
INPUTS: dict[str, Any] = {
    "organization_id": ORGANIZATION_ID,
    "deployment_id": DEPLOYMENT_ID,
    "version_id": VERSION_IDS[0],
    "channel_id": INPUT_CHANNEL_ID,
    "full_trigger": FULL_TRIGGER,
    "minimal_trigger": MINIMAL_TRIGGER,
}

TRIGGERS_SDK = "abeja.triggers.APIClient"


def case(op: str, ours: str, sdk: str, *differs: Differ, bug: str | None = None) -> WireCase:
    return WireCase(op=op, ours=f"AbejaClient.{ours}", sdk=sdk, differs=differs, bug=bug)


CASES: list[WireCase] = [
    case("get_deployment", "get_deployment", "abeja.deployments.APIClient.get_deployment"),
    case("get_deployment_version", "get_deployment_version", "abeja.deployments.APIClient.get_deployment_version"),
    case("get_channel", "get_channel", "abeja.datalake.APIClient.get_channel"),
    case("create_trigger", "create_trigger[every argument]", f"{TRIGGERS_SDK}.create_trigger"),
    case(
        "create_trigger:minimal",
        "create_trigger[required arguments only]",
        f"{TRIGGERS_SDK}.create_trigger",
        Differ(
            "body.retry_count",
            ABSENT,
            PRESENT,
            "the Trigger's retry_count defaults to 5, the platform's documented default, and is always sent "
            "(as the official CLI does) so the trigger does not depend on a server default",
        ),
    ),
    case("get_trigger", "get_trigger", f"{TRIGGERS_SDK}.get_trigger"),
    case("iter_triggers", "iter_triggers", f"{TRIGGERS_SDK}.get_triggers"),
    case(
        "iter_triggers:basic-auth", "iter_triggers[user id and personal access token]", f"{TRIGGERS_SDK}.get_triggers"
    ),
    case(
        "iter_trigger_runs",
        "iter_trigger_runs",
        f"{TRIGGERS_SDK}.get_trigger_runs",
        Differ(
            "query.scan_forward",
            ABSENT,
            ["false"],
            "we always state the order (newest first, the platform's default) in lower case (reference T6); "
            "the SDK sends scan_forward only when given, then as True/False",
        ),
    ),
    case("delete_trigger", "delete_trigger", f"{TRIGGERS_SDK}.delete_trigger"),
]
# Every AbejaClient method has an abeja-sdk equivalent.
NO_SDK_EQUIVALENT: dict[str, str] = {}
ORDER = [c.op for c in CASES]


def settings(api_url: str, **credentials: str) -> Settings:
    values = {"abeja:apiUrl": api_url, "abeja:organizationId": ORGANIZATION_ID, **credentials}
    return Settings.from_mapping(values, environ={})


def setup(sandbox: Sandbox) -> dict[str, str]:
    """Nothing to make: the sandbox seeds the deployment, its versions, the channels and models."""
    return {}


def body_for(arguments: dict[str, Any]) -> dict[str, Any]:
    """Our create body for the SDK's create_trigger arguments, through the Trigger's own inputs."""
    inputs = {("model_version_id" if k == "version_id" else k): v for k, v in arguments.items()}
    return trigger_body(TriggerArgs(deployment_id=DEPLOYMENT_ID, **inputs), None)


def create(label: str, arguments: dict[str, Any]) -> Callable[[OurOps], None]:
    def op(c: OurOps) -> None:
        c.ids[label] = c.abeja.create_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, body_for(arguments)).trigger_id

    return op


WHERE = (ORGANIZATION_ID, DEPLOYMENT_ID)
OUR_OPS: dict[str, Callable[[OurOps], Any]] = {
    "get_deployment": lambda c: c.abeja.get_deployment(*WHERE),
    "get_deployment_version": lambda c: c.abeja.get_deployment_version(*WHERE, VERSION_IDS[0]),
    "get_channel": lambda c: c.abeja.get_channel(ORGANIZATION_ID, INPUT_CHANNEL_ID),
    "create_trigger": create("trigger", FULL_TRIGGER),
    "create_trigger:minimal": create("minimal_trigger", MINIMAL_TRIGGER),
    "get_trigger": lambda c: c.abeja.get_trigger(*WHERE, c.ids["trigger"]),
    "iter_triggers": lambda c: list(c.abeja.iter_triggers(*WHERE)),
    "iter_triggers:basic-auth": lambda c: list(c.basic.iter_triggers(*WHERE)),
    "iter_trigger_runs": lambda c: list(c.abeja.iter_trigger_runs(*WHERE, c.ids["trigger"])),
    "delete_trigger": lambda c: c.abeja.delete_trigger(*WHERE, c.ids["trigger"]),
}


@pytest.fixture(scope="module")
def sides(sandbox_server: Sandbox) -> tuple[Side, Side]:
    python = ensure_abeja_sdk_python()
    with RecordingProxy(sandbox_server.url) as proxy:
        api_url = f"{proxy.url}/abeja"

        def sdk_side(ids: dict[str, str]) -> Side:
            config = {"proxy": proxy.url, "ops": ORDER, "ids": ids, "inputs": INPUTS}
            env = {
                **clean_env(),
                "ABEJA_API_URL": api_url,
                "PLATFORM_AUTH_TOKEN": SANDBOX_TOKEN,
                "ABEJA_WIRE_USER_ID": SANDBOX_USER_ID,
                "ABEJA_WIRE_PAT": SANDBOX_PAT,
            }
            return run_sdk(python, "abeja_ops.py", config, env)

        def our_side(ids: dict[str, str]) -> Side:
            token = AbejaClient.from_settings(settings(api_url, **{"abeja:apiToken": SANDBOX_TOKEN}))
            user = {"abeja:userId": SANDBOX_USER_ID, "abeja:personalAccessToken": SANDBOX_PAT}
            basic = AbejaClient.from_settings(settings(api_url, **user))
            return run_ours(proxy, ORDER, OUR_OPS, OurOps(ids, abeja=token, basic=basic))

        return run_both(sandbox_server, proxy, "abeja", setup, sdk_side, our_side)


@pytest.mark.parametrize("case", CASES, ids=[c.op for c in CASES])
def test_same_request_as_abeja_sdk(case: WireCase, sides: tuple[Side, Side]) -> None:
    check(case, *sides)


def test_every_operation_is_run_and_compared() -> None:
    assert set(ORDER) == set(OUR_OPS)
