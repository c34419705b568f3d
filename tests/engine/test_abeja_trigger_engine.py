"""abeja:Trigger through the real pulumi CLI, on a local file backend, against the sandbox, with
examples/abeja-trigger as the program."""

from __future__ import annotations

import json

from tests.harness import ROOT, live_objects, platform_requests, writes
from tests.sandbox.abeja_support import AbejaHttp, file_arrived

TYPE = "pulumi-python:dynamic/abeja:Trigger"
EXAMPLE = ROOT / "examples" / "abeja-trigger"
SECRET_VALUE = "engine-scoring-key-value"


def live_trigger_ids(sb) -> list[str]:
    return [t["trigger_id"] for t in live_objects(sb, "abeja", "Trigger")]


def test_example_lifecycle_keeps_secrets_out_of_state(sb, new_project):
    project = new_project(EXAMPLE, stack="dev")
    project.config("scoringApiKey", SECRET_VALUE, secret=True)
    project.preview()
    assert platform_requests(sb, "abeja") == [], "a preview of a new stack sends nothing"
    project.up()
    outputs = project.outputs()
    assert outputs["trigger_id"] in live_trigger_ids(sb) and outputs["model_version"] == "0.0.1"
    assert outputs["runs_so_far"] == 0

    exported = json.dumps(project.export())
    assert SECRET_VALUE not in exported, "a secret environment value reached state in plain text"
    assert "sandbox-abeja-token" not in exported
    trigger = project.resources(TYPE)[0]
    for key in ("environment", "user_env_vars"):
        assert "ciphertext" in json.dumps(trigger["outputs"][key]), f"{key} is not secret in state"
    # The pickled provider is only a reference to its class, so it is stored in the clear.
    assert "ciphertext" not in json.dumps(trigger["outputs"]["__provider"])
    assert trigger["outputs"]["trigger_id"] == outputs["trigger_id"]

    sb.clear_requests()
    project.up()
    assert writes(sb, "abeja") == [], "a second up must not write"
    project.preview("--expect-no-changes")

    file_arrived(sb)
    project.up()
    assert project.outputs()["runs_so_far"] == 1, "the runs lookup pages through the trigger's runs"

    project.destroy()
    assert live_trigger_ids(sb) == []
    assert project.resources(TYPE) == []


def test_moving_to_a_new_model_version_never_has_two_live_triggers(sb, new_project):
    project = new_project(EXAMPLE, stack="dev")
    project.up()
    first = project.outputs()["trigger_id"]
    assert live_trigger_ids(sb) == [first]

    project.config("modelVersionId", "ver-0000000000000002")
    diff = project.preview("--diff").output
    assert "replace" in diff and "model_version_id" in diff
    sb.clear_requests()
    project.up()
    steps = [(r["method"], r["route"]) for r in writes(sb, "abeja")]
    assert steps == [("DELETE", "abeja.delete_trigger"), ("POST", "abeja.create_trigger")]
    live = 1
    for method, _ in steps:
        live += 1 if method == "POST" else -1
        assert live <= 1, "two triggers were live on the channel at once"
    second = project.outputs()["trigger_id"]
    assert second != first and live_trigger_ids(sb) == [second]
    assert project.outputs()["model_version"] == "0.0.2"
    project.destroy()
    assert live_trigger_ids(sb) == []


def test_refresh_drops_a_trigger_deleted_out_of_band_and_up_recreates_it(sb, new_project):
    project = new_project(EXAMPLE, stack="dev")
    project.up()
    first = project.outputs()["trigger_id"]
    response = AbejaHttp(sb).call("DELETE", f"deployments/1300000000001/triggers/{first}")
    assert response.status_code == 200
    project.refresh()
    assert project.resources(TYPE) == []
    project.up()
    second = project.outputs()["trigger_id"]
    assert second != first and live_trigger_ids(sb) == [second]
    project.destroy()


def test_create_before_delete_is_the_users_way_to_the_other_order(sb, new_project):
    inputs = {
        "deployment_id": "1300000000001",
        "model_version_id": "ver-0000000000000001",
        "input_service_id": "1400000000001",
        "create_before_delete": True,
    }
    spec = {"module": "providers.abeja.trigger", "resource": "Trigger", "inputs": inputs}
    project = new_project(program="catalog")
    project.config("resources", {"one": spec})
    project.up()
    moved = {**spec, "inputs": {**inputs, "model_version_id": "ver-0000000000000002"}}
    project.config("resources", {"one": moved})
    sb.clear_requests()
    project.up()
    assert [r["method"] for r in writes(sb, "abeja")] == ["POST", "DELETE"]
    assert len(live_trigger_ids(sb)) == 1
    project.destroy()
    assert live_trigger_ids(sb) == []
