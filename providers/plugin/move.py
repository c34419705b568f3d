"""Move a stack's resources from the dynamic types to the plugin's, writing nothing to any platform.

For every resource of a dynamic catalog type, `pulumi import --file` takes it into state as the plugin's
type, same name, by its id, with the inputs and outputs (secrets still encrypted) and protection the stack
recorded, so the engine neither reads nor writes the platform; `pulumi state delete` then forgets the
dynamic resource (state only). Change the program to the plugin's types (as `examples/plugin-demo`):
`pulumi preview` shows no changes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..catalog import RESOURCES, ResourceEntry
from ..core.inputs import PROVIDER_KEY
from .names import to_wire, type_token


def catalog_entry(dynamic_type: str) -> ResourceEntry | None:
    """The catalog entry of a dynamic type token (`pulumi-python:dynamic/peak:Service`)."""
    return next((entry for entry in RESOURCES if entry.type_token == dynamic_type), None)


def import_file(deployment: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """(the `pulumi import` file, the dynamic resources' URNs dependents first, the protected ones' names)."""
    resources = deployment.get("resources", [])
    roots = {r["urn"] for r in resources if r["type"] == "pulumi:pulumi:Stack"}
    specs, old, protected = [], [], []
    for resource in resources:
        entry = catalog_entry(resource["type"])
        if entry is None:
            continue
        name = resource["urn"].rsplit("::", 1)[1]
        if resource.get("parent") and resource["parent"] not in roots:
            raise SystemExit(f"{name}: resources under a component are not moved by this tool; move them by hand")
        fields = getattr(entry.load(), entry.resource).args_type.field_specs()
        recorded = resource.get("inputs", {})
        # Encrypted values (secrets) are carried as they are: the import decrypts them with the stack's key.
        inputs = {key: value for key, value in recorded.items() if key in fields and value is not None}
        outputs = {key: value for key, value in resource.get("outputs", {}).items() if key != PROVIDER_KEY}
        specs.append(
            {
                "type": type_token(entry.platform, entry.resource),
                "name": name,
                "id": resource["id"],
                "inputs": to_wire(inputs),
                "outputs": to_wire(outputs),
            }
        )
        old.append(resource["urn"])
        if resource.get("protect"):
            protected.append(name)
    # State lists a resource after what it depends on: forget dependents first.
    return {"resources": specs}, list(reversed(old)), protected


def pulumi(options: argparse.Namespace, *args: str, capture: bool = False) -> str:
    command = ["pulumi", *args, *(["--stack", options.stack] if options.stack else [])]
    print("+ " + " ".join(command), file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=options.cwd, check=True, text=True, capture_output=capture)
    return done.stdout if capture else ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m providers.plugin.move", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", help="the stack to move (default: the selected one)")
    parser.add_argument("--cwd", help="the project directory (default: the current one)")
    parser.add_argument("--dry-run", action="store_true", help="print the import file and stop")
    options = parser.parse_args(argv)

    deployment = json.loads(pulumi(options, "stack", "export", capture=True))["deployment"]
    spec, old_urns, protected = import_file(deployment)
    if not spec["resources"]:
        print("nothing to move: the stack has no resource of a dynamic catalog type", file=sys.stderr)
        return 0
    if options.dry_run:
        print(json.dumps(spec, indent=2))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "move.json"
        path.write_text(json.dumps(spec))
        flags = ["--yes", "--generate-code=false", "--protect=false", "--skip-preview"]
        pulumi(options, "import", "--file", str(path), *flags)
    new_types = {r["name"]: r["type"] for r in spec["resources"] if r["name"] in protected}
    if protected:
        state = json.loads(pulumi(options, "stack", "export", capture=True))["deployment"]
        urns = [r["urn"] for r in state["resources"] if new_types.get(r["urn"].rsplit("::", 1)[1]) == r["type"]]
        pulumi(options, "state", "protect", "--yes", *urns)
    pulumi(options, "state", "delete", "--yes", "--force", *old_urns)
    print(
        f"moved {len(old_urns)} resources to the provider plugin's types; now change the program to "
        "pulumi_mlplatforms (same names and inputs) and run `pulumi preview`: it shows no changes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
