"""Every catalog type through the provider plugin, in one stack: a preview sends no request, up, a
no-change preview and a refresh write nothing, `preview --diff` shows in-place changes as updates
and replacing ones as replaces, and destroy leaves the sandbox empty. The owner mark a type leaves
on its objects is the one the plugin computes from the URN."""

from __future__ import annotations

from providers.core.ownership import owner_mark
from providers.plugin.names import camel, type_token
from tests.engine.plugin_support import platform_writes
from tests.harness import live_objects, platform_requests
from tests.samples import RESOURCES

PLUGIN_ENTRIES = RESOURCES


def name_of(entry):
    return f"{entry.platform}-{entry.resource}".lower()


def specs(*changes_of):
    """One resource of each type, with the changes each entry names applied (`in_place`, `replacing`)."""
    return {
        name_of(e): {
            "module": e.module,
            "resource": e.resource,
            "inputs": e.inputs(0, *(getattr(e, change) for change in changes_of)),
        }
        for e in PLUGIN_ENTRIES
    }


def test_every_type_lives_through_the_plugin(sb, new_project):
    project = new_project(program="plugin_catalog")
    project.config("resources", specs())
    project.preview()
    assert platform_requests(sb, None) == []

    project.up()
    state = {r["urn"].rsplit("::", 1)[1]: r for r in project.export()["deployment"]["resources"]}
    for entry in PLUGIN_ENTRIES:
        assert state[name_of(entry)]["type"] == type_token(entry.platform, entry.resource)
    # A type that marks its objects (ABEJA: an environment variable) carries the mark of this URN.
    trigger = next(e for e in PLUGIN_ENTRIES if e.resource == "Trigger")
    mark = owner_mark("plugin-catalog-test", "test", type_token(trigger.platform, trigger.resource), name_of(trigger))
    assert mark in str(live_objects(sb, trigger.platform, trigger.resource))

    sb.clear_requests()
    project.preview("--expect-no-changes")
    assert platform_requests(sb, None) == []
    project.refresh()
    project.preview("--expect-no-changes")
    assert platform_writes(sb) == []

    project.config("resources", specs("in_place"))
    in_place = project.preview("--diff").output
    for entry in PLUGIN_ENTRIES:
        assert f"~ {type_token(entry.platform, entry.resource)}: (update)" in in_place, entry.resource
        for field in entry.in_place:
            assert f"~ {camel(field)}" in in_place, f"{entry.resource}: preview --diff does not name {field}"

    project.config("resources", specs("replacing"))
    replacing = project.preview("--diff").output
    for entry in PLUGIN_ENTRIES:
        assert f"+-{type_token(entry.platform, entry.resource)}: (replace)" in replacing, entry.resource
    assert platform_writes(sb) == []

    project.destroy()
    for entry in PLUGIN_ENTRIES:
        assert live_objects(sb, entry.platform, entry.resource) == [], entry.resource
