"""The DSS emulator over HTTP: prefixes, auth forms, error JSON, headers, wire shapes, control plane."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from providers.sandbox import Sandbox
from tests.sandbox.dataiku_support import ADMIN_KEY, ANALYST_KEY, configure, put_zone


def basic(user: str, password: str = "") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


ADMIN = basic(ADMIN_KEY)


def call(
    sandbox: Sandbox, method: str, path: str, headers: dict[str, str] | None = None, **kwargs
) -> requests.Response:
    return requests.request(
        method, f"{sandbox.url}/dataiku{path}", headers=ADMIN if headers is None else headers, timeout=10, **kwargs
    )


@pytest.mark.parametrize(
    "path", ["/dip/publicapi/projects/", "/public/api/projects/", "//dip/publicapi/projects", "/public//api//projects"]
)
def test_both_prefixes_slashes_collapsed_and_trailing_slash_optional(sandbox, path):
    answer = call(sandbox, "GET", path)
    assert answer.status_code == 200 and [p["projectKey"] for p in answer.json()] == ["SANDBOX"]
    assert answer.headers["DSS-Version"] and answer.headers["DSS-API-Version"]
    assert answer.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "headers",
    [basic(ADMIN_KEY), basic("", ADMIN_KEY), {"Authorization": f"Bearer {ADMIN_KEY}"}],
    ids=["basic-user", "basic-password", "bearer"],
)
def test_the_key_is_accepted_in_every_documented_form(sandbox, headers):
    answer = call(sandbox, "GET", "/public/api/auth/info", headers=headers)
    assert answer.status_code == 200 and answer.json()["authIdentifier"] == "admin"


@pytest.mark.parametrize("headers", [{}, basic("wrong"), {"Authorization": "Token x"}, {"Authorization": "Basic %%%"}])
def test_anything_else_is_401_with_dss_error_json(sandbox, headers):
    answer = call(sandbox, "GET", "/public/api/projects/", headers=headers)
    assert answer.status_code == 401
    body = answer.json()
    assert body["errorType"] == "com.dataiku.dip.exceptions.UnauthorizedException" and body["message"]
    assert "detailedMessage" not in body


def test_json_body_without_content_type_and_capitalised_booleans(sandbox):
    raw = json.dumps({"name": "cs", "templateId": "vscode"})
    created = requests.post(
        f"{sandbox.url}/dataiku/dip/publicapi/projects/SANDBOX/code-studios/", data=raw, headers=ADMIN, timeout=10
    )
    assert created.status_code == 200
    studio = created.json()["codeStudio"]
    assert studio["name"] == "cs" and studio["owner"] == "admin" and studio["templateId"] == "vscode"
    started = call(sandbox, "POST", f"/public/api/projects/SANDBOX/code-studios/{studio['id']}/restart")
    job = started.json()["jobId"]
    peeked = call(sandbox, "GET", f"/public/api/futures/{job}", params={"peek": "True"}).json()
    assert peeked["hasResult"] is True and "result" not in peeked
    polled = call(sandbox, "GET", f"/public/api/futures/{job}", params={"peek": "False"}).json()
    assert polled["hasResult"] is True and polled["alive"] is False and polled["result"]["state"] == "RUNNING"


def test_code_studio_wire_shapes(sandbox):
    studio = call(
        sandbox, "POST", "/public/api/projects/SANDBOX/code-studios", json={"name": "w", "templateId": "vscode"}
    )
    sid = studio.json()["codeStudio"]["id"]
    base = f"/public/api/projects/SANDBOX/code-studios/{sid}"
    stopped = call(sandbox, "GET", base + "/status").json()
    assert stopped == {"state": "STOPPED", "syncedZones": [], "exposed": []}, "lastStateChange left out: never"
    running_future = call(sandbox, "POST", base + "/restart").json()
    assert running_future["hasResult"] is False and running_future["alive"] is True and "result" not in running_future
    status = call(sandbox, "GET", base + "/status").json()
    assert status["state"] == "RUNNING" and status["lastStateChange"] > 0
    assert status["syncedZones"][0] == {
        "id": "project-lib-versioned",
        "path": "/home/dataiku/workspace/project-lib-versioned",
    }
    assert status["exposed"] == [{"port": 8080, "label": "VS Code", "url": f"/code-studios/SANDBOX/{sid}/8080/"}]
    [item] = call(sandbox, "GET", "/public/api/projects/SANDBOX/code-studios/").json()
    assert item["desc"] == {"label": "VS Code", "shortDesc": "VS Code in the browser"}
    owner = call(sandbox, "POST", base + "/change-owner", params={"newOwner": "analyst"})
    assert owner.status_code == 200 and owner.json()["owner"] == "analyst"
    assert call(sandbox, "GET", base + "/push/recipes").json() == {"count": 0, "size": 0}
    stop = call(sandbox, "POST", base + "/stop").json()
    assert "jobId" in stop
    assert call(sandbox, "POST", base + "/stop").json()["jobId"] == stop["jobId"], "the stop under way"
    assert call(sandbox, "GET", base + "/status").json()["state"] == "STOPPED"
    inline = call(sandbox, "POST", base + "/stop").json()
    assert inline == {
        "hasResult": True,
        "alive": False,
        "aborted": False,
        "unknown": False,
        "startTime": 0,
        "runningTime": 0,
    }
    assert call(sandbox, "DELETE", base).status_code == 200
    missing = call(sandbox, "GET", base)
    assert missing.status_code == 404 and missing.json()["errorType"].endswith("UnknownObjectException")


def test_failed_future_answers_an_http_error_with_the_task_error(sandbox):
    sid = call(
        sandbox, "POST", "/public/api/projects/SANDBOX/code-studios/", json={"name": "f", "templateId": "vscode"}
    ).json()["codeStudio"]["id"]
    sandbox._call("POST", "/dataiku/failures", {"operation": "start", "name": "f", "message": "no GPU left"})
    job = call(sandbox, "POST", f"/public/api/projects/SANDBOX/code-studios/{sid}/restart").json()["jobId"]
    answer = call(sandbox, "GET", f"/public/api/futures/{job}", params={"peek": "False"})
    assert answer.status_code == 500 and answer.json() == {
        "errorType": "com.dataiku.dip.exceptions.TaskFailedException",
        "message": "no GPU left",
    }
    assert call(sandbox, "GET", "/public/api/futures/unknown").status_code == 404


def test_impersonation_only_with_an_admin_key(sandbox):
    as_analyst = {**ADMIN, "X-Dku-ProxyUser": "analyst"}
    created = call(
        sandbox,
        "POST",
        "/public/api/projects/SANDBOX/code-studios/",
        headers=as_analyst,
        json={"name": "p", "templateId": "vscode"},
    )
    assert created.json()["codeStudio"]["owner"] == "analyst"
    refused = call(sandbox, "GET", "/public/api/auth/info", headers={**basic(ANALYST_KEY), "X-DKU-ProxyUser": "admin"})
    assert refused.status_code == 403


def test_projects_routes(sandbox):
    body = {
        "projectKey": "NEW_P",
        "name": "New",
        "owner": "admin",
        "settings": None,
        "description": None,
        "permissions": [],
        "tags": [],
    }
    assert call(sandbox, "POST", "/dip/publicapi/projects/", data=json.dumps(body)).status_code == 200
    assert call(sandbox, "POST", "/dip/publicapi/projects/", data=json.dumps(body)).status_code == 409
    assert call(sandbox, "GET", "/public/api/projects/NEW_P").json()["ownerLogin"] == "admin"
    assert call(sandbox, "PUT", "/public/api/projects/NEW_P/metadata", json={"label": "x"}).status_code == 200
    assert call(sandbox, "GET", "/public/api/projects/NEW_P/metadata").json() == {"label": "x"}
    deleted = call(sandbox, "DELETE", "/public/api/projects/NEW_P", params={"wait": "True"}).json()
    assert deleted["hasResult"] is True and "jobId" not in deleted


def test_not_found_can_be_a_500_as_dss_often_answers(sandbox):
    configure(sandbox, not_found_status=500)
    answer = call(sandbox, "GET", "/public/api/projects/NOPE")
    assert answer.status_code == 500 and answer.json()["errorType"].endswith("UnknownObjectException")


def test_control_plane_zone_route_needs_a_running_studio(sandbox):
    sid = call(
        sandbox, "POST", "/public/api/projects/SANDBOX/code-studios/", json={"name": "z", "templateId": "vscode"}
    ).json()["codeStudio"]["id"]
    with pytest.raises(Exception, match="not running"):
        put_zone(sandbox, sid, "recipes", changed=["a"])
    call(sandbox, "POST", f"/public/api/projects/SANDBOX/code-studios/{sid}/restart")
    call(sandbox, "GET", f"/public/api/projects/SANDBOX/code-studios/{sid}/status")
    zone = put_zone(sandbox, "z", "recipes", changed=["a"], conflicts={"added": ["b"]})
    assert zone["changed"] == ["a"] and zone["conflicts"]["added"] == ["b"]


def test_environment_points_at_the_emulator(sandbox):
    env = sandbox.environment()
    assert env["DKU_DSS_URL"] == f"{sandbox.url}/dataiku" and env["DKU_API_KEY"] == ADMIN_KEY
