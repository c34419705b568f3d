"""Peak wire models: the API's shapes, tolerant of fields we do not use."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel)


class ImageDetails(WireModel):
    image_id: int
    version_id: int | None = None


class ServiceResources(WireModel):
    instance_type_id: int | None = None


class ServiceParameters(WireModel):
    env: dict[str, str] = Field(default_factory=dict)
    secrets: list[str] = Field(default_factory=list)


class ServiceFailure(WireModel):
    message: str | None = None


class ServiceSummary(WireModel):
    """A list item: enough to find a service by name."""

    id: str
    name: str
    status: str | None = None
    service_type: str | None = None


class ServiceWire(WireModel):
    """A described service."""

    id: str
    name: str
    status: str
    service_type: str = "web-app"
    title: str | None = None
    description: str | None = None
    image_details: ImageDetails | None = None
    resources: ServiceResources | None = None
    parameters: ServiceParameters | None = None
    session_stickiness: bool | None = None
    scale_to_zero: bool | None = None
    entrypoint: str | None = None
    health_check_url: str | None = Field(default=None, alias="healthCheckURL")
    min_instances: int | None = None
    application_url: str | None = None
    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None
    last_error: ServiceFailure | None = None

    def failure_reason(self) -> str:
        if self.last_error and self.last_error.message:
            return self.last_error.message
        return "the platform gave no reason"


class ServiceTestResultWire(WireModel):
    response_body: Any = None
    response_status: int | None = None
    req_start_time: str | None = None
    req_end_time: str | None = None
    response_size: str | None = None
