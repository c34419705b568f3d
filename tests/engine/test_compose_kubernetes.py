"""Composition with a real cloud provider plugin in the real engine: examples/compose-kubernetes feeds
a Peak Service's outputs into Kubernetes manifests that the pulumi-kubernetes plugin renders to a
directory (no cluster), per stack."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.harness import ROOT, live_objects, peak_services

EXAMPLE = ROOT / "examples" / "compose-kubernetes"
# On a cold machine the first test waits for the plugin's build (test.sh starts it in the
# background; about 25 minutes on 2 cores while the other tiers run), which the suite-wide
# 300 s timeout would cut short.
pytestmark = [pytest.mark.kubernetes, pytest.mark.timeout(3600)]


@pytest.fixture(scope="session")
def kubernetes_plugin_bin() -> Path:
    """The pinned plugin, built once per machine and cached per user (scripts/setup_kubernetes_plugin.sh)."""
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup_kubernetes_plugin.sh")],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def manifests(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(directory.rglob("*.yaml"))}


def configmap(directory: Path) -> str:
    [text] = [text for name, text in manifests(directory).items() if "configmap" in name]
    return text


def example(new_project, plugin_bin: Path, stack: str, key: str, render_to: Path):
    project = new_project(EXAMPLE, stack=stack, key=key)
    project.env["PATH"] = f"{plugin_bin}{os.pathsep}{project.env['PATH']}"
    project.config("renderDirectory", str(render_to))
    return project


def test_manifests_render_the_services_outputs_and_follow_its_changes(sb, new_project, tmp_path, kubernetes_plugin_bin):
    rendered = tmp_path / "gitops" / "dev"
    project = example(new_project, kubernetes_plugin_bin, "dev", "sandbox-dev-key", rendered)

    preview = project.preview("--diff").output
    assert "kubernetes:core/v1:ConfigMap" in preview and "kubernetes:apps/v1:Deployment" in preview
    assert re.search(r"MODEL_API_URL\s*: \[unknown\]", preview), "the URL is unknown until the service exists"
    assert re.search(r"SCORING_TRIGGER_ID\s*: \[unknown\]", preview)
    assert not rendered.exists()

    project.up()
    [service] = peak_services(sb, "dev").values()
    url = project.outputs()["model_api_url"]
    assert url.startswith("https://") and "dev" in url
    text = configmap(rendered)
    assert url in text and service["id"] in text
    assert f"{url}/health" in text
    # The other platforms' resources reach the workloads too.
    [trigger] = project.resources("pulumi-python:dynamic/abeja:Trigger")
    [studio] = project.resources("pulumi-python:dynamic/dataiku:CodeStudio")
    assert trigger["outputs"]["trigger_id"] in text and studio["outputs"]["code_studio_id"] in text
    assert "APPCONFIG_ENVIRONMENT_ID: mlpenv1" in text
    assert any("deployment" in name for name in manifests(rendered)), manifests(rendered)

    # An in-place change of the service changes its health URL: the ConfigMap is rendered again.
    project.config("healthPath", "/ready")
    project.up()
    [updated] = peak_services(sb, "dev").values()
    assert updated["id"] == service["id"], "updated in place, not replaced"
    assert f"{url}/ready" in configmap(rendered)

    before = {name: (rendered.rglob(name).__next__()).stat().st_mtime_ns for name in manifests(rendered)}
    sb.clear_requests()
    unchanged = project.up()
    assert "unchanged" in unchanged.output
    after = {name: (rendered.rglob(name).__next__()).stat().st_mtime_ns for name in manifests(rendered)}
    assert after == before, "a no-change up rewrote no manifest"

    project.destroy()
    assert manifests(rendered) == {}, "destroy removed the rendered files"
    assert peak_services(sb, "dev") == {}
    assert live_objects(sb, "abeja", "Trigger") == [] and live_objects(sb, "dataiku", "CodeStudio") == []


def test_dev_and_staging_render_to_their_own_directories(sb, new_project, tmp_path, kubernetes_plugin_bin):
    dev = example(new_project, kubernetes_plugin_bin, "dev", "sandbox-dev-key", tmp_path / "dev")
    staging = example(new_project, kubernetes_plugin_bin, "staging", "sandbox-staging-key", tmp_path / "staging")
    dev.up()
    staging.up()
    dev_text, staging_text = configmap(tmp_path / "dev"), configmap(tmp_path / "staging")
    dev_url, staging_url = dev.outputs()["model_api_url"], staging.outputs()["model_api_url"]
    assert dev_url != staging_url
    assert dev_url in dev_text and staging_url not in dev_text
    assert staging_url in staging_text and dev_url not in staging_text
    dev.destroy()
    staging.destroy()
