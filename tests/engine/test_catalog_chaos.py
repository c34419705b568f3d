"""Chaos through the real engine, for every resource type in the catalog: with transient faults armed
on every route of the platform, one `pulumi up`, one in-place update and one `pulumi destroy` each
succeed, leaving exactly one remote object per resource (none after destroy); a fault that never
clears fails within `timeout_seconds`, names the cause and the attempts, and leaves nothing behind."""

from __future__ import annotations

import time

import pytest

from tests.harness import live_objects, platform_requests
from tests.samples import RESOURCES

ENTRIES = pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")
COUNT = 6
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def arm_transient_faults(sb, platform: str, per_fault: int = 2) -> None:
    """Every kind of transient fault, on every route of one platform."""
    for method in WRITE_METHODS:
        # The platform processes the write, and the answer is lost on the way back.
        sb.add_fault(platform=platform, method=method, path=".", status=502, when="after", count=per_fault)
        sb.add_fault(platform=platform, method=method, path=".", status=503, count=per_fault)
        sb.add_fault(platform=platform, method=method, path=".", status=429, retry_after=0.2, count=per_fault)
    sb.add_fault(platform=platform, method="GET", path=".", status=503, count=per_fault * 2)
    sb.add_fault(platform=platform, method="GET", path=".", status=None, delay_seconds=0.5, count=per_fault)


def stack_of(entry, *changes):
    return {
        f"r{i}": {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(i, *changes)}
        for i in range(COUNT)
    }


def faulted(sb, platform: str) -> int:
    return sum(1 for r in platform_requests(sb, platform) if r.get("fault"))


@ENTRIES
def test_one_run_per_step_rides_out_transient_faults(sb, new_project, entry, capsys):
    project = new_project(program="catalog")
    project.config("resources", stack_of(entry))
    figures = {}

    for step, action in (
        ("up", project.up),
        ("update", lambda: (project.config("resources", stack_of(entry, entry.in_place)), project.up())),
        ("destroy", project.destroy),
    ):
        sb.clear_requests()
        arm_transient_faults(sb, entry.platform)
        started = time.monotonic()
        action()  # one run: raises if the step failed
        figures[step] = {"seconds": round(time.monotonic() - started, 1), "faults_hit": faulted(sb, entry.platform)}
        sb.clear_faults()
        expected = 0 if step == "destroy" else COUNT
        assert len(live_objects(sb, entry.platform, entry.resource)) == expected, f"after {step}"
        if step != "destroy":
            project.preview("--expect-no-changes")
        assert figures[step]["faults_hit"] > 0, f"no fault was hit during {step}"
    with capsys.disabled():
        print(f"\nchaos {entry.type_token}: {COUNT} resources, one run per step: {figures}")
