"""dataiku:CodeStudio through the real pulumi CLI, on a local file backend, against the sandbox."""

from __future__ import annotations

import json

from providers.dataiku.client import DataikuClient
from tests.harness import ROOT, live_objects, platform_requests, writes
from tests.sandbox.dataiku_support import dataiku_settings, dss_state, put_zone, routes, studios

TYPE = "pulumi-python:dynamic/dataiku:CodeStudio"
MODULE = "providers.dataiku.code_studio"
STUDIO = {"project_key": "SANDBOX", "name": "team ide", "template_id": "vscode", "timeout_seconds": 60}


def configure(project, **changes):
    project.config("resources", {"ide": {"module": MODULE, "resource": "CodeStudio", "inputs": {**STUDIO, **changes}}})


def the_studio(sb):
    found = studios(sb)
    assert list(found) == ["team ide"], found
    return found["team ide"]


def test_stack_starts_stops_and_replaces_a_code_studio(sb, new_project):
    project = new_project(program="catalog")
    configure(project)
    project.up()
    first = the_studio(sb)
    assert first["state"] == "RUNNING" and first["template_id"] == "vscode"

    configure(project, desired_state="stopped")
    assert "~ desired_state" in project.preview("--diff").output
    sb.clear_requests()
    project.up()
    assert the_studio(sb)["state"] == "STOPPED"
    called = routes(sb)
    assert "stop_code_studio" in called and "delete_code_studio" not in called
    assert called.count("pull_zone") == 8

    configure(project)
    project.up()
    assert the_studio(sb)["state"] == "RUNNING"

    configure(project, template_id="jupyterlab")
    diff = project.preview("--diff").output
    assert f"+-{TYPE}: (replace)" in diff and "~ template_id" in diff
    project.up()
    replacement = the_studio(sb)
    assert replacement["id"] != first["id"] and replacement["template_id"] == "jupyterlab"
    assert replacement["state"] == "RUNNING" and dss_state(sb)["lost_work"] == []

    project.destroy()
    assert studios(sb) == {} and project.resources(TYPE) == []


def test_destroy_is_refused_while_a_zone_holds_conflicting_work_until_the_user_accepts(sb, new_project):
    project = new_project(program="catalog")
    configure(project)
    project.up()
    put_zone(
        sb,
        "team ide",
        "recipes",
        changed=["recipes/prep.py"],
        conflicts={"modified": ["recipes/prep.py"], "authors": ["analyst"]},
    )

    refused = project.run("destroy", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0
    assert "stopping the code studio would lose work" in refused.output
    assert "zone recipes: modified: recipes/prep.py (changed on the DSS side by analyst)" in refused.output
    assert "discard_conflicting_files=True" in refused.output
    assert the_studio(sb)["state"] == "RUNNING" and len(project.resources(TYPE)) == 1
    assert dss_state(sb)["lost_work"] == []

    configure(project, discard_conflicting_files=True)
    project.up()
    project.destroy()
    assert studios(sb) == {}
    assert [(w["zone"], w["files"]) for w in dss_state(sb)["lost_work"]] == [("recipes", ["recipes/prep.py"])]


def test_refresh_shows_a_stop_by_hand_and_up_starts_it_again(sb, new_project):
    project = new_project(program="catalog")
    configure(project)
    project.up()
    client = DataikuClient.from_settings(dataiku_settings(sb))
    client.create_code_studio_stop("SANDBOX", the_studio(sb)["id"])
    project.refresh()
    assert "~ desired_state" in project.preview("--diff").output
    project.up()
    assert the_studio(sb)["state"] == "RUNNING"
    project.preview("--expect-no-changes")
    project.destroy()


EXAMPLE = ROOT / "examples" / "dataiku-code-studio"


def test_example_runs_up_stops_and_destroys(sb, new_project):
    project = new_project(EXAMPLE, stack="dev")
    project.preview()
    assert platform_requests(sb, "dataiku") == [], "a preview of a new stack sends nothing"
    project.up()
    outputs = project.outputs()
    assert outputs["state"] == "RUNNING" and outputs["exposed_ports"] == [8080, 8501]
    assert outputs["template_label"] == "Team IDE (dev)" and len(outputs["synced_zones"]) == 8
    assert outputs["template_id"] == "team_ide_dev" and outputs["template_built"]
    assert studios(sb)["analyst-ide-dev"]["owner"] == "analyst"
    exported = json.dumps(project.export())
    assert "sandbox-dku-admin-key" not in exported, "the API key reached state in plain text"

    sb.clear_requests()
    project.up()
    assert writes(sb, "dataiku") == [], "a second up must not write"

    project.config("desiredState", "stopped")
    project.up()
    assert project.outputs()["state"] == "STOPPED" and project.outputs()["synced_zones"] == []
    project.destroy()
    assert live_objects(sb, "dataiku", "CodeStudio") == []
    assert live_objects(sb, "dataiku", "CodeStudioTemplate") == []
