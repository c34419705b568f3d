"""Moving the demo stack from the dynamic types to the plugin's (docs/provider-plugin.md): the move
tool imports every resource by id with its recorded state and forgets the dynamic ones, sending no
request to any platform; the demo program written with the plugin's types (examples/plugin-demo)
then previews and refreshes with no changes and no write, and destroys as usual."""

from __future__ import annotations

import shutil
import subprocess
import sys

from providers.catalog import RESOURCES
from tests.engine.plugin_support import platform_writes
from tests.harness import ROOT, live_objects, platform_requests


def test_the_demo_stack_moves_to_the_plugin_without_a_platform_write(sb, new_project):
    project = new_project(program=ROOT)
    project.up()
    dynamic = [r for r in project.export()["deployment"]["resources"] if r["type"].startswith("pulumi-python:dynamic/")]
    assert dynamic

    sb.clear_requests()
    moved = subprocess.run(
        [sys.executable, "-m", "providers.plugin.move"],
        cwd=project.dir,
        env=project.env,
        capture_output=True,
        text=True,
    )
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert platform_requests(sb, None) == []
    state = project.export()["deployment"]["resources"]
    assert not [r for r in state if r["type"].startswith("pulumi-python:dynamic/")]
    moved_types = sorted(
        r["type"].replace("mlplatforms:", "pulumi-python:dynamic/", 1)
        for r in state
        if r["type"].startswith("mlplatforms:")
    )
    assert moved_types == sorted(r["type"] for r in dynamic)

    shutil.copy(ROOT / "examples" / "plugin-demo" / "__main__.py", project.dir / "__main__.py")
    project.preview("--expect-no-changes")
    project.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    project.preview("--expect-no-changes")
    assert platform_writes(sb) == []

    project.destroy()
    for entry in RESOURCES:
        assert live_objects(sb, entry.platform, entry.resource) == [], entry.resource
