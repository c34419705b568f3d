"""What users see across stacks and programs: composition, stacks per environment, examples,
and recovery from a provider process killed in the middle of a create."""

from __future__ import annotations

import os
import signal
import time

import pytest

from providers.catalog import RESOURCES
from tests.harness import ROOT, live_objects, peak_services, platform_requests, process_tree, provider_hosts, writes

API = {"name": "api-one", "service_type": "api", "image_id": 3}
APP = {"name": "app-one", "image_id": 4, "env": {"MODE": "x"}}


def test_an_output_feeds_another_input_in_preview_and_up(sb, new_project):
    project = new_project()
    project.config("services", {"api": API, "app": APP})
    project.config("links", {"app": "api"})
    preview = project.preview("--diff")
    assert "UPSTREAM_URL" in preview.output and "[unknown]" in preview.output
    assert platform_requests(sb) == []
    project.up()
    outputs = project.outputs()
    assert outputs["app"]["env"] == {"MODE": "x", "UPSTREAM_URL": outputs["api"]["application_url"]}
    creates = [r["body"]["name"] for r in writes(sb) if r["route"] == "peak.create_service"]
    assert creates == ["api-one", "app-one"]
    project.destroy()
    assert peak_services(sb) == {}


def test_two_stacks_reach_two_tenants_without_interfering(sb, new_project):
    dev = new_project(stack="dev", key="sandbox-dev-key")
    staging = new_project(stack="staging", key="sandbox-staging-key")
    for project, title in ((dev, "dev"), (staging, "staging")):
        project.config("services", {"web": {**APP, "title": title}})
        project.up()
    assert peak_services(sb, "dev")["app-one"]["title"] == "dev"
    assert peak_services(sb, "staging")["app-one"]["title"] == "staging"
    dev.destroy()
    assert peak_services(sb, "dev") == {}
    assert set(peak_services(sb, "staging")) == {"app-one"}
    staging.destroy()


def test_preview_diff_names_changed_inputs_and_marks_replacement(sb, new_project):
    project = new_project()
    project.config("services", {"web": APP})
    project.up()
    project.config("services", {"web": {**APP, "image_id": 5, "service_type": "shiny"}})
    diff = project.preview("--diff").output
    assert "+-pulumi-python:dynamic/peak:Service: (replace)" in diff
    assert '~ service_type      : "web-app" => "shiny"' in diff
    assert "~ image_id          : 4 => 5" in diff
    project.destroy()


# compose-kubernetes needs the Kubernetes plugin (test_compose_kubernetes.py runs it); the AWS plugin cannot
# be built here, so appconfig-with-pulumi-aws runs under Pulumi's mocks (tests/unit/test_appconfig_example.py).
# yaml-plugin needs the YAML language host (tests/engine/test_plugin_yaml.py runs it).
NEEDS_OTHER_PLUGINS = ("compose-kubernetes", "appconfig-with-pulumi-aws", "yaml-plugin")
PROGRAMS = sorted(
    p.parent for p in (ROOT / "examples").glob("*/Pulumi.yaml") if p.parent.name not in NEEDS_OTHER_PLUGINS
)


@pytest.mark.parametrize("source", [*PROGRAMS, ROOT], ids=lambda p: "demo" if p == ROOT else p.name)
def test_examples_and_the_demo_run_up_and_destroy(sb, new_project, source):
    project = new_project(source, stack="dev")
    project.up()
    assert every_live_object(sb), "the program created remote objects"
    outputs = project.outputs()
    assert outputs
    if source == ROOT:
        assert outputs["model_api_health"]["response_status"] == 200, "run_service_test ran during up"
        assert outputs["dashboard"]["env"]["MODEL_API_URL"] == outputs["model_api"]["url"]
    sb.clear_requests()
    project.up()
    assert writes(sb, None) == [], "a no-change up writes to no platform"
    project.destroy()
    assert every_live_object(sb) == []


def every_live_object(sb) -> list:
    return [obj for entry in RESOURCES for obj in live_objects(sb, entry.platform, entry.resource)]


def test_provider_killed_mid_create_then_up_converges(sb, new_project):
    project = new_project()
    project.config("services", {"web": APP})
    sb.set_transitions("seconds", 8)
    up = project.start_up()
    deadline = time.monotonic() + 60
    while not any(r["route"] == "peak.create_service" for r in writes(sb)):
        assert time.monotonic() < deadline, "the create never reached the sandbox"
        time.sleep(0.1)
    pids = provider_hosts(process_tree(up.pid))
    assert pids, "found the provider process"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    output, _ = up.communicate(timeout=60)
    assert up.returncode != 0, output
    assert set(peak_services(sb)) == {"app-one"}  # the create reached the platform; state does not know it

    sb.set_transitions("immediate")
    # Peak has no place for an owner mark: the next run cannot tell the orphan from another stack's
    # service, so it names it and asks to adopt it (the README's recovery step for such types).
    refused = project.up(check=False)
    assert refused.returncode != 0 and "adopt_existing" in refused.output, refused.output
    project.config("services", {"web": {**APP, "adopt_existing": True}})
    project.up()
    services = peak_services(sb)
    assert set(services) == {"app-one"}, "no duplicate"
    [resource] = project.resources("pulumi-python:dynamic/peak:Service")
    assert resource["id"] == next(iter(services.values()))["id"], "the orphan was taken over"
    project.destroy()
    assert peak_services(sb) == {}, "no orphan"
