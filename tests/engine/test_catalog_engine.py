"""Every resource type in the catalog, through the real engine: a new stack previews with no
request, up then a no-change up writes nothing, `preview --diff` names an in-place change as an
update and marks a replacing change, and destroy leaves the sandbox empty."""

from __future__ import annotations

import pytest

from tests.harness import live_objects, platform_requests, writes
from tests.samples import RESOURCES

ENTRIES = pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")


def spec(entry, *changes):
    return {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(0, *changes)}


@ENTRIES
def test_preview_diff_and_lifecycle(sb, new_project, entry):
    project = new_project(program="catalog")
    project.config("resources", {"one": spec(entry)})
    project.preview()
    assert platform_requests(sb, entry.platform) == []
    project.up()
    sb.clear_requests()
    project.up()
    assert writes(sb, entry.platform) == []

    project.config("resources", {"one": spec(entry, entry.in_place)})
    in_place = project.preview("--diff").output
    assert f"~ {entry.type_token}: (update)" in in_place
    for field in entry.in_place:
        assert f"~ {field}" in in_place, f"preview --diff does not name {field}"

    project.config("resources", {"one": spec(entry, entry.replacing)})
    replacing = project.preview("--diff").output
    assert f"+-{entry.type_token}: (replace)" in replacing
    for field in entry.replacing:
        assert f"~ {field}" in replacing, f"preview --diff does not name {field}"

    project.destroy()
    assert live_objects(sb, entry.platform, entry.resource) == []
