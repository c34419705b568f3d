# mypy: ignore-errors
# (peak-sdk is installed only in the SDK virtualenv this script runs in.)
"""The Peak operations of the wire tier through the official peak-sdk (tests/wire/test_peak_wire.py
runs the same operations through our client and compares the requests)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import peak.session
import peak.telemetry
from wire_sdk import load_config, run

CONFIG = load_config()


def get_base_domain(stage: str, subdomain: str | None = "service") -> str:
    """Stands in for peak.helpers.get_base_domain: every host is the recording proxy's."""
    return f"{CONFIG['proxy']}/peak/{subdomain}"


# Both modules imported the function by name, so each binding is patched.
peak.session.get_base_domain = get_base_domain
peak.telemetry.get_base_domain = get_base_domain

from peak.press import apps, blocks, specs  # noqa: E402
from peak.resources import services  # noqa: E402

SERVICES = services.get_client()
FAMILY = {"app": apps.get_client(), "block": blocks.get_client()}
SPECS = specs.get_client()
ARTIFACT = tempfile.mkdtemp(prefix="wire-artifact-")
(Path(ARTIFACT) / "main.py").write_text("print('hello from the block')\n")


def family_ops(family):
    client = FAMILY[family]
    spec, doomed, dep = f"{family}_spec", f"doomed_{family}_spec", f"{family}_dep"
    artifact = {"path": ARTIFACT} if family == "block" else None

    def create_spec(c):
        i = c.inputs[f"{family}_spec"]
        extra = {"artifact": artifact} if artifact else {}
        c.ids[spec] = client.create_spec(
            i["document"], featured=i["featured"], scope=i["scope"], tenants=i["tenants"], **extra
        )["id"]

    def create_spec_release(c):
        extra = {"artifact": artifact} if artifact else {}
        client.create_spec_release(c.ids[spec], c.inputs[f"{family}_release"], **extra)

    def create_deployment(c):
        body = dict(c.inputs[f"{family}_deployment"])
        body["spec"] = {"id": c.ids[spec], "release": {"version": "1.0.0"}}
        c.ids[dep] = client.create_deployment(body)["id"]

    return {
        f"create_spec:{family}": create_spec,
        f"get_spec:{family}": lambda c: client.describe_spec(c.ids[spec]),
        f"create_spec_release:{family}": create_spec_release,
        f"get_spec_release:{family}": lambda c: client.describe_spec_release(c.ids[spec], "1.1.0"),
        f"update_spec_metadata:{family}": lambda c: client.update_spec_metadata(c.ids[spec], c.inputs["spec_metadata"]),
        f"iter_family_specs:{family}": lambda c: list(client.list_specs(name="wire")),
        f"iter_spec_releases:{family}": lambda c: list(client.list_spec_releases(c.ids[spec])),
        f"delete_spec:{family}": lambda c: client.delete_spec(c.ids[doomed]),
        f"create_deployment:{family}": create_deployment,
        f"get_deployment:{family}": lambda c: client.describe_deployment(c.ids[dep]),
        f"update_deployment_metadata:{family}": lambda c: client.update_deployment_metadata(
            c.ids[dep], c.inputs["deployment_metadata"]
        ),
        f"create_deployment_revision:{family}": lambda c: client.create_deployment_revision(
            c.ids[dep], c.inputs[f"{family}_revision"]
        ),
        f"get_deployment_revision:{family}": lambda c: client.describe_deployment_revision(c.ids[dep], "2"),
        f"iter_deployment_revisions:{family}": lambda c: list(client.list_deployment_revisions(c.ids[dep])),
        f"iter_deployments:{family}": lambda c: list(client.list_deployments(name="wire")),
        f"create_redeployment:{family}": lambda c: client.redeploy(c.ids[f"failing_{family}_dep"]),
        f"delete_deployment:{family}": lambda c: client.delete_deployment(c.ids[dep]),
    }


def create_service(c):
    c.ids["service"] = SERVICES.create_service(c.inputs["service"])["id"]


OPS = {
    "create_service": create_service,
    "get_service": lambda c: SERVICES.describe_service(c.ids["service"]),
    "update_service": lambda c: SERVICES.update_service(c.ids["service"], c.inputs["service_patch"]),
    "iter_services": lambda c: list(SERVICES.list_services(**c.inputs["service_filters"])),
    "test_service": lambda c: SERVICES.test_service(**c.inputs["service_test"]),
    "delete_service": lambda c: SERVICES.delete_service(c.ids["service"]),
    "iter_specs": lambda c: list(SPECS.list_specs(**c.inputs["spec_filters"])),
    "iter_spec_release_deployments": lambda c: list(
        SPECS.list_spec_release_deployments(c.ids["block_spec"], version="1.1.0")
    ),
    **family_ops("block"),
    **family_ops("app"),
}

if __name__ == "__main__":
    run(OPS, CONFIG)
