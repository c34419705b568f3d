"""customTimeouts reach the plugin's types: a create given 4 s on an object that takes 40 s fails
within seconds, naming the timeout. The object it started carries the resource's owner mark and
stays (the next `up` takes it over, as after any create that timed out)."""

from __future__ import annotations

import time

from providers.core.ownership import mark_label, owner_mark
from providers.plugin.names import type_token
from tests.harness import live_objects
from tests.samples import RESOURCES

ENTRY = next(e for e in RESOURCES if (e.platform, e.resource) == ("peak", "PressDeployment"))


def test_custom_timeouts_bound_a_create_through_the_plugin(sb, new_project):
    project = new_project(program="plugin_catalog")
    spec = {"module": ENTRY.module, "resource": ENTRY.resource, "inputs": ENTRY.inputs(0)}
    project.config("resources", {"slow": {**spec, "timeouts": {"create": "4s"}}})
    sb.set_transitions("seconds", 40, platform="peak")

    started = time.monotonic()
    failed = project.up(check=False)
    elapsed = time.monotonic() - started
    assert failed.returncode != 0
    assert "timed out after 4s" in failed.output
    assert "customTimeouts create of 4s" in failed.output
    assert elapsed < 30, f"the create ran {elapsed:.0f}s past its 4s timeout"
    # Left for the next `up` to take over (the sandbox is reset after the test): marked as this resource's.
    (left,) = live_objects(sb, ENTRY.platform, ENTRY.resource)
    mark = owner_mark("plugin-catalog-test", "test", type_token(ENTRY.platform, ENTRY.resource), "slow")
    assert mark_label(mark) in str(left)
