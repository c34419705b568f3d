"""Every type of the catalog converges against answers shaped only as the platforms document them
(the sandbox's `documented` profile, with each platform's known variants armed): `up`; a second
`up` sends no write; `refresh` then `preview --expect-no-changes`; an in-place update then
`preview --expect-no-changes`; `destroy` leaves nothing."""

from __future__ import annotations

import pytest

from tests.harness import live_objects, writes
from tests.samples import RESOURCES

ENTRIES = pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")

# What the real platforms do that our sandbox would not by default, armed for the whole test.
VARIANTS = {
    # Peak fills a health check path when none was sent, and may answer "busy" with 422.
    "peak": [{"variant": "health-check-default"}, {"variant": "busy-422"}],
    # DSS may answer a missing object with a 500 saying it does not exist.
    "dataiku": [{"variant": "missing-500"}],
}


def declared(entry, *changes):
    return {"one": {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(0, *changes)}}


@pytest.fixture
def documented(sb):
    sb.set_answers("documented")
    known = sb.variants()["known"]
    for platform, variants in VARIANTS.items():
        for variant in variants:
            assert variant["variant"] in known[platform], f"the sandbox no longer knows {platform} {variant}"
            sb.add_variant(platform, **variant)
    yield sb
    sb.clear_variants()
    sb.set_answers("full")


@ENTRIES
def test_converges_against_documented_answers(documented, new_project, entry):
    sb = documented
    project = new_project(program="catalog")
    project.config("resources", declared(entry))
    project.up()
    sb.clear_requests()
    project.up()
    assert writes(sb, entry.platform) == [], "a second up wrote to the platform"

    project.refresh()
    project.preview("--expect-no-changes")

    project.config("resources", declared(entry, entry.in_place))
    project.up()
    project.preview("--expect-no-changes")

    project.destroy()
    assert live_objects(sb, entry.platform, entry.resource) == []
