"""Two stacks of one project against one sandbox declare the same objects, for every type of the
catalog: the second never manages the first's (no write reaches them, nothing of them changes), and
destroying the second leaves the first intact (`refresh`, then `preview --expect-no-changes`)."""

from __future__ import annotations

import copy

import pytest

from tests.harness import live_objects
from tests.samples import RESOURCES

ENTRIES = pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")


def declared(entry):
    return {"shared": {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(0)}}


@ENTRIES
def test_a_second_stack_declaring_the_same_objects_never_manages_the_firsts(sb, new_project, entry):
    dev = new_project(program="catalog", stack="dev")
    staging = new_project(program="catalog", stack="staging")
    for project in (dev, staging):
        project.config("resources", declared(entry))
    dev.up()
    firsts = copy.deepcopy(live_objects(sb, entry.platform, entry.resource))
    assert len(firsts) == 1

    second = staging.up(check=False)
    if second.returncode != 0:
        # Refused, as Terraform refuses an object that already exists: the error names the way to adopt it.
        assert "already exists" in second.output and "adopt_existing" in second.output, second.output
    staging.destroy()

    after = live_objects(sb, entry.platform, entry.resource)
    assert [o for o in after if o in firsts] == firsts, "the first stack's object changed or went away"
    assert len(after) == 1, "the second stack left an object behind"
    dev.refresh()
    dev.preview("--expect-no-changes")
    dev.destroy()
    assert live_objects(sb, entry.platform, entry.resource) == []
