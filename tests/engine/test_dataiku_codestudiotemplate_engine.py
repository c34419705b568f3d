"""dataiku:CodeStudioTemplate through the real pulumi CLI: built before the code studio that uses it,
rebuilt in place on a change of settings, deleted after it."""

from __future__ import annotations

from tests.harness import live_objects
from tests.sandbox.dataiku_support import dss_state, routes, studios

TEMPLATE = {"label": "Engine IDE", "params": {"exposedPorts": [8080]}, "timeout_seconds": 60}
STUDIO = {"project_key": "SANDBOX", "name": "on engine ide", "timeout_seconds": 60}


def configure(project, **params):
    template = {**TEMPLATE, "params": {**TEMPLATE["params"], **params}}
    project.config(
        "resources",
        {
            "tpl": {
                "module": "providers.dataiku.code_studio_template",
                "resource": "CodeStudioTemplate",
                "inputs": template,
            },
        },
    )


def test_template_built_then_rebuilt_in_place_then_destroyed(sb, new_project):
    project = new_project(program="catalog")
    configure(project)
    project.preview()
    assert sb.requests(platform="dataiku") == []
    project.up()
    [template] = live_objects(sb, "dataiku", "CodeStudioTemplate")
    assert template["label"] == "Engine IDE" and template["last_built"] > 0

    configure(project, exposedPorts=[8888])
    assert "~ params" in project.preview("--diff").output
    sb.clear_requests()
    project.up()
    assert [r for r in routes(sb) if r in ("save_template", "build_template", "delete_template")] == [
        "save_template",
        "build_template",
    ]
    assert dss_state(sb)["templates"][template["id"]]["ports"] == [8888]
    project.destroy()
    assert live_objects(sb, "dataiku", "CodeStudioTemplate") == [] and studios(sb) == {}
    # Destroy never has DSS delete the runtimes of code studios built from it (anyone's) unless asked.
    [deleted] = [r["query"] for r in sb.requests(platform="dataiku") if r["route"] == "dataiku.delete_template"]
    assert {k: v[0] if isinstance(v, list) else v for k, v in deleted.items()} == {
        "deleteRuntime": "false",
        "deleteImages": "false",
    }
