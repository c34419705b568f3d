"""Canaries through every type of the catalog: the stack's credential (handed over with a trailing
newline, as Kubernetes and CI secret stores do) and a `Secret` input ride through create, update,
delete, transient faults and refusals whose bodies quote them, an answer the client cannot read, and
a failed state; neither ever appears in the CLI's output, the engine's log at default verbosity, or
the exported state. Failure messages name where a canary leaked, never the canary."""

from __future__ import annotations

import pytest

from tests.harness import UP_ARGS, live_objects
from tests.samples import RESOURCES

ENTRIES = pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")
# The sandbox's credential of each platform: the canary, under the stack config key that holds it.
CREDENTIALS = {
    "peak": ("peak:apiKey", "sandbox-test-key"),
    "abeja": ("abeja:apiToken", "sandbox-abeja-token"),
    "dataiku": ("dataiku:apiKey", "sandbox-dku-admin-key"),
    "appconfig": ("aws:secretKey", "sandbox-appconfig-secret"),
}
SECRET_INPUT = "canary-secret-input-5f1e2d"
# Inputs marked `Secret`, per type, holding the second canary.
SECRET_INPUTS = {
    ("appconfig", "Deployment"): {"dynamic_extension_parameters": {"canary-ext#token": SECRET_INPUT}},
}


def declared(entry, *changes):
    extra = SECRET_INPUTS.get((entry.platform, entry.resource), {})
    return {"one": {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(0, extra, *changes)}}


def quoting(*canaries: str) -> dict[str, str]:
    """An error body quoting the canaries in every field a platform's error carries its message in."""
    text = "refused: " + " / ".join(canaries)
    return {"detail": text, "message": text, "error": text, "error_description": text, "Message": text}


@ENTRIES
def test_canaries_never_leave_the_provider(sb, new_project, entry):
    key, credential = CREDENTIALS[entry.platform]
    project = new_project(program="catalog")
    project.config(key, credential + "\n", secret=True)
    # The program's declarations hold the Secret input, so the stack keeps them encrypted too.
    project.config("resources", declared(entry), secret=True)
    body = quoting(credential, SECRET_INPUT)
    seen: dict[str, str] = {}

    # Create, riding out transient faults that quote the canaries; the engine's own log shown too.
    sb.add_fault(platform=entry.platform, method="POST", path=".", status=503, body=body, count=2)
    sb.add_fault(platform=entry.platform, method="GET", path=".", status=503, body=body, count=2)
    seen["up through transient faults"] = project.run(*UP_ARGS, "--logtostderr").output
    sb.clear_faults()

    # An update the platform refuses for good, with a body quoting the canaries.
    project.config("resources", declared(entry, entry.in_place), secret=True)
    sb.add_fault(platform=entry.platform, method="*", path=".", status=400, body=body, count=100)
    refused = project.up(check=False)
    assert refused.returncode != 0, "the refused update did not fail"
    seen["a refused update"] = refused.output
    sb.clear_faults()

    # An answer the client cannot read, quoting the canaries where an id should be.
    sb.add_fault(platform=entry.platform, method="GET", path=".", status=200, body={"id": [body]}, count=100)
    seen["a refresh reading bad answers"] = project.run("refresh", "--yes", "--skip-preview", check=False).output
    sb.clear_faults()

    seen["the update"] = project.up().output
    seen["the state"] = project.run("stack", "export").stdout
    seen["destroy"] = project.destroy().output
    assert live_objects(sb, entry.platform, entry.resource) == []

    if (entry.platform, entry.resource) == ("peak", "Service"):
        # A failed state whose reason quotes the canaries.
        sb.fail_next("peak", operation="create", name=entry.inputs(0)["name"], reason=body["detail"])
        failed = project.up(check=False)
        assert failed.returncode != 0, "the failed create did not fail"
        seen["a failed state"] = failed.output
        project.destroy()

    # The second canary is a secret only where a type has a `Secret` input to hold it.
    canaries = [credential, *([SECRET_INPUT] if (entry.platform, entry.resource) in SECRET_INPUTS else [])]
    leaked = [where for where, text in seen.items() if any(canary in text for canary in canaries)]
    assert leaked == [], "a canary leaked (where: see the list)"
