"""AppConfig wire models: boto3's response dicts (PascalCase keys), tolerant of fields we do not use (pydantic
ignores them by default). A field an answer lacks stays unset, so the recorded input stands for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import AliasGenerator, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_pascal


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, alias_generator=AliasGenerator(validation_alias=to_pascal))

    @field_validator("*", mode="before")
    @classmethod
    def _timestamps_as_text(cls, value: Any) -> Any:
        # boto3 parses timestamps into datetimes; outputs and state keep ISO-8601 text.
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return value


class DeploymentEvent(WireModel):
    event_type: str
    triggered_by: str | None = None
    description: str | None = None
    occurred_at: str | None = None


class DeploymentSummary(WireModel):
    """A ListDeployments item."""

    deployment_number: int
    configuration_profile_id: str | None = None
    configuration_version: str | None = None
    version_label: str | None = None
    state: str
    started_at: str | None = None


class Deployment(DeploymentSummary):
    """A GetDeployment / StartDeployment / StopDeployment answer."""

    application_id: str | None = None
    environment_id: str | None = None
    deployment_strategy_id: str | None = None
    configuration_name: str | None = None
    description: str | None = None
    deployment_duration_in_minutes: int | None = None
    growth_type: str | None = None
    growth_factor: float | None = None
    final_bake_time_in_minutes: int | None = None
    event_log: list[DeploymentEvent] = Field(default_factory=list)
    percentage_complete: float | None = None
    completed_at: str | None = None
    kms_key_arn: str | None = None
    kms_key_identifier: str | None = None


class Environment(WireModel):
    application_id: str
    id: str
    name: str
    state: str | None = None


class HostedConfigurationVersionSummary(WireModel):
    version_number: int
    content_type: str | None = None
    description: str | None = None
    version_label: str | None = None


class HostedConfigurationVersion(HostedConfigurationVersionSummary):
    """GetHostedConfigurationVersion: the content is the body, the rest comes in headers."""

    application_id: str
    configuration_profile_id: str
    content: bytes = b""
    kms_key_arn: str | None = None

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> HostedConfigurationVersion:
        content = answer.get("Content", b"")
        return cls.model_validate({**answer, "Content": content.read() if hasattr(content, "read") else content})
