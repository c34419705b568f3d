"""AppConfig wire models: boto3's response dicts (PascalCase keys), tolerant of fields we do not use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import AliasGenerator, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_pascal


class WireModel(BaseModel):
    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, alias_generator=AliasGenerator(validation_alias=to_pascal)
    )

    @field_validator("*", mode="before")
    @classmethod
    def _timestamps_as_text(cls, value: Any) -> Any:
        # boto3 parses timestamps into datetimes; outputs and state keep ISO-8601 text.
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return value


ACTIVE_STATES = frozenset({"DEPLOYING", "VALIDATING", "BAKING", "ROLLING_BACK"})
FAILED_STATES = frozenset({"ROLLED_BACK", "REVERTED"})


class DeploymentEvent(WireModel):
    event_type: str
    triggered_by: str | None = None
    description: str | None = None
    occurred_at: str | None = None

    def as_output(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "triggered_by": self.triggered_by,
            "description": self.description,
            "occurred_at": self.occurred_at,
        }


class DeploymentSummary(WireModel):
    """A ListDeployments item."""

    deployment_number: int
    configuration_profile_id: str | None = None
    configuration_version: str | None = None
    version_label: str | None = None
    state: str
    started_at: str | None = None


class Deployment(WireModel):
    """A GetDeployment / StartDeployment / StopDeployment answer (a field it lacks stays unset, so the
    recorded input stands for it)."""

    application_id: str | None = None
    environment_id: str | None = None
    deployment_number: int
    deployment_strategy_id: str | None = None
    configuration_profile_id: str | None = None
    configuration_version: str | None = None
    configuration_name: str | None = None
    version_label: str | None = None
    description: str | None = None
    deployment_duration_in_minutes: int | None = None
    growth_type: str | None = None
    growth_factor: float | None = None
    final_bake_time_in_minutes: int | None = None
    state: str
    event_log: list[DeploymentEvent] = Field(default_factory=list)
    percentage_complete: float | None = None
    started_at: str | None = None
    completed_at: str | None = None
    kms_key_arn: str | None = None
    kms_key_identifier: str | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def failure_reason(self) -> str:
        """Why it rolled back or reverted, from the event log (newest first): who triggered it and what it says."""
        for event in self.event_log:
            if event.event_type in ("ROLLBACK_STARTED", "REVERT_COMPLETED"):
                who = event.triggered_by or "unknown"
                return f"rolled back, triggered by {who}: {event.description or 'no description'}"
        return "rolled back; the event log gives no reason"


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


OPTIONAL_HEADERS = {
    "ContentType": "content_type",
    "Description": "description",
    "VersionLabel": "version_label",
    "KmsKeyArn": "kms_key_arn",
}


class HostedConfigurationVersion(BaseModel):
    """GetHostedConfigurationVersion: the content is the body, the rest comes in headers."""

    model_config = ConfigDict(extra="ignore")

    application_id: str
    configuration_profile_id: str
    version_number: int
    content: bytes
    content_type: str | None = None
    description: str | None = None
    version_label: str | None = None
    kms_key_arn: str | None = None

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> HostedConfigurationVersion:
        """Only the headers the answer carries are set (``model_fields_set``): one it lacks keeps the
        recorded input."""
        content = answer.get("Content", b"")
        if hasattr(content, "read"):
            content = content.read()
        return cls(
            application_id=answer["ApplicationId"],
            configuration_profile_id=answer["ConfigurationProfileId"],
            version_number=int(answer["VersionNumber"]),
            content=content,
            **{field: answer[key] for key, field in OPTIONAL_HEADERS.items() if key in answer},
        )
