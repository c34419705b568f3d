"""Previews with an unknown upstream input, on every type of the catalog (split from
test_catalog_engine.py so the engine tier spreads over the workers)."""

from __future__ import annotations

import re

from tests.engine.test_catalog_engine import ENTRIES
from tests.harness import live_objects

UPSTREAM = {
    "module": "providers.peak.service",
    "resource": "Service",
    "inputs": {"name": "upstream-svc", "image_id": 1, "title": "upstream"},
}
FIELD_LINE = re.compile(r"^\s*(?P<sign>[-+~])\s(?P<field>[a-z_]+)\s*:")


def resource_block(diff: str, name: str) -> list[str]:
    """The lines `preview --diff` prints for one resource of the stack."""
    lines = diff.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().endswith(f"::{name}]"))
    block = []
    for line in lines[start + 1 :]:
        if re.match(r"^\s*(\+-|-\+|[~+\-])\s*pulumi", line) or "--outputs:--" in line:
            break
        if line.startswith(("Resources:", "Outputs:")):
            break
        block.append(line)
    return block


@ENTRIES
def test_preview_with_an_unknown_upstream_input_names_only_real_changes(sb, new_project, entry):
    assert entry.wired, f"{entry.resource} has no `wired` sample in the catalog"
    project = new_project(program="catalog")
    downstream = {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(0, entry.wired)}
    project.config("resources", {"upstream": UPSTREAM, "down": downstream})
    project.up()
    project.preview("--expect-no-changes")

    # An in-place change upstream makes its outputs unknown until it is applied.
    changed = {**UPSTREAM, "inputs": {**UPSTREAM["inputs"], "image_id": 2}}
    project.config("resources", {"upstream": changed, "down": downstream})
    diff = project.preview("--diff").output
    block = resource_block(diff, "down")
    inputs = set(getattr(entry.load(), f"{entry.resource}Args").field_specs())
    # A replacing change also lists the old outputs as going away; only inputs are judged here.
    signs = {m["field"]: m["sign"] for m in map(FIELD_LINE.match, block) if m and m["field"] in inputs}
    assert signs, f"the downstream resource shows no change:\n{diff}"
    shown_removed_or_added = {f: s for f, s in signs.items() if s != "~"}
    assert shown_removed_or_added == {}, f"kept inputs shown as removed or defaults as added:\n{diff}"
    assert set(signs) <= set(entry.wired), f"only the wired inputs may change:\n{diff}"
    project.destroy()
    assert live_objects(sb, entry.platform, entry.resource) == []
