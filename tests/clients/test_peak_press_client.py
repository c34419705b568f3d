"""The Peak Press client against the sandbox: every call, multipart encoding, list keys, paging."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import requests

from providers.core import BadRequestError, ConflictError, NotFoundError
from providers.peak.client import PeakConnection, PeakPressClient
from tests.harness import platform_requests

BLOCK_SPEC = "5eed0000-b10c-4000-8000-000000000001"
APP_SPEC = "5eed0000-a990-4000-8000-000000000002"


@pytest.fixture
def press(peak_settings):
    return PeakPressClient.from_settings(peak_settings)


def artifact_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", "print('hi')\n")
    return buffer.getvalue()


def spec_body(name: str, kind: str = "workflow", version: str = "1.0.0", config: Any = None) -> dict[str, Any]:
    return {
        "version": 1,
        "kind": kind,
        "metadata": {"name": name, "summary": f"{name} summary"},
        "release": {"version": version, "notes": "n"},
        "config": config if config is not None else {"steps": {}},
    }


@pytest.fixture
def sent(monkeypatch):
    """Every request the client sends, as prepared (headers and body)."""
    seen: list[requests.PreparedRequest] = []
    original = requests.Session.send

    def send(self, request, **kwargs):
        seen.append(request)
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
    return seen


def test_block_spec_is_multipart_with_json_encoded_fields_and_the_artifact(sb, press, sent):
    spec_id = press.create_spec("block", spec_body("blk"), artifact=artifact_zip(), parameters={"run": []})
    post = sent[-1]
    assert post.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = post.body if isinstance(post.body, bytes) else b""
    assert b'name="featured"\r\n\r\nnull' in body and b'name="autoRunOnDeploy"\r\n\r\nnull' in body
    assert b'name="artifact"; filename="artifact.zip"' in body and b"Content-Type: application/zip" in body
    assert b'name="scope"' not in body, "unset plain fields are left out"
    assert b'name="parameters"' in body

    # As the SDK (reference §4, §7b): no parameters part when none are given, no tenants part when empty.
    press.create_spec("block", spec_body("blk-bare"), tenants=[])
    bare = sent[-1].body if isinstance(sent[-1].body, bytes) else b""
    assert b'name="parameters"' not in bare and b'name="tenants"' not in bare
    assert b'name="featured"\r\n\r\nnull' in bare
    spec = press.get_spec("block", spec_id)
    assert (spec.featured, spec.scope, spec.metadata.status) == (False, "private", "available")
    assert spec.latest_release is not None and spec.latest_release.artifact is not None

    version = press.create_spec_release("block", spec_id, {"release": {"version": "1.1.0"}, "config": {}})
    assert version == "1.1.0"
    assert sent[-1].headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="parameters"' not in sent[-1].body and b'name="autoRunOnDeploy"\r\n\r\nnull' in sent[-1].body
    release = press.get_spec_release("block", spec_id, "1.1.0")
    assert release.version == "1.1.0" and release.artifact is None
    assert [r.version for r in press.iter_spec_releases("block", spec_id)] == ["1.1.0", "1.0.0"]


def test_unreadable_artifact_is_a_bad_request(sb, press):
    with pytest.raises(BadRequestError, match="not a readable zip"):
        press.create_spec("block", spec_body("broken"), artifact=b"not a zip")


def test_app_spec_is_json_with_string_encoded_fields(sb, press, sent):
    config = [{"id": BLOCK_SPEC, "release": {"version": "1.0.0"}}]
    spec_id = press.create_spec("app", spec_body("app-x", kind="app", config=config), featured=True)
    assert sent[-1].headers["Content-Type"] == "application/json"
    body = platform_requests(sb)[-1]["body"]
    assert isinstance(body["spec"], str) and body["featured"] == "true" and body["parameters"] == "null"
    assert press.get_spec("app", spec_id).featured is True
    press.create_spec_release("app", spec_id, {"release": {"version": "2.0.0", "notes": "n"}, "config": config})
    assert press.get_spec("app", spec_id).latest_release.version == "2.0.0"
    press.update_spec_metadata("app", spec_id, {"metadata": {"title": "Titled"}})
    assert press.get_spec("app", spec_id).metadata.title == "Titled"
    with pytest.raises(BadRequestError, match="No changes detected"):
        press.update_spec_metadata("app", spec_id, {"metadata": {"title": "Titled"}})
    press.delete_spec("app", spec_id)
    with pytest.raises(NotFoundError):
        press.get_spec("app", spec_id)


def test_spec_lists_filter_and_page(sb, press):
    for name in ("one", "two", "three"):
        press.create_spec("block", spec_body(f"page-{name}"))
    names = [s.metadata.name for s in press.iter_specs(page_size=2)]
    assert sorted(names) == ["page-one", "page-three", "page-two", "sandbox-app", "sandbox-block"]
    assert [s.metadata.name for s in press.iter_specs(kind=["app"])] == ["sandbox-app"]
    assert [s.metadata.name for s in press.iter_specs(term="page-t", sort=["name:desc"])] == ["page-two", "page-three"]
    assert list(press.iter_specs(featured=True)) == []
    pages = [r["query"].get("pageNumber") for r in platform_requests(sb) if r["route"] == "peak.press.list_all_specs"]
    assert pages[:3] == [["1"], ["2"], ["3"]]


def test_deployment_calls(sb, press):
    body = {
        "metadata": {"name": "dep-a", "summary": "s"},
        "revision": {"notes": "n"},
        "spec": {"id": BLOCK_SPEC, "release": {"version": "1.0.0"}},
        "parameters": {"run": {"target_url": "u"}},
    }
    deployment_id = press.create_deployment("block", body)
    assert press.get_deployment("block", deployment_id).status == "deployed"
    with pytest.raises(ConflictError):
        press.create_deployment("block", body)
    with pytest.raises(NotFoundError):
        press.create_deployment("block", {**body, "spec": {"id": BLOCK_SPEC, "release": {"version": "9.0.0"}}})
    updated = press.update_deployment_metadata("block", deployment_id, {"title": "T"})
    assert updated.metadata.title == "T" and updated.latest_revision and updated.latest_revision.revision == 1
    created = press.create_deployment_revision("block", deployment_id, {"revision": {"notes": "r2"}})
    assert created.revision == 2
    assert press.get_deployment_revision("block", deployment_id, 1).status == "superseded"
    assert [r.revision for r in press.iter_deployment_revisions("block", deployment_id, page_size=1)] == [2, 1]
    with pytest.raises(ConflictError, match="only failed or warning"):
        press.create_redeployment("block", deployment_id)
    assert [d.id for d in press.iter_deployments("block", name="dep-")] == [deployment_id]
    assert [d.id for d in press.iter_spec_release_deployments(BLOCK_SPEC, version="1.1.0")] == [deployment_id]
    assert list(press.iter_spec_release_deployments(BLOCK_SPEC, version="1.0.0")) == []
    press.delete_deployment("block", deployment_id)
    with pytest.raises(NotFoundError):
        press.get_deployment("block", deployment_id)


def test_redeploy_of_a_failed_deployment(sb, press):
    sb.fail_next("peak/press", operation="deploy", name="dep-f", reason="boom")
    body = {"metadata": {"name": "dep-f", "summary": "s"}, "revision": {"notes": "n"}, "spec": {"id": BLOCK_SPEC}}
    deployment_id = press.create_deployment("block", body)
    failed = press.get_deployment("block", deployment_id)
    assert failed.status == "failed" and failed.failure_reason() == "boom"
    answer = press.create_redeployment("block", deployment_id)
    assert answer.revision == 1 and answer.deployment_id == deployment_id
    assert press.get_deployment("block", deployment_id).status == "deployed"


class CannedTransport:
    """Answers GETs from a list of pages, recording the queries."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.queries: list[dict[str, Any]] = []

    def request(self, operation: Any, method: str, url: str, *, query: Any = None, **_: Any) -> Any:
        self.queries.append(dict(query or {}))
        return self.pages[len(self.queries) - 1]


@pytest.mark.parametrize("key", ["revisions", "deployments"])
def test_revision_lists_read_either_key_and_page_on_page_count(key):
    page = {"revision": 1, "status": "deployed"}
    transport = CannedTransport([{key: [page], "pageCount": 2}, {key: [{**page, "revision": 2}], "pageCount": 2}])
    client = PeakPressClient(PeakConnection("http://x/{subdomain}", "k"), transport=transport)  # type: ignore[arg-type]
    assert [r.revision for r in client.iter_deployment_revisions("app", "d")] == [1, 2]
    assert [q["pageNumber"] for q in transport.queries] == [1, 2]


def test_a_page_count_of_zero_stops_after_the_first_page():
    transport = CannedTransport([{"specs": [], "pageCount": 0}])
    client = PeakPressClient(PeakConnection("http://x/{subdomain}", "k"), transport=transport)  # type: ignore[arg-type]
    assert list(client.iter_specs()) == []
    assert len(transport.queries) == 1
