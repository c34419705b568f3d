"""Read-only functions for Pulumi programs: look up a deployment's triggers and a trigger's runs.

Results carry the names of the environment variables, never their values: a run's and a
trigger's environment may hold secrets, and a function's result is stored in plain text. The
Trigger's owner mark (`PULUMI_ML_PLATFORMS_OWNER`) is left out of them: it is the provider's, not
the user's. Only fields ABEJA documents in list answers are returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi

from ..core import ConfigError, Settings
from .trigger import OWNER_ENV

if TYPE_CHECKING:
    from .client import AbejaClient
    from .models import LaunchWire

TRIGGER_FIELDS = (
    "trigger_id",
    "model_version_id",
    "model_version",
    "input_service_id",
    "output_service_id",
    "retry_count",
    "created_at",
)
RUN_FIELDS = ("run_id", "status", "input_data", "model_version_id", "retry_count", "created_at", "modified_at")


def _client(organization_id: str | None) -> tuple[AbejaClient, str]:
    """The client, and the organization to look in (the stack's when none is given)."""
    from .client import AbejaClient  # the HTTP stack loads only when a lookup runs

    client = AbejaClient.from_settings(Settings.for_program())
    chosen = organization_id or client.organization_id
    if not chosen:
        raise ConfigError("looking up ABEJA triggers: no organization_id and no abeja:organizationId in the stack")
    return client, chosen


def _listed(item: LaunchWire, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a list item, and the names (never the values) of its environment."""
    env_names = sorted(name for name in item.user_env_vars or {} if name != OWNER_ENV)
    return {**{name: getattr(item, name) for name in names}, "env_names": env_names}


def get_deployment_triggers(
    deployment_id: pulumi.Input[str], organization_id: pulumi.Input[str | None] = None
) -> pulumi.Output[list[dict[str, Any]]]:
    """The triggers of a deployment: ``trigger_id``, ``model_version_id``, ``model_version``,
    ``input_service_id``, ``output_service_id``, ``retry_count``, ``model_id``, ``env_names``,
    ``created_at``. Runs in previews too, once its inputs are known."""

    def run(values: list[Any]) -> list[dict[str, Any]]:
        deployment, organization = values
        client, organization_id = _client(organization)
        triggers = client.iter_triggers(organization_id, deployment)
        return [{**_listed(t, TRIGGER_FIELDS), "model_id": t.model_alias} for t in triggers]

    return pulumi.Output.all(deployment_id, organization_id).apply(run)


def get_trigger_runs(
    deployment_id: pulumi.Input[str],
    trigger_id: pulumi.Input[str],
    organization_id: pulumi.Input[str | None] = None,
    scan_forward: pulumi.Input[bool] = False,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Every run a trigger started, newest first (oldest first with ``scan_forward``), all pages:
    ``run_id``, ``status``, ``input_data``, ``model_version_id``, ``retry_count``, ``env_names``,
    ``created_at``, ``modified_at``."""

    def run(values: list[Any]) -> list[dict[str, Any]]:
        deployment, trigger, organization, forward = values
        client, organization_id = _client(organization)
        runs = client.iter_trigger_runs(organization_id, deployment, trigger, scan_forward=bool(forward))
        return [_listed(r, RUN_FIELDS) for r in runs]

    return pulumi.Output.all(deployment_id, trigger_id, organization_id, scan_forward).apply(run)
