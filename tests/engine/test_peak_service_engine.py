"""peak:Service through the real pulumi CLI, on a local file backend, against the sandbox."""

from __future__ import annotations

import json

from tests.harness import PEAK_TEST_KEY, peak_services, platform_requests, writes

TYPE = "pulumi-python:dynamic/peak:Service"
WEB = {"name": "web-one", "image_id": 11, "title": "Web one", "env": {"MODE": "a"}}


def test_preview_of_a_new_stack_sends_nothing(sb, new_project):
    project = new_project()
    project.config("services", {"web": WEB})
    result = project.preview()
    assert "+ 2 to create" in result.output  # the stack and the service
    assert "pulumi-python:dynamic/peak:Service" in project.preview("--json").stdout
    assert platform_requests(sb) == []


def test_lifecycle_create_noop_update_replace_destroy(sb, new_project):
    project = new_project()
    project.config("services", {"web": WEB})
    project.up()
    out = project.outputs()["web"]
    assert out["status"] == "AVAILABLE" and out["version_id"] == 1
    assert set(peak_services(sb)) == {"web-one"}

    sb.clear_requests()
    project.up()
    assert writes(sb) == [], "a second up must not write"
    project.preview("--expect-no-changes")

    sb.clear_requests()
    project.config("services", {"web": {**WEB, "title": "Web one v2", "env": {"MODE": "b"}}})
    diff = project.preview("--diff").output
    assert "title" in diff and "env" in diff
    project.up()
    assert [(r["method"], r["route"]) for r in writes(sb)] == [("PATCH", "peak.update_service")]
    assert project.outputs()["web"]["env"] == {"MODE": "b"}

    sb.clear_requests()
    project.config("services", {"web": {**WEB, "name": "web-two"}})
    diff = project.preview("--diff").output
    assert "replace" in diff and "name" in diff
    project.up()
    assert [r["route"] for r in writes(sb)] == ["peak.create_service", "peak.delete_service"]
    assert set(peak_services(sb)) == {"web-two"}

    project.destroy()
    assert peak_services(sb) == {}
    assert project.resources(TYPE) == []


def test_refresh_drops_a_service_deleted_out_of_band_and_up_recreates_it(sb, new_project, peak_client):
    project = new_project()
    project.config("services", {"web": WEB})
    project.up()
    first_id = project.outputs()["web"]["id"]
    peak_client.delete_service(first_id)
    project.refresh()
    assert project.resources(TYPE) == []
    project.up()
    second_id = project.outputs()["web"]["id"]
    assert second_id != first_id
    assert set(peak_services(sb)) == {"web-one"}


def test_refresh_shows_out_of_band_change_and_up_puts_it_back(sb, new_project, peak_client):
    # Drift shows in what Peak documents in its describe answer: the image does, a title would not.
    project = new_project()
    project.config("services", {"web": WEB})
    project.up()
    service_id = project.outputs()["web"]["id"]
    peak_client.update_service(service_id, {"imageDetails": {"imageId": 99}})
    assert "~ 1 updated" in project.refresh().output
    assert project.resources(TYPE)[0]["outputs"]["image_id"] == 99
    assert project.preview("--expect-no-changes", check=False).returncode != 0
    assert "~ image_id          : 99 => 11" in project.preview("--diff").output
    sb.clear_requests()
    project.up()
    assert peak_client.get_service(service_id).image_details.image_id == 11
    assert [r["body"] for r in writes(sb)] == [{"imageDetails": {"imageId": 11}}]


def test_bad_input_fails_the_preview_naming_the_field(sb, new_project):
    project = new_project()
    project.config("services", {"web": {**WEB, "image_id": "eleven", "min_instances": 9}})
    result = project.preview(check=False)
    assert result.returncode != 0
    assert "image_id" in result.output and "min_instances" in result.output
    assert platform_requests(sb) == []


def test_api_key_never_appears_in_plaintext(sb, new_project, tmp_path):
    project = new_project()
    project.config("services", {"web": WEB})
    outputs = [project.up().output, project.preview("--diff").output, project.refresh().output]
    exported = json.dumps(project.export())
    outputs.append(project.run("stack", "export").stdout)
    state_files = [p.read_text(errors="ignore") for p in (tmp_path / "state").rglob("*") if p.is_file()]
    stack_files = [p.read_text() for p in project.dir.glob("Pulumi.*.yaml")]
    outputs.append(project.destroy().output)
    for text in [*outputs, exported, *state_files, *stack_files]:
        assert PEAK_TEST_KEY not in text
    assert state_files, "the backend wrote state files"


def test_faults_in_a_real_stack(sb, new_project):
    project = new_project()
    project.config("services", {"web": WEB})
    sb.add_fault(method="GET", path=r"/webapps", status=503, retry_after=0, count=2)
    project.up()  # transient read errors are retried by the transport
    assert project.outputs()["web"]["status"] == "AVAILABLE"

    # A transient failure of the update is ridden out in the same run: looked at, then sent again.
    project.config("services", {"web": {**WEB, "title": "after the fault"}})
    sb.add_fault(method="PATCH", path=r"/webapps/", status=500, count=1)
    sb.clear_requests()
    ridden = project.up()
    assert "retrying in" in ridden.output
    assert [(r["route"], r["status"]) for r in writes(sb)] == [
        ("peak.update_service", 500),
        ("peak.update_service", 200),
    ]
    assert peak_services(sb)["web-one"]["title"] == "after the fault"

    # A permanent refusal fails at once with the platform's message; the next run applies the change.
    project.config("services", {"web": {**WEB, "title": "after the refusal"}})
    sb.add_fault(method="PATCH", path=r"/webapps/", status=422, count=1)
    failed = project.up(check=False)
    assert failed.returncode != 0
    service_id = project.outputs()["web"]["id"]
    assert f"updating Peak Service ({service_id}): 422: injected fault" in failed.output
    assert "retrying" not in failed.output
    sb.clear_requests()
    project.up()
    assert [r["route"] for r in writes(sb)] == ["peak.update_service"]
    assert peak_services(sb)["web-one"]["title"] == "after the refusal"
    assert len(peak_services(sb)) == 1
