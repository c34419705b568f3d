"""PressDeployment's wire bodies and change rules as pure functions (the nesting traps of §9 T13)."""

from __future__ import annotations

from providers.peak.press_deployment import (
    PressDeploymentArgs,
    create_body,
    metadata_patch,
    needs_revision,
    revision_body,
)

APP = {
    "kind": "app",
    "spec_id": "5eed0000-a990-4000-8000-000000000002",
    "name": "app",
    "summary": "s",
    "release_version": "1.0.0",
    "run_parameters": {"a": 1},
    "block_parameters": {"blk": {"run": {"b": 2}}},
    "includes": {"x-id": "2.0.0"},
    "excludes": {"y-id": "1.0.0"},
    "tags": ["t"],
}


def values(**changes):
    args, problems = PressDeploymentArgs.parse({**APP, **changes})
    assert args is not None, problems
    return args.to_dict()


def test_app_create_swaps_blocks_under_spec_and_nests_parameters_per_block():
    body = create_body(values())
    assert body["spec"] == {
        "id": APP["spec_id"],
        "release": {"version": "1.0.0"},
        "includes": [{"id": "x-id", "releaseVersion": "2.0.0"}],
        "excludes": [{"id": "y-id", "releaseVersion": "1.0.0"}],
    }
    assert body["appParameters"] == {"build": {}, "run": {"a": 1}}
    assert body["parameters"] == {"blk": {"build": {}, "run": {"b": 2}}}
    assert body["metadata"]["tags"] == [{"name": "t"}] and body["revision"] == {"notes": "Deployed with Pulumi"}


def test_app_revision_swaps_blocks_under_blocks_config():
    body = revision_body(values())
    assert body["blocksConfig"]["includes"] == [{"id": "x-id", "releaseVersion": "2.0.0"}]
    assert "spec" not in body and body["release"] == {"version": "1.0.0"}


def test_block_bodies_are_flat_and_an_unset_release_is_left_out():
    block = values(kind="block", block_parameters={}, includes={}, excludes={}, release_version=None)
    assert create_body(block)["parameters"] == {"build": {}, "run": {"a": 1}}
    assert "release" not in create_body(block)["spec"] and "release" not in revision_body(block)
    assert "appParameters" not in create_body(block)


def test_metadata_patch_is_flat_and_sends_cleared_fields_as_null():
    current = {**values(), "title": "old", "description": "gone"}
    patch = metadata_patch(values(title="new"), current)
    assert patch == {"title": "new", "description": None}


def test_which_changes_need_a_revision():
    current = values()
    assert needs_revision(values(), current, current) == []
    assert needs_revision(values(release_version=None), current, current) == [], "unset release: server's choice"
    assert needs_revision(values(run_parameters={"a": 2}), current, current) == ["run_parameters"]
    assert needs_revision(values(excludes={}), current, current) == ["excludes"], "from state: never returned"
    assert needs_revision(values(title="x", summary="y"), current, current) == []
