"""Fidelity: the official peak-sdk, in its own virtualenv, works against the sandbox's Peak emulator."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from providers.sandbox import Sandbox
from tests.sandbox.sandbox_support import PeakHttp

pytestmark = pytest.mark.sdk

SCENARIO = Path(__file__).parent / "sdk_scenarios" / "peak_services.py"


def run_scenario(python: Path, sandbox: Sandbox, *args: str, token: str = "sandbox-test-key") -> Any:
    """Run the SDK scenario script; its JSON output."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PEAK") and k not in ("API_KEY", "STAGE")},
        "PEAK_AUTH_TOKEN": token,
        "MLP_SANDBOX_URL": sandbox.url,
    }
    result = subprocess.run([str(python), str(SCENARIO), *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def settled_requests(sandbox: Sandbox) -> list[dict[str, Any]]:
    """The request log once the SDK's background telemetry calls have arrived."""
    log = sandbox.requests(platform="peak")
    for _ in range(20):
        time.sleep(0.1)
        later = sandbox.requests(platform="peak")
        if len(later) == len(log):
            return later
        log = later
    return log


def test_sdk_services_scenario(peak_sdk_python: Path, sandbox: Sandbox) -> None:
    summary = run_scenario(peak_sdk_python, sandbox)

    assert summary["bad_token_exception"] == "UnauthorizedException"
    assert summary["create_statuses"] == ["AVAILABLE"]
    assert summary["described"] == {
        "name": "sdk-web",
        "serviceType": "web-app",
        "imageDetails": {"imageId": 101, "versionId": 1},
        "parameters": {"env": {"A": "1"}, "secrets": ["s1"]},
    }
    assert summary["described_has_application_url"] is True
    assert summary["listed_all_paged"] == ["sdk-page-a", "sdk-page-b", "sdk-page-c", "sdk-web"]
    assert summary["listed_filtered"] == ["sdk-page-a", "sdk-page-b", "sdk-page-c"]
    assert summary["listed_no_match"] == []
    assert summary["bad_status_filter"] == "BadRequestException"
    assert (summary["title_update_status"], summary["title_after_update"]) == ("AVAILABLE", "Renamed")
    assert summary["image_update_statuses"] == ["DEPLOYING", "AVAILABLE"]
    assert summary["create_or_update_existing"] == {"id": summary["web_id"]}
    assert summary["create_or_update_statuses"] == ["DEPLOYING", "AVAILABLE"]
    assert summary["description_after_create_or_update"] == "patched"
    assert summary["create_or_update_new_is_new"] is True
    assert summary["bad_request"] == "BadRequestException"
    assert summary["duplicate"] == "ConflictException"
    assert summary["delete_while_creating"] == "ConflictException"
    assert summary["test_response"] == {
        "responseStatus": 200,
        "responseBody": {"method": "POST", "path": "/predict", "payload": {"x": 1}},
        "responseSize": "1KB",
    }
    assert summary["test_web_app"] == "BadRequestException"
    assert summary["test_unknown"] == "NotFoundException"
    assert summary["failed_statuses"] == ["CREATE_FAILED"]
    assert summary["failed_last_error"] == {"message": "image pull failed"}
    assert summary["after_delete"] == "NotFoundException"
    assert "sdk-web" not in summary["names_at_end"]

    log = settled_requests(sandbox)
    routes = {entry["route"] for entry in log}
    assert {"peak.telemetry", "peak.tenant_metadata", "peak.test_service"} <= routes
    assert {entry["tenant"] for entry in log if entry["route"] != "peak.telemetry"} <= {"test", None}
    assert [e for e in log if e["status"] >= 500] == []
    assert [e for e in log if e["route"] is None] == [], "the SDK called a route the sandbox does not have"
    assert "sandbox-test-key" not in json.dumps(log)
    create_or_update = [e for e in log if e["method"] == "PATCH" and e["body"].get("description") == "patched"]
    assert create_or_update[0]["body"]["name"] == "sdk-web", "create_or_update PATCHes with the name in the body"


def test_sdk_lists_what_was_created_over_http(peak_sdk_python: Path, sandbox: Sandbox) -> None:
    peak = PeakHttp(sandbox, "sandbox-test-key")
    for name in ("one", "two"):
        peak.create(name)
    PeakHttp(sandbox, "sandbox-dev-key").create("other-tenant")

    assert run_scenario(peak_sdk_python, sandbox, "list-names") == ["one", "two"]
