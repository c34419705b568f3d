"""Fidelity: the official dataiku-api-client 15.2.0, in its own virtualenv, works against the DSS emulator."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from providers.sandbox import Sandbox
from tests.sandbox.dataiku_support import ensure_dataiku_sdk_python

pytestmark = pytest.mark.sdk

SCENARIO = Path(__file__).parent / "sdk_scenarios" / "dataiku_code_studios.py"


@pytest.fixture(scope="session")
def dataiku_sdk_python() -> Path:
    return ensure_dataiku_sdk_python()


def run_scenario(python: Path, sandbox: Sandbox) -> Any:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DKU_")},
        **sandbox.environment(),
    }
    # The official client has no timeout of its own: a sandbox bug must fail the test, not hang it.
    result = subprocess.run([str(python), str(SCENARIO)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sdk_code_studio_scenario(dataiku_sdk_python: Path, sandbox: Sandbox) -> None:
    s = run_scenario(dataiku_sdk_python, sandbox)

    assert s["project_keys"] == ["SANDBOX"]
    assert s["templates"] == ["vscode", "jupyterlab"]
    assert s["project_keys_after_create"] == ["SANDBOX", "SDK_PROJ"]
    assert s["listed"] == [["sdk studio", "admin", "vscode", "VS Code"]]
    assert s["settings"] == ["sdk studio", "admin", "vscode", True]
    assert s["state_before"] == "STOPPED"
    assert s["start_result"]["state"] == "RUNNING" and s["state_running"] == "RUNNING"
    assert "code_studio-versioned" in s["zones"] and len(s["zones"]) == 8
    assert s["last_state_change_set"] is True
    assert s["recipes_conflicts"] == {"modified": ["recipes/clean.py"], "authors": ["analyst"], "is_error": False}
    assert s["conflict_counts"] == {"recipes": 1}
    assert s["unknown_zone_is_error"] is True
    assert s["after_pull_conflicts"] == 0
    assert s["push"] == {"count": 1, "size": 1024}
    assert s["owner_after_change"] == "analyst"
    assert s["stop_result"]["state"] == "STOPPED" and s["state_stopped"] == "STOPPED"
    assert s["stop_again_result"] is None, "stop of a stopped studio: finished inline, no result"
    assert s["failed_start"] == "com.dataiku.dip.exceptions.TaskFailedException: no node fits"
    assert s["inline_start"]["state"] == "RUNNING" and s["inline_state"] == "RUNNING"
    assert s["impersonated_owner"] == "analyst"
    assert s["listed_after_delete"] == []
    assert s["deleted_get"] == "com.dataiku.dip.exceptions.UnknownObjectException"
    assert s["project_delete"] is True and s["project_keys_after_delete"] == ["SANDBOX"]
    assert s["bad_key"].startswith("com.dataiku.dip.exceptions.UnauthorizedException: ")

    called = {(r["method"], r["route"]) for r in sandbox.requests(platform="dataiku")}
    for route in (
        "list_code_studios",
        "create_code_studio",
        "restart_code_studio",
        "get_future",
        "check_conflicts",
        "pull_zone",
        "change_owner",
        "stop_code_studio",
        "delete_code_studio",
    ):
        assert any(name == f"dataiku.{route}" for _, name in called), route
    assert all(
        r["path"].startswith("/dataiku//dip/publicapi/")
        for r in sandbox.requests(platform="dataiku")
        if r["status"] != 401
    )
