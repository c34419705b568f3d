"""Each catalog type's sample inputs and the changes that mean something to it: for the catalog-wide
engine tests, the meta tests and the benchmark (which imports it as `tests.samples`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from providers.catalog import RESOURCES as TYPES
from providers.catalog import ResourceEntry


@dataclass(frozen=True)
class Samples:
    sample: dict[str, Any]
    """Valid inputs; `{n}` in strings is an index."""
    in_place: dict[str, Any] = field(default_factory=dict)
    """A change the platform applies in place."""
    replacing: dict[str, Any] = field(default_factory=dict)
    """A change that replaces the resource."""
    wired: dict[str, Any] = field(default_factory=dict)
    """Sample inputs with an upstream Peak Service's output in them, written `${upstream.<output>}`:
    the catalog-wide test that a preview shows only real changes while an input is unknown."""


@dataclass(frozen=True)
class SampledEntry(ResourceEntry):
    """A catalog entry with its samples."""

    samples: Samples = field(default_factory=lambda: Samples({}))

    @property
    def sample(self) -> dict[str, Any]:
        return self.samples.sample

    @property
    def in_place(self) -> dict[str, Any]:
        return self.samples.in_place

    @property
    def replacing(self) -> dict[str, Any]:
        return self.samples.replacing

    @property
    def wired(self) -> dict[str, Any]:
        return self.samples.wired

    def inputs(self, index: int, *changes: dict[str, Any]) -> dict[str, Any]:
        """Sample inputs for the index-th resource, with changes applied on top."""
        merged: dict[str, Any] = {}
        for part in (self.sample, *changes):
            merged.update(part)
        formatted: dict[str, Any] = _format(merged, index)
        return formatted


def _format(value: Any, index: int) -> Any:
    if isinstance(value, str):
        return value.replace("{n}", str(index))
    if isinstance(value, dict):
        return {k: _format(v, index) for k, v in value.items()}
    if isinstance(value, list):
        return [_format(v, index) for v in value]
    return value


SAMPLES: dict[str, Samples] = {
    "providers.peak.service": Samples(
        sample={"name": "svc-{n}", "image_id": 1, "title": "sample {n}", "env": {"I": "{n}"}},
        in_place={"title": "changed {n}", "image_id": 2},
        replacing={"service_type": "shiny"},
        wired={"env": {"I": "{n}", "UPSTREAM": "${upstream.application_url}"}},
    ),
    "providers.peak.press_deployment": Samples(
        # The sandbox seeds every tenant with this block spec (providers/sandbox/peak/press_models.py).
        sample={
            "kind": "block",
            "spec_id": "5eed0000-b10c-4000-8000-000000000001",
            "release_version": "1.0.0",
            "name": "press-{n}",
            "summary": "sample deployment {n}",
            "run_parameters": {"target_url": "https://example.com/{n}"},
        },
        in_place={"summary": "changed {n}", "release_version": "1.1.0"},
        replacing={"kind": "app", "spec_id": "5eed0000-a990-4000-8000-000000000002"},
        wired={"run_parameters": {"UPSTREAM_URL": "${upstream.application_url}"}},
    ),
    "providers.peak.block_spec": Samples(
        sample={
            "name": "spec-{n}",
            "summary": "sample spec {n}",
            "release_version": "1.0.0",
            "config": {"steps": {"run": {"type": "standard", "command": "python main.py"}}},
        },
        in_place={"summary": "changed {n}", "release_version": "1.1.0"},
        replacing={"kind": "service"},
        wired={"description": "calls ${upstream.application_url}"},
    ),
    "providers.abeja.trigger": Samples(
        # The sandbox seeds organization 1200000000001 with this deployment, its two versions and two
        # channels (providers/sandbox/abeja/models.py); the organization comes from abeja:organizationId.
        sample={
            "deployment_id": "1300000000001",
            "model_version_id": "ver-0000000000000001",
            "input_service_id": "1400000000001",
            "retry_count": 3,
            "environment": {"INDEX": "{n}"},
        },
        # The platform has no update: only the provider-side settings change in place.
        in_place={"timeout_seconds": 120, "create_before_delete": True},
        replacing={"model_version_id": "ver-0000000000000002"},
        wired={"environment": {"INDEX": "{n}", "UPSTREAM_URL": "${upstream.application_url}"}},
    ),
    "providers.dataiku.code_studio": Samples(
        # SANDBOX is the project the sandbox's DSS holds from the start; vscode and jupyterlab its templates.
        sample={
            "project_key": "SANDBOX",
            "name": "studio-{n}",
            "template_id": "vscode",
            "owner": "admin",
            "timeout_seconds": 60,
        },
        in_place={"desired_state": "stopped", "owner": "analyst"},
        replacing={"template_id": "jupyterlab"},
        # Code studios have no free-form input; the name is the one that can carry another's output.
        wired={"name": "studio {n} for ${upstream.application_url}"},
    ),
    "providers.dataiku.code_studio_template": Samples(
        sample={"label": "Template {n}", "params": {"exposedPorts": [8080]}, "timeout_seconds": 60},
        in_place={"params": {"exposedPorts": [8888]}, "container_confs": ["gpu"]},
        replacing={"template_type": "manual"},
        wired={"params": {"exposedPorts": [8080], "upstreamUrl": "${upstream.application_url}"}},
    ),
    "providers.appconfig.deployment": Samples(
        # The sandbox seeds these ids (providers/sandbox/appconfig/models.py); its quick strategy
        # completes at once, so many samples queue on one environment in about no time.
        sample={
            "application_id": "mlpapp1",
            "environment_id": "mlpenv1",
            "deployment_strategy_id": "mlpqck1",
            "configuration_profile_id": "mlpcfg1",
            "configuration_version": "1",
            "description": "sample {n}",
            "tags": {"n": "{n}"},
        },
        in_place={"tags": {"n": "changed {n}"}, "wait_for": "start"},
        replacing={"description": "replaced {n}"},
        # Tags change in place; every input that reaches StartDeployment replaces the deployment.
        wired={"tags": {"n": "{n}", "UPSTREAM": "${upstream.application_url}"}},
    ),
    "providers.appconfig.hosted_configuration_version": Samples(
        sample={
            "application_id": "mlpapp1",
            "configuration_profile_id": "mlpcfg1",
            "content": '{"sample": "{n}"}',
            "description": "sample {n}",
        },
        in_place={"timeout_seconds": 120},
        replacing={"content": '{"sample": "changed {n}"}'},
        wired={"content": '{"sample": "{n}", "upstream": "${upstream.application_url}"}'},
    ),
}

RESOURCES: tuple[SampledEntry, ...] = tuple(
    SampledEntry(entry.platform, entry.module, entry.resource, entry.example, SAMPLES[entry.module]) for entry in TYPES
)
