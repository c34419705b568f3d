"""ABEJA Platform wire models: the API's shapes, tolerant of fields we do not use."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LaunchWire(WireModel):
    """What a trigger and each run it starts both carry: the training models, run settings and times."""

    models: dict[str, Any] | None = None
    retry_count: int | None = None
    # A trigger's is documented in its create answer only, not in get or list: the provider never reads it.
    distribution: int | None = None
    user_env_vars: dict[str, str] | None = None
    created_at: str | None = None
    modified_at: str | None = None


class TriggerWire(LaunchWire):
    """A trigger as create, get and each list element return it."""

    trigger_id: str
    organization_id: str | None = None
    deployment_id: str
    model_version: str | None = None
    model_version_id: str
    input_service_name: str
    input_service_id: str
    output_service_name: str | None = None
    output_service_id: str | None = None

    @property
    def model_alias(self) -> str | None:
        """The training model id, sent as `models.alias` (missing, null or `{}` when none)."""
        alias = (self.models or {}).get("alias")
        return str(alias) if alias else None


class RunWire(LaunchWire):
    """A run started by a trigger (or by hand)."""

    run_id: str
    trigger_id: str | None = None
    deployment_id: str | None = None
    model_version_id: str | None = None
    input_data: Any = None
    output_template: Any = None
    status: str


class RunsPageWire(WireModel):
    entries: list[RunWire] = Field(default_factory=list)
    next_page_token: str | None = None


class DeploymentWire(WireModel):
    deployment_id: str
    name: str | None = None


class VersionWire(WireModel):
    version_id: str
    version: str | None = None
    deployment_id: str | None = None


class ChannelWire(WireModel):
    channel_id: Annotated[str, BeforeValidator(lambda value: str(value) if isinstance(value, int) else value)]
    name: str | None = None
    archived: bool | None = None
