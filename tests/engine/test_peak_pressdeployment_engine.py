"""peak:PressDeployment through the real pulumi CLI, on a local file backend, against the sandbox:
a block and an app deployment in one stack, the app's run parameters taking a Service's URL."""

from __future__ import annotations

from tests.harness import live_objects, platform_requests, writes

TYPE = "pulumi-python:dynamic/peak:PressDeployment"


def routes(sb):
    return [r["route"] for r in writes(sb)]


def test_stack_with_block_and_app_wired_to_a_service(sb, new_project):
    project = new_project("peak_press")
    project.preview()
    assert platform_requests(sb) == []

    project.up()
    out = project.outputs()
    assert out["app"]["run_parameters"] == {"api_url": out["api_url"]}
    assert out["app"]["status"] == "deployed" and out["block"]["status"] == "deployed"
    (block,) = out["app"]["blocks"]
    assert block["name"] == "sandbox-block" and block["platform_id"]
    assert len(live_objects(sb, "peak", "PressDeployment")) == 3  # the block, the app and its block

    sb.clear_requests()
    project.up()
    assert writes(sb) == [], "a second up must not write"

    # Metadata in place (one PATCH, no revision); a release change through one new revision.
    project.config("block", {"title": "Titled"})
    project.config("app", {"release_version": "1.1.0"})
    diff = project.preview("--diff").output
    assert f"~ {TYPE}: (update)" in diff and "replace" not in diff
    sb.clear_requests()
    project.up()
    assert sorted(routes(sb)) == ["peak.press.create_revision", "peak.press.update_deployment"]
    out = project.outputs()
    assert out["block"]["title"] == "Titled" and out["block"]["revision"] == 1
    assert out["app"]["revision"] == 2 and out["app"]["release_version"] == "1.1.0"

    # Refresh drops a deployment deleted out of band; the next up deploys it again.
    from providers.core import Settings
    from providers.peak.client import PeakPressClient
    from tests.harness import PEAK_TEST_KEY

    client = PeakPressClient.from_settings(
        Settings.from_mapping({"peak:apiKey": PEAK_TEST_KEY, "peak:endpoint": sb.peak_endpoint}, environ={})
    )
    client.delete_deployment("block", out["block"]["id"])
    project.refresh()
    assert len(project.resources(TYPE)) == 1
    project.up()
    assert len(project.resources(TYPE)) == 2

    project.destroy()
    assert live_objects(sb, "peak", "PressDeployment") == []
    assert project.resources(TYPE) == []
