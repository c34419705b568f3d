"""The Press emulator: its rules as plain Python (a fake clock), and its wire answers over HTTP."""

from __future__ import annotations

import io
import json
import socket
import time
import zipfile
from typing import Any

import pytest
import requests

from providers.sandbox import Sandbox
from providers.sandbox.core import server
from providers.sandbox.core.http import HttpError
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.peak.press_models import (
    SEEDED_APP_SPEC_ID,
    SEEDED_BLOCK_SPEC_ID,
    PressBackend,
    PressQuery,
)

PRESS = "/peak/press/v1"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def backend() -> PressBackend:
    return PressBackend(Transitions(FakeClock()))


def deployment_body(
    name: str, spec_id: str = SEEDED_BLOCK_SPEC_ID, version: str | None = "1.0.0", **extra: Any
) -> dict[str, Any]:
    spec: dict[str, Any] = {"id": spec_id}
    if version:
        spec["release"] = {"version": version}
    return {"metadata": {"name": name, "summary": "s"}, "revision": {"notes": "n"}, "spec": spec, **extra}


# ---- backend ---------------------------------------------------------------------------------------


def test_every_tenant_starts_with_the_seeded_specs_and_reset_restores_them(backend):
    names = {s.metadata["name"] for s in backend.list_specs("t1", None, PressQuery()).items}
    assert names == {"sandbox-app", "sandbox-block"}
    backend.delete_spec("t1", "app", SEEDED_APP_SPEC_ID)
    backend.reset()
    assert backend.get_spec("t1", "app", SEEDED_APP_SPEC_ID).releases[-1].version == "1.1.0"


def test_app_is_deployed_only_once_its_blocks_are(backend):
    backend.transitions.set("reads", 2)
    app = backend.create_deployment(
        "t", "app", deployment_body("a", SEEDED_APP_SPEC_ID, parameters={"sandbox-block": {"run": {"x": 1}}})
    )
    (block_id,) = app.latest.blocks
    statuses = [backend.describe_deployment("t", "app", app.id).status for _ in range(3)]
    # Read 1: the block is still deploying, so the app's own transition is not counted; read 2:
    # the block lands and the app counts its first read; read 3: the app lands.
    assert statuses == ["deploying", "deploying", "deployed"]
    block = backend.describe_deployment("t", "block", block_id)
    assert block.parent_id == app.id and block.latest.parameters == {"build": {}, "run": {"x": 1}}


def test_revision_supersedes_and_moves_the_deployment_to_its_release(backend):
    d = backend.create_deployment("t", "block", deployment_body("b"))
    backend.describe_deployment("t", "block", d.id)
    backend.create_revision("t", "block", d.id, {"release": {"version": "1.1.0"}, "revision": {"notes": "2"}})
    assert [r.status for r in d.revisions] == ["superseded", "deploying"]
    with pytest.raises(HttpError) as busy:
        backend.delete_deployment("t", "block", d.id)
    assert busy.value.status == 409
    backend.describe_deployment("t", "block", d.id)
    by_release = backend.list_deployments("t", None, PressQuery(version="1.1.0"), spec_id=SEEDED_BLOCK_SPEC_ID)
    assert [x.id for x in by_release.items] == [d.id]
    assert backend.list_deployments("t", None, PressQuery(version="1.0.0"), spec_id=SEEDED_BLOCK_SPEC_ID).items == []


def test_redeploy_only_from_failed_or_warning(backend):
    backend.schedule_failure("deploy", "b", "boom")
    d = backend.create_deployment("t", "block", deployment_body("b"))
    assert backend.describe_deployment("t", "block", d.id).status == "failed"
    assert backend.describe(d)["latestRevision"]["lastError"] == {"message": "boom"}
    backend.redeploy("t", "block", d.id)
    assert d.status == "redeploying"
    assert backend.describe_deployment("t", "block", d.id).status == "deployed"
    with pytest.raises(HttpError) as refused:
        backend.redeploy("t", "block", d.id)
    assert refused.value.status == 409


def test_delete_goes_through_deleting_or_ends_delete_failed(backend):
    d = backend.create_deployment("t", "block", deployment_body("b"))
    backend.describe_deployment("t", "block", d.id)
    backend.schedule_failure("delete", "b", "stuck")
    backend.delete_deployment("t", "block", d.id)
    assert d.status == "deleting"
    assert backend.describe_deployment("t", "block", d.id).status == "delete_failed"
    backend.delete_deployment("t", "block", d.id)
    with pytest.raises(HttpError) as gone:
        backend.describe_deployment("t", "block", d.id)
    assert gone.value.status == 404


def test_create_refuses_unknown_releases_and_duplicate_names(backend):
    with pytest.raises(HttpError) as unknown:
        backend.create_deployment("t", "block", deployment_body("b", version="3.0.0"))
    assert unknown.value.status == 404
    with pytest.raises(HttpError) as wrong_family:
        backend.create_deployment("t", "app", deployment_body("b"))
    assert wrong_family.value.status == 404
    backend.create_deployment("t", "block", deployment_body("b"))
    with pytest.raises(HttpError) as twin:
        backend.create_deployment("t", "block", deployment_body("b"))
    assert twin.value.status == 409


def test_state_keeps_services_next_to_press_objects(sandbox: Sandbox):
    PeakHttpLike(sandbox).post("/apps/deployments/", deployment_body("a", SEEDED_APP_SPEC_ID))
    tenant = sandbox.state()["peak"]["tenants"]["dev"]
    assert set(tenant) >= {"services", "specs", "deployments"} and len(tenant["deployments"]) == 2


# ---- HTTP ------------------------------------------------------------------------------------------


class PeakHttpLike:
    def __init__(self, sandbox: Sandbox, token: str = "sandbox-dev-key") -> None:
        self.url = sandbox.url + PRESS
        self.headers = {"Authorization": token}

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, self.url + path, headers=self.headers, timeout=30, **kwargs)

    def post(self, path: str, body: Any) -> dict[str, Any]:
        response = self.call("POST", path, json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", "")
    return buffer.getvalue()


def block_form(name: str, **fields: Any) -> dict[str, Any]:
    spec = {
        "version": 1,
        "kind": "workflow",
        "metadata": {"name": name, "summary": "s"},
        "release": {"version": "1.0.0", "notes": "n"},
    }
    return {"spec": (None, json.dumps(spec)), **{k: (None, v) for k, v in fields.items()}}


def test_auth_comes_before_lookup(sandbox: Sandbox):
    good = PeakHttpLike(sandbox)
    deployment = good.post("/blocks/deployments/", deployment_body("b"))["id"]
    wrong = PeakHttpLike(sandbox, "wrong-token")
    for path in (
        f"/blocks/deployments/{deployment}",
        f"/blocks/specs/{SEEDED_BLOCK_SPEC_ID}",
        "/blocks/deployments/nope",
    ):
        response = wrong.call("GET", path)
        assert response.status_code == 401 and "detail" in response.json()


def test_block_spec_multipart_with_null_strings_and_absent_fields(sandbox: Sandbox):
    press = PeakHttpLike(sandbox)
    form = block_form("blk", featured="null", autoRunOnDeploy="true")
    created = press.call(
        "POST", "/blocks/specs/", files={**form, "artifact": ("artifact.zip", zipped(), "application/zip")}
    )
    assert created.status_code == 201, created.text
    described = press.call("GET", f"/blocks/specs/{created.json()['id']}").json()
    assert (described["featured"], described["scope"], described["metadata"]["status"]) == (
        False,
        "private",
        "available",
    )
    assert described["latestRelease"]["autoRunOnDeploy"] is True and "id" in described["latestRelease"]["artifact"]
    bad = press.call(
        "POST", "/blocks/specs/", files={**block_form("blk2"), "artifact": ("artifact.zip", b"junk", "application/zip")}
    )
    assert bad.status_code == 400 and "zip" in bad.json()["detail"]
    validated = press.call("POST", "/blocks/specs/?validate=true", files=block_form("blk3"))
    assert validated.json() == {"success": True, "message": "The spec is valid"}


def test_lists_carry_both_count_keys_and_an_integer_page_count(sandbox: Sandbox):
    press = PeakHttpLike(sandbox)
    deployment = press.post("/blocks/deployments/", deployment_body("b"))["id"]
    press.call("GET", f"/blocks/deployments/{deployment}")
    listed = press.call("GET", "/blocks/deployments/?status=deployed,failed&pageSize=1").json()
    assert listed["deploymentCount"] == listed["deploymentsCount"] == 1 and listed["pageCount"] == 1
    specs = press.call("GET", "/specs/?featured=False&kind=workflow").json()
    assert specs["specCount"] == specs["specsCount"] == 1
    revisions = press.call("GET", f"/blocks/deployments/{deployment}/revisions").json()
    assert revisions["revisions"] == revisions["deployments"] and isinstance(revisions["pageCount"], int)
    assert press.call("GET", "/specs/?status=bogus").status_code == 400


def test_metadata_update_is_flat_and_returns_the_deployment(sandbox: Sandbox):
    press = PeakHttpLike(sandbox)
    deployment = press.post("/apps/deployments/", deployment_body("a", SEEDED_APP_SPEC_ID))["id"]
    press.call("GET", f"/apps/deployments/{deployment}")
    answer = press.call("PATCH", f"/apps/deployments/{deployment}", json={"title": "T", "tags": [{"name": "x"}]}).json()
    assert answer["metadata"]["title"] == "T" and answer["latestRevision"]["revision"] == 1
    assert answer["latestRevision"]["blocks"][0]["platformId"]


def test_a_body_that_never_arrives_gets_an_answer(sandbox: Sandbox, monkeypatch):
    monkeypatch.setattr(server._QuietHandler, "timeout", 0.5)
    host, port = sandbox.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(
            (
                f"POST {PRESS}/blocks/specs/ HTTP/1.1\r\nHost: x\r\nAuthorization: sandbox-dev-key\r\n"
                "Content-Type: multipart/form-data; boundary=abc\r\nContent-Length: 500\r\n\r\n"
            ).encode()
        )
        started = time.monotonic()
        answer = conn.recv(4096).decode()
    assert answer.startswith("HTTP/1.0 400") or answer.startswith("HTTP/1.1 400"), answer
    assert time.monotonic() - started < 4


def test_state_file_round_trip_keeps_press_objects_and_pending_failures(tmp_path):
    from providers.sandbox.sandbox import Sandbox as InProcess

    state = tmp_path / "state.json"
    with InProcess(state_file=state) as first:
        press = PeakHttpLike(first)
        deployment = press.post("/apps/deployments/", deployment_body("a", SEEDED_APP_SPEC_ID))["id"]
        first.fail_next("peak/press", operation="delete", name="a", reason="kept")
    with InProcess(state_file=state) as second:
        press = PeakHttpLike(second)
        described = press.call("GET", f"/apps/deployments/{deployment}").json()
        assert described["metadata"]["status"] == "deployed" and len(described["latestRevision"]["blocks"]) == 1
        assert press.call("DELETE", f"/apps/deployments/{deployment}").status_code == 200
        again = press.call("GET", f"/apps/deployments/{deployment}").json()
        assert again["metadata"]["status"] == "delete_failed"
        assert again["latestRevision"]["lastError"] == {"message": "kept"}


def test_execute_runs_blocks_published_to_run_on_deploy(sandbox: Sandbox):
    press = PeakHttpLike(sandbox)
    spec = press.call("POST", "/blocks/specs/", files=block_form("runner", autoRunOnDeploy="true")).json()["id"]
    deployment = press.post("/blocks/deployments/", deployment_body("r", spec, version=None))["id"]
    answer = press.call("POST", f"/deployments/{deployment}/execute", json={}).json()["executeResponse"]
    assert [(e["blockSpecId"], e["version"], e["status"]) for e in answer] == [(spec, "1.0.0", "executed")]
    seeded = press.post("/blocks/deployments/", deployment_body("s"))["id"]
    assert press.call("POST", f"/deployments/{seeded}/execute", json={}).json() == {"executeResponse": []}
