"""Fidelity: the official peak-sdk, in its own virtualenv, publishes, deploys, revises, lists and
deletes through the sandbox's Press emulator."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from providers.sandbox import Sandbox
from tests.sandbox.test_peak_sdk import settled_requests

pytestmark = pytest.mark.sdk

SCENARIO = Path(__file__).parent / "sdk_scenarios" / "peak_press.py"


def run_scenario(python: Path, sandbox: Sandbox, *args: str) -> Any:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PEAK") and k not in ("API_KEY", "STAGE")},
        "PEAK_AUTH_TOKEN": "sandbox-test-key",
        "MLP_SANDBOX_URL": sandbox.url,
    }
    result = subprocess.run([str(python), str(SCENARIO), *args], env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    # The SDK draws an upload progress bar on stdout; the summary is the last line.
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sdk_press_scenario(peak_sdk_python: Path, sandbox: Sandbox) -> None:
    summary = run_scenario(peak_sdk_python, sandbox)

    assert summary["block_spec"] == {
        "featured": False,
        "scope": "private",
        "status": "available",
        "has_artifact": True,
        "run_parameters": ["greeting"],
    }
    assert summary["bare_has_artifact"] is False
    assert summary["block_release"]["release"] == {"version": "1.1.0"}
    assert summary["block_release_described"] == "1.1.0"
    assert summary["block_latest"] == "1.1.0"
    assert summary["block_releases_listed"] == ["1.1.0", "1.0.0"]
    assert summary["app_latest_config"][0]["release"] == {"version": "1.1.0"}
    assert summary["app_title"] == "Renamed app"
    assert summary["specs_listed"] == ["sandbox-app", "sandbox-block", "sdk-app", "sdk-bare", "sdk-block"]
    assert summary["specs_featured"] == ["sdk-app"]
    assert summary["specs_workflow"] == ["sandbox-block", "sdk-bare", "sdk-block"]
    assert summary["block_statuses"][-1] == "deployed"
    assert summary["app_statuses"][-1] == "deployed"
    assert summary["child"] == {
        "parent": True,
        "spec": True,
        "parameters": {"greeting": "from app"},
        "status": "deployed",
    }
    assert summary["unknown_release"] == "NotFoundException"
    assert summary["metadata_update_returns"] == "New title"
    assert summary["app_description"] == "described"
    assert summary["block_revision"] == 2
    assert summary["block_revisions_listed"] == [[2, "deployed"], [1, "superseded"]]
    assert summary["block_revision_described"] == "deployed"
    assert summary["app_revision"] == 2
    assert summary["app_revisions_listed"] == [2, 1]
    assert summary["app_revision_described"] == "superseded"
    assert summary["redeploy_deployed"] == "ConflictException"
    assert summary["run_params"] == {"greeting": "again"}
    assert summary["run_params_patched"] == {"greeting": "again", "extra": 1}
    assert summary["run_params_v2_app"] == {
        "appParameters": {"region": "us"},
        "parameters": {"sdk-block": {"greeting": "patched"}},
    }
    assert summary["child_run_params"] == {"greeting": "patched"}
    assert summary["executed"] == [], "the block spec was published without autoRunOnDeploy"
    # Listed under the release their latest revision uses: both moved to 1.1.0.
    assert summary["release_deployments"] == ["sdk-app-dep-sdk-block", "sdk-block-dep"]
    assert summary["release_deployments_old"] == []
    assert summary["app_deployments"] == ["sdk-app-dep"]
    assert summary["block_deployments"] == ["sdk-app-dep-sdk-block", "sdk-block-dep"]
    assert summary["all_deployments"] == 3
    assert summary["spec_in_use"] == "ConflictException"
    assert summary["after_delete"] == ["NotFoundException", "NotFoundException"]
    assert summary["spec_after_delete"] == "NotFoundException"
    assert summary["wrong_token"] == "UnauthorizedException"

    log = settled_requests(sandbox)
    assert [e for e in log if e["status"] >= 500] == []
    assert [e for e in log if e["route"] is None] == [], "the SDK called a route the sandbox does not have"
    routes = {e["route"] for e in log}
    assert {"peak.press.create_spec", "peak.press.create_release", "peak.press.list_revisions"} <= routes
    multipart = [e for e in log if e["route"] == "peak.press.create_spec" and e["body"] is None]
    assert len(multipart) == 2, "block specs arrive as multipart (not JSON) bodies"
    assert "sandbox-test-key" not in json.dumps(log)


def test_cli_table_output_of_every_press_list(peak_sdk_python: Path, sandbox: Sandbox) -> None:
    tables = run_scenario(peak_sdk_python, sandbox, "cli")

    for name, table in tables.items():
        assert table["exit_code"] == 0, f"{name}: {table['error']}\n{table['output']}"
        assert "No data to display" not in table["output"], name
    # The title carries the count key the CLI reads; rows carry the fields its columns name.
    assert "Specs (Total = 2)" in tables["specs"]["output"]
    assert "Block Specs (Total = 1)" in tables["block_specs"]["output"]
    assert "Block Spec Releases (Total = 2)" in tables["block_releases"]["output"]
    assert "Block Deployments (Total = 2)" in tables["block_deployments"]["output"]
    assert "App Deployments (Total = 1)" in tables["app_deployments"]["output"]
    assert "Deployments (Total = 3)" in tables["deployments"]["output"]
    assert "Block Deployment Revisions (Total = 1)" in tables["revisions"]["output"]
    assert "cli-block" in tables["release_deployments"]["output"]
    assert "sandbox-block" in tables["specs"]["output"] and "1.1.0" in tables["specs"]["output"]
