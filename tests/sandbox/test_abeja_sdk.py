"""Fidelity: the official abeja-sdk 2.3.6, in its own virtualenv, works against the sandbox's ABEJA emulator."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from providers.sandbox import Sandbox
from tests.sandbox.abeja_support import (
    OTHER_TOKEN,
    SANDBOX_PAT,
    SANDBOX_USER_ID,
    TRAINING_MODEL_IDS,
    ensure_abeja_sdk_python,
)

pytestmark = pytest.mark.sdk

SCENARIO = Path(__file__).parent / "sdk_scenarios" / "abeja_triggers.py"


@pytest.fixture(scope="session")
def abeja_sdk_python() -> Path:
    return ensure_abeja_sdk_python()


def run_scenario(python: Path, sandbox: Sandbox) -> Any:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ABEJA", "PLATFORM_AUTH"))},
        **sandbox.environment(),
        "ABEJA_TEST_TRAINING_MODEL_ID": TRAINING_MODEL_IDS[0],
        "ABEJA_TEST_USER_ID": SANDBOX_USER_ID,
        "ABEJA_TEST_PAT": SANDBOX_PAT,
        "ABEJA_TEST_OTHER_TOKEN": OTHER_TOKEN,
    }
    result = subprocess.run([str(python), str(SCENARIO)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sdk_triggers_scenario(abeja_sdk_python: Path, sandbox: Sandbox) -> None:
    summary = run_scenario(abeja_sdk_python, sandbox)

    assert summary["deployment_triggers_at_start"] == []
    assert summary["deployment_listed"] is True
    assert (summary["patched_name"], summary["got_name"]) == ("sdk-renamed", "sdk-renamed")
    assert summary["upload_status"] == 200 and summary["version_got"] == "0.1.0"
    assert len(summary["versions_listed"]) == 1
    assert summary["version_in_missing_deployment"] == "BadRequest 400 bad_request"
    assert summary["channel_got"] == "sdk-channel" and summary["channels_listed"] is True
    assert summary["channels_has_next"] is False

    created = summary["created"]
    assert created["trigger_id"].startswith("tri-") and created["model_version"] == "0.1.0"
    assert created["user_env_vars"] == {"A": "1"} and created["retry_count"] == 3
    assert created["models"] == {"alias": TRAINING_MODEL_IDS[0]} and created["distribution"] is None
    assert created["created_at"].endswith("Z") and created["modified_at"].endswith("Z")
    assert summary["got_equals_created"] is True
    assert summary["listed"] == [created["trigger_id"]] == summary["deployment_triggers"]
    assert summary["bare"] == {"retry_count": 5, "user_env_vars": {}, "models": {}, "distribution": None}
    assert summary["half_output_pair"] == [None, None]
    assert summary["bad_retry_count"] == "BadRequest 400 bad_request"
    assert summary["unknown_version"] == "BadRequest 400 bad_request"
    assert summary["missing_channel"] == "BadRequest 400 bad_request"
    assert summary["missing_deployment"] == "NotFound 404 not_found"
    assert summary["missing_organization"] == "NotFound 404 not_found"

    assert summary["runs_forward"] is True and summary["runs_last_page_token"] is None
    assert summary["runs_newest_first"] is True
    run = summary["run_fields"]
    assert run["trigger_id"] == created["trigger_id"] and run["user_env_vars"] == {"A": "1"}
    assert run["input_data"]["$datalake:1"].endswith("/file-11") and run["retry_count"] == 3

    assert summary["basic_listed"] == [created["trigger_id"]]
    assert summary["bad_token"] == "Unauthorized 401 unauthorized"
    assert summary["no_credentials"] == "Unauthorized 401 unauthorized"
    assert summary["other_organization"] == "Forbidden 403 forbidden"

    assert summary["deleted"] == {"message": f"{created['trigger_id']} deleted"}
    assert summary["after_delete"] == "NotFound 404 not_found"
    assert summary["listed_after_delete"] == []
    assert summary["version_deleted"]["message"].endswith("deleted")
    assert summary["deployment_deleted"]["message"].endswith("deleted")
    assert summary["deployment_after_delete"] == "NotFound 404 not_found"

    log = sandbox.requests(platform="abeja")
    assert [e for e in log if e["status"] >= 500] == [], "a 5xx would make the SDK sleep through retries"
    assert [e for e in log if e["route"] is None] == [], "the SDK called a route the sandbox does not have"
    assert all("//" not in e["path"] for e in log)
    scan_values = {e["query"]["scan_forward"][0] for e in log if "scan_forward" in e["query"]}
    assert scan_values == {"True"}, "the SDK sends Python's True, which the sandbox accepts"
    creates = [e for e in log if e["route"] == "abeja.create_trigger"]
    assert creates[0]["body"] == {
        "version_id": created["model_version_id"],
        "input_service_name": "datalake",
        "input_service_id": created["input_service_id"],
        "environment": {"A": "1"},
        "models": {"alias": TRAINING_MODEL_IDS[0]},
        "retry_count": 3,
    }
    assert creates[1]["body"]["environment"] is None


def test_sdk_sees_what_the_provider_created(abeja_sdk_python: Path, sandbox: Sandbox) -> None:
    """The provider's trigger, read and deleted by the SDK's own client (shapes agree both ways)."""
    from pulumi.dynamic import Config, ConfigureRequest

    from providers.abeja.trigger import TriggerProvider
    from tests.sandbox.abeja_support import DEPLOYMENT_ID, INPUT_CHANNEL_ID, VERSION_IDS

    env = sandbox.environment()
    provider = TriggerProvider()
    config = {
        "abeja:apiToken": env["PLATFORM_AUTH_TOKEN"],
        "abeja:apiUrl": env["ABEJA_API_URL"],
        "abeja:organizationId": env["ABEJA_ORGANIZATION_ID"],
    }
    provider.configure(ConfigureRequest(Config(config, "p")))
    inputs = provider.check(
        {}, {"deployment_id": DEPLOYMENT_ID, "model_version_id": VERSION_IDS[0], "input_service_id": INPUT_CHANNEL_ID}
    ).inputs
    created = provider.create(inputs)
    code = (
        "import json, os, sys\n"
        "from abeja.triggers import APIClient\n"
        "c = APIClient()\n"
        "org = os.environ['ABEJA_ORGANIZATION_ID']\n"
        f"t = c.get_trigger(org, {DEPLOYMENT_ID!r}, {created.id!r})\n"
        f"d = c.delete_trigger(org, {DEPLOYMENT_ID!r}, {created.id!r})\n"
        "json.dump({'trigger': t, 'deleted': d}, sys.stdout)\n"
    )
    run_env = {**{k: v for k, v in os.environ.items() if not k.startswith("ABEJA")}, **env}
    result = subprocess.run(
        [str(abeja_sdk_python), "-c", code], env=run_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["trigger"]["trigger_id"] == created.id and seen["trigger"]["model_version"] == "0.0.1"
    assert provider.read(created.id, created.outs).id == "", "refresh drops the trigger the SDK deleted"
