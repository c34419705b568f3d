"""Chaos through the real engine, for every resource type in the catalog: with transient faults armed
on every route of the platform, one `pulumi up`, one in-place update and one `pulumi destroy` each
succeed, leaving exactly one remote object per resource (none after destroy); a fault that never
clears fails within `timeout_seconds`, names the cause and the attempts, and leaves nothing behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest

from providers.catalog import RESOURCES
from tests.harness import kill_all, live_objects, platform_requests, process_tree

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


@ENTRIES
def test_the_whole_cli_killed_mid_create_then_cancel_and_up_converge(sb, new_project, entry):
    """A CI runner's timeout kills `pulumi up` whole: the README's three steps recover, with no duplicate."""
    project = new_project(program="catalog")
    project.config("resources", stack_of(entry))
    # Slow readiness, and creates that take a while to be answered, so the kill lands mid-create
    # whether a type's create is synchronous or waits for a state.
    sb.set_transitions("seconds", 6)
    sb.add_fault(platform=entry.platform, method="POST", path=".", status=None, delay_seconds=2, count=COUNT)
    up = subprocess.Popen(
        ["pulumi", "--non-interactive", "up", "--yes", "--skip-preview"],
        cwd=project.dir,
        env=project.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while any(f["method"] == "POST" and f["count"] == COUNT for f in sb.faults()):
        assert time.monotonic() < deadline, "no create reached the platform"
        time.sleep(0.05)
    time.sleep(0.5)
    plugins = process_tree(up.pid)
    os.killpg(up.pid, signal.SIGKILL)
    up.wait(timeout=30)
    kill_all(plugins)  # what the runner's kill missed: plugins outside the CLI's process group
    sb.set_transitions("immediate")

    locked = project.up(check=False)
    assert locked.returncode != 0 and "locked" in locked.output, locked.output
    project.run("cancel", "--yes")
    recovered = project.up()
    assert "pending operations" in recovered.output, "Pulumi warns of the interrupted creates"
    assert len(live_objects(sb, entry.platform, entry.resource)) == COUNT, "no duplicate, none missing"
    project.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
    later = project.up()
    assert "pending operations" not in later.output
    project.preview("--expect-no-changes")
    project.destroy()
    assert live_objects(sb, entry.platform, entry.resource) == []
