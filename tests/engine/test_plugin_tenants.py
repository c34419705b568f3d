"""A provider per tenant: one stack, two explicit `pulumi_mlplatforms.Provider`s with their own Peak
credentials, a service of the same name in each tenant. Their API keys are secrets in state, and an
explicit provider never falls back on the stack's own platform config (the default provider's)."""

from __future__ import annotations

import json

from tests.harness import peak_services

SERVICE = {"module": "providers.peak.service", "resource": "Service"}


def test_two_providers_reach_two_tenants_from_one_stack(sb, new_project):
    project = new_project(program="plugin_catalog")
    project.config(
        "providers",
        {
            tenant: {"peak_api_key": f"sandbox-{tenant}-key", "peak_endpoint": sb.peak_endpoint}
            for tenant in ("dev", "staging")
        },
    )
    project.config(
        "resources",
        {
            f"app-{tenant}": {
                **SERVICE,
                "provider": tenant,
                "inputs": {"name": "app-one", "image_id": 1, "title": tenant},
            }
            for tenant in ("dev", "staging")
        },
    )
    project.up()
    assert peak_services(sb, "dev")["app-one"]["title"] == "dev"
    assert peak_services(sb, "staging")["app-one"]["title"] == "staging"
    # The stack's own peak:apiKey (tenant "test") is the default provider's, never an explicit one's.
    assert peak_services(sb, "test") == {}

    state = project.export()["deployment"]["resources"]
    providers = [r for r in state if r["type"] == "pulumi:providers:mlplatforms"]
    assert sorted(r["urn"].rsplit("::", 1)[1] for r in providers) == ["dev", "staging"]
    for provider in providers:
        assert "sandbox-" not in json.dumps(provider), "an API key is stored in plain text"
        assert "ciphertext" in json.dumps(provider["inputs"]["peakApiKey"])

    project.preview("--expect-no-changes")
    project.destroy()
    assert peak_services(sb, "dev") == {} and peak_services(sb, "staging") == {}
