"""The whole CLI killed mid-create, on every type of the catalog: cancel and up converge with no
duplicate; a type whose platform has no place for an owner mark asks for adopt_existing first (split
from test_catalog_chaos.py so the engine tier spreads over the workers)."""

from __future__ import annotations

import os
import signal
import time

from tests.engine.test_catalog_chaos import COUNT, ENTRIES, stack_of
from tests.harness import kill_all, live_objects, process_tree, provider_hosts, still_running


@ENTRIES
def test_the_whole_cli_killed_mid_create_then_cancel_and_up_converge(sb, new_project, entry):
    """A CI runner's timeout kills `pulumi up` whole: the README's three steps recover, with no duplicate."""
    project = new_project(program="catalog")
    project.config("resources", stack_of(entry))
    # Slow readiness, and creates that take a while to be answered, so the kill lands mid-create
    # whether a type's create is synchronous or waits for a state.
    sb.set_transitions("seconds", 6)
    sb.add_fault(platform=entry.platform, method="POST", path=".", status=None, delay_seconds=2, count=COUNT)
    up = project.start_up(output=False, new_session=True)
    deadline = time.monotonic() + 90
    while any(f["method"] == "POST" and f["count"] == COUNT for f in sb.faults()):
        assert time.monotonic() < deadline, "no create reached the platform"
        time.sleep(0.05)
    time.sleep(0.5)
    plugins = process_tree(up.pid)
    hosts = provider_hosts(plugins)
    assert hosts, "found the provider host"
    os.killpg(up.pid, signal.SIGKILL)
    up.wait(timeout=30)
    # The runner's kill misses plugins, which run in process groups of their own. Our provider host
    # sees its engine gone and ends by itself, so nothing of ours races the next run.
    assert still_running(hosts, within=60) == [], "the provider host outlived its engine"
    kill_all(plugins)  # Pulumi's own language host, which outlives a killed CLI
    sb.set_transitions("immediate")

    locked = project.up(check=False)
    assert locked.returncode != 0 and "locked" in locked.output, locked.output
    project.run("cancel", "--yes")
    recovered = project.up(check=False)
    warned = recovered.output
    if getattr(entry.load(), f"{entry.resource}Provider").mark_place is None:
        # Nothing on these objects says which stack made them, so the next run cannot take them as its
        # own: it names them and asks to adopt them (Terraform's "already exists"), duplicating nothing.
        assert recovered.returncode != 0 and "adopt_existing" in recovered.output, recovered.output
        project.config("resources", stack_of(entry, {"adopt_existing": True}))
        recovered = project.up(check=False)
        warned += recovered.output
    assert recovered.returncode == 0, recovered.output
    assert "pending operations" in warned, "Pulumi warns of the interrupted creates"
    assert len(live_objects(sb, entry.platform, entry.resource)) == COUNT, "no duplicate, none missing"
    project.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
    later = project.up()
    assert "pending operations" not in later.output
    project.preview("--expect-no-changes")
    project.destroy()
    assert live_objects(sb, entry.platform, entry.resource) == []
