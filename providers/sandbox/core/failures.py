"""Scheduled lifecycle failures, beside faults: a fault replaces an answer on the wire; a scheduled failure
lets the request succeed and makes the work it starts end in the platform's failed state ("the next
create of X ends in CREATE_FAILED"). They live in each platform's state (see the sandbox's README)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from providers.sandbox.core.http import Request, Response, Route
from providers.sandbox.core.validation import FieldError, optional_choice, optional_str


class ScheduledFailure(BaseModel):
    """The next `operation` of the object named `name` (in `tenant`, or any) fails with `reason`,
    ending in `status` where the platform has several failed states."""

    operation: str
    name: str
    reason: str
    status: str | None = None
    tenant: str | None = None


class State(BaseModel):
    """The base of a platform's state: what it holds, plus the failures scheduled for it."""

    failures: list[ScheduledFailure] = Field(default_factory=list)

    def take_failure(self, operation: str, name: str, tenant: str | None = None) -> ScheduledFailure | None:
        """The first failure scheduled for this operation on this name (and tenant), used up."""
        for failure in self.failures:
            if failure.operation == operation and failure.name == name and failure.tenant in (None, tenant):
                self.failures.remove(failure)
                return failure
        return None


@dataclass(frozen=True)
class FailureKind:
    """The failures a platform offers at one control path: `operations`, and for platforms with several
    failed end states the allowed `statuses` (the first is the default)."""

    path: str
    operations: tuple[str, ...]
    schedule: Callable[[ScheduledFailure], Any]
    statuses: tuple[str, ...] = ()

    def route(self, platform: str) -> Route:
        """`POST /_sandbox/<platform><path>` `{operation, name, reason (or message), status?, tenant?}`."""
        return Route("POST", f"/{platform}{self.path}", f"sandbox.{platform}.schedule_failure", self.handle)

    def handle(self, request: Request) -> Response:
        document = request.json_object()
        operation = optional_choice(document, "operation", self.operations)
        name = optional_str(document, "name")
        if operation is None:
            raise FieldError(f"operation is required ({' or '.join(self.operations)})")
        if not name:
            raise FieldError("name is required")
        status = optional_choice(document, "status", self.statuses) if self.statuses else None
        reason = optional_str(document, "reason") or optional_str(document, "message")
        failure = ScheduledFailure(
            operation=operation,
            name=name,
            reason=reason or "failure injected by the sandbox",
            status=status or (self.statuses[0] if self.statuses else None),
            tenant=optional_str(document, "tenant"),
        )
        self.schedule(failure)
        return Response(201, failure.model_dump())
