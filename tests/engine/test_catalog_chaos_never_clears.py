"""A fault that never clears, on every type of the catalog: the run fails in time and leaves nothing
(split from test_catalog_chaos.py so the engine tier spreads over the workers)."""

from __future__ import annotations

import re
import time

from tests.engine.test_catalog_chaos import ENTRIES
from tests.harness import live_objects


@ENTRIES
def test_a_fault_that_never_clears_fails_in_time_and_leaves_nothing(sb, new_project, entry):
    timeout = 4
    project = new_project(program="catalog")
    inputs = entry.inputs(0, {"timeout_seconds": timeout})
    project.config("resources", {"one": {"module": entry.module, "resource": entry.resource, "inputs": inputs}})
    sb.add_fault(platform=entry.platform, method="POST", path=".", status=500, count=100000)
    started = time.monotonic()
    result = project.up(check=False)
    elapsed = time.monotonic() - started
    sb.clear_faults()
    assert result.returncode != 0
    assert re.search(r"500\b.*gave up after \d+ attempts in [\d.]+s", result.output), result.output
    assert elapsed < timeout + 30, f"took {elapsed:.0f}s"
    assert live_objects(sb, entry.platform, entry.resource) == [], "a half-made object was left behind"

    project.up()
    assert len(live_objects(sb, entry.platform, entry.resource)) == 1
    project.destroy()
