"""Objects made outside Pulumi come under the plugin's management by id, for every catalog type: the
CLI's `pulumi import` of one set (then the program declaring them as they were read previews with no
changes) and the `import_` option for another (then a no-change preview). Neither import writes to
any platform."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pulumi.dynamic as dyn

from providers.plugin.imports import syntax_of
from providers.plugin.names import from_wire, type_token
from tests.engine.plugin_support import platform_writes
from tests.harness import live_objects, sandbox_config
from tests.samples import RESOURCES


def slug(entry):
    return f"{entry.platform}-{entry.resource}".lower()


def make_outside(sb, entry, index: int) -> str:
    """An object made with the type's provider called directly (no engine, no owner mark); its import id."""
    plain, secret = sandbox_config(sb)
    settings = {**plain, **secret}
    provider = getattr(entry.load(), entry.resource).provider_type()
    provider.configure(dyn.ConfigureRequest(SimpleNamespace(get=settings.get)))
    checked = provider.check({}, entry.inputs(index))
    assert checked.failures == []
    created = provider.create(checked.inputs)
    prefix = [str(created.outs[name]) for name in syntax_of(entry.platform, entry.resource).prefix]
    return "/".join([*prefix, created.id])


def recorded_inputs(project, name: str) -> dict[str, Any]:
    (resource,) = [r for r in project.export()["deployment"]["resources"] if r["urn"].endswith(f"::{name}")]
    return from_wire(resource["inputs"])


def test_pulumi_import_and_the_import_option_take_objects_over_by_id(sb, new_project, tmp_path):
    cli_ids = {slug(e): make_outside(sb, e, 1) for e in RESOURCES}
    option_ids = {slug(e): make_outside(sb, e, 2) for e in RESOURCES}
    project = new_project(program="plugin_catalog")
    sb.clear_requests()

    # The CLI's import: by type, name and id alone.
    import_file = tmp_path / "import.json"
    import_file.write_text(
        json.dumps(
            {
                "resources": [
                    {"type": type_token(e.platform, e.resource), "name": f"cli-{slug(e)}", "id": cli_ids[slug(e)]}
                    for e in RESOURCES
                ]
            }
        )
    )
    project.run("import", "--file", str(import_file), "--yes", "--generate-code=false")
    assert platform_writes(sb) == []

    resources: dict[str, Any] = {}
    for entry in RESOURCES:
        read = recorded_inputs(project, f"cli-{slug(entry)}")
        base = {"module": entry.module, "resource": entry.resource}
        # The program written from what was read (`pulumi import` marks what it imports protected).
        resources[f"cli-{slug(entry)}"] = {**base, "inputs": read, "protect": True}
        # The other object: declared as it was made, with the inputs the platform reports, and imported.
        sample = entry.inputs(2)
        declared = {k: v for k, v in sample.items() if k in read}
        resources[f"option-{slug(entry)}"] = {**base, "inputs": declared, "import": option_ids[slug(entry)]}
    project.config("resources", resources)
    project.preview("--expect-no-changes", check=False)  # shows the imports to come
    project.up()
    assert platform_writes(sb) == []
    project.preview("--expect-no-changes")
    assert platform_writes(sb) == []

    project.run("state", "unprotect", "--all", "--yes")
    project.config("resources", {})
    project.up()
    for entry in RESOURCES:
        assert live_objects(sb, entry.platform, entry.resource) == [], entry.resource
