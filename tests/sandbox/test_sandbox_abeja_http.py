"""The ABEJA emulator over HTTP: auth, error bodies, trailing slashes, JSON on every 2xx, runs paging."""

from __future__ import annotations

import requests

from providers.sandbox import Sandbox
from tests.sandbox.abeja_support import (
    DEPLOYMENT_ID,
    INPUT_CHANNEL_ID,
    ORGANIZATION_ID,
    OTHER_ORGANIZATION_ID,
    OTHER_TOKEN,
    SANDBOX_PAT,
    SANDBOX_USER_ID,
    VERSION_IDS,
    AbejaHttp,
    abeja_api_url,
    file_arrived,
)

TRIGGERS = f"deployments/{DEPLOYMENT_ID}/triggers"


def assert_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, dict) and body["error"] == code and body["error_description"]


def test_environment_exports_the_sdks_variables(sandbox: Sandbox) -> None:
    env = sandbox.environment()
    assert env["ABEJA_API_URL"] == f"{sandbox.url}/abeja" and not env["ABEJA_API_URL"].endswith("/")
    assert env["ABEJA_ORGANIZATION_ID"] == ORGANIZATION_ID
    http = AbejaHttp(sandbox, env["PLATFORM_AUTH_TOKEN"])
    assert http.call("GET", f"/organizations/{env['ABEJA_ORGANIZATION_ID']}/{TRIGGERS}").json() == {"entries": []}


def test_auth_schemes(sandbox: Sandbox) -> None:
    assert AbejaHttp(sandbox).call("GET", TRIGGERS).status_code == 200
    basic = AbejaHttp(sandbox, basic=f"user-{SANDBOX_USER_ID}:{SANDBOX_PAT}")
    assert basic.call("GET", TRIGGERS).status_code == 200
    assert_error(
        AbejaHttp(sandbox, basic=f"{SANDBOX_USER_ID}:{SANDBOX_PAT}").call("GET", TRIGGERS), 401, "unauthorized"
    )
    assert_error(AbejaHttp(sandbox, basic=f"user-{SANDBOX_USER_ID}:wrong").call("GET", TRIGGERS), 401, "unauthorized")
    assert_error(AbejaHttp(sandbox, token=None).call("GET", TRIGGERS), 401, "unauthorized")
    assert_error(AbejaHttp(sandbox, "nope").call("GET", TRIGGERS), 401, "unauthorized")
    other = AbejaHttp(sandbox, OTHER_TOKEN)
    assert_error(other.call("GET", TRIGGERS), 403, "forbidden")
    assert other.call("GET", f"/organizations/{OTHER_ORGANIZATION_ID}/deployments").json() == {"entries": []}


def test_trigger_lifecycle_with_and_without_trailing_slash(sandbox: Sandbox) -> None:
    http = AbejaHttp(sandbox)
    created = http.create_trigger(environment={"A": "1"})
    tid = created["trigger_id"]
    assert http.call("GET", f"{TRIGGERS}/{tid}/").json() == created
    assert http.call("GET", f"{TRIGGERS}/").json() == {"entries": [created]}
    assert_error(http.call("PATCH", f"{TRIGGERS}/{tid}", json={"retry_count": 1}), 405, "method_not_allowed")
    deleted = http.call("DELETE", f"{TRIGGERS}/{tid}", headers={"Content-Length": "0"})
    assert deleted.status_code == 200 and deleted.json() == {"message": f"{tid} deleted"}
    assert_error(http.call("GET", f"{TRIGGERS}/{tid}"), 404, "not_found")
    assert_error(http.call("DELETE", f"{TRIGGERS}/{tid}"), 404, "not_found")


def test_create_errors(sandbox: Sandbox) -> None:
    http = AbejaHttp(sandbox)
    body = {"version_id": VERSION_IDS[0], "input_service_name": "datalake", "input_service_id": INPUT_CHANNEL_ID}
    bad = http.call("POST", TRIGGERS, json={**body, "retry_count": 12})
    assert_error(bad, 400, "bad_request")
    assert list(bad.json()["error_detail"]) == ["retry_count"]
    assert_error(http.call("POST", TRIGGERS, json={**body, "output_service_name": "datalake"}), 400, "bad_request")
    assert_error(http.call("POST", "deployments/1300000000099/triggers", json=body), 404, "not_found")
    assert_error(http.call("POST", f"/organizations/1200000000099/{TRIGGERS}", json=body), 404, "not_found")
    assert_error(http.call("POST", TRIGGERS, data="not json"), 400, "bad_request")
    assert_error(http.call("GET", "no/such/route"), 404, "not_found")


def test_versions_upload_url_takes_an_unauthenticated_put(sandbox: Sandbox) -> None:
    http = AbejaHttp(sandbox)
    deployment = http.call("POST", "deployments", json={"name": "d1", "description": ""}).json()
    versions = f"deployments/{deployment['deployment_id']}/versions"
    version = http.call("POST", versions, json={"version": "1.0.0", "handler": "main:handler", "image": "i"}).json()
    assert version["version_id"].startswith("ver-") and version["upload_url"].startswith(abeja_api_url(sandbox))
    put = requests.put(version["upload_url"], data=b"tarball", timeout=30)
    assert put.status_code == 200
    assert http.call("GET", f"{versions}/{version['version_id']}").json()["version"] == "1.0.0"
    assert [v["version"] for v in http.call("GET", versions).json()["entries"]] == ["1.0.0"]


def test_runs_page_with_tokens_and_case_insensitive_scan_forward(sandbox: Sandbox) -> None:
    http = AbejaHttp(sandbox)
    tid = http.create_trigger()["trigger_id"]
    started = [file_arrived(sandbox, file_id=f"f{i:02d}")[0]["run_id"] for i in range(12)]
    first = http.call("GET", f"{TRIGGERS}/{tid}/runs", params={"scan_forward": "True"}).json()
    assert [r["run_id"] for r in first["entries"]] == started[:10]
    second = http.call(
        "GET", f"{TRIGGERS}/{tid}/runs", params={"scan_forward": "TRUE", "next_page_token": first["next_page_token"]}
    ).json()
    assert [r["run_id"] for r in second["entries"]] == started[10:] and "next_page_token" not in second
    newest = http.call("GET", f"{TRIGGERS}/{tid}/runs").json()["entries"]
    assert newest[0]["run_id"] == started[-1]
    assert newest[0]["status"] == "RUNNABLE", "each read steps a run on: this is its second"
    assert_error(http.call("GET", f"{TRIGGERS}/{tid}/runs", params={"scan_forward": "maybe"}), 400, "bad_request")
    deployment_runs = http.call("GET", f"deployments/{DEPLOYMENT_ID}/runs").json()
    assert len(deployment_runs["entries"]) == 10 and deployment_runs["next_page_token"]


def test_channels_shapes(sandbox: Sandbox) -> None:
    http = AbejaHttp(sandbox)
    got = http.call("GET", f"channels/{INPUT_CHANNEL_ID}").json()
    assert got["channel"]["channel_id"] == INPUT_CHANNEL_ID and got["organization_id"] == ORGANIZATION_ID
    assert got["channel"]["created_at"].endswith("Z") and "." not in got["channel"]["created_at"]
    listed = http.call("GET", "channels", params={"limit": "1"}).json()
    assert len(listed["channels"]) == 1 and listed["has_next"] is True
    created = http.call("POST", "channels", json={"name": "c", "description": "", "storage_type": "datalake"}).json()
    archived = http.call("POST", f"channels/{created['channel']['channel_id']}/archive").json()
    assert archived["channel"]["archived"] is True
