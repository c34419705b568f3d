"""The YAML example (examples/yaml-plugin) through the provider plugin: up against the sandbox, a
no-change preview, destroy. Needs the YAML language host, built once per user and cached
(scripts/setup_plugin_tools.sh yaml; a cold machine builds it in the background from bootstrap)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.harness import ROOT, peak_services

EXAMPLE = ROOT / "examples" / "yaml-plugin"


def yaml_host_bin() -> str:
    built = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup_plugin_tools.sh"), "yaml"], capture_output=True, text=True, check=True
    )
    return built.stdout.strip().splitlines()[-1]


@pytest.mark.timeout(900)  # a cold machine waits for the language host's build (about 4 minutes)
def test_the_yaml_example_runs_through_the_plugin(sb, new_project, tmp_path: Path):
    source = tmp_path / "yaml-plugin"
    source.mkdir()
    shutil.copy(EXAMPLE / "Pulumi.yaml", source / "Pulumi.yaml")
    (source / "__main__.py").write_text("")  # the harness copies one; the YAML runtime ignores it
    project = new_project(program=source)
    project.env["PATH"] = yaml_host_bin() + os.pathsep + project.env["PATH"]

    project.up()
    outputs = project.outputs()
    services = peak_services(sb)
    assert set(services) == {"yaml-model-api", "yaml-dashboard"}
    # The dashboard was handed the model API's URL, as the program wires it.
    assert outputs["modelApiUrl"] and outputs["modelApiUrl"] in str(services["yaml-dashboard"])
    assert outputs["dashboardStatus"] == "AVAILABLE"
    project.preview("--expect-no-changes")
    project.destroy()
    assert peak_services(sb) == {}
