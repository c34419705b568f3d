"""The base of a platform's backend: one pydantic state (so reset, dump and load come free), the
sandbox's transition modes and clock, and the failures scheduled for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from providers.sandbox.core.clock import utc_iso
from providers.sandbox.core.failures import ScheduledFailure, State
from providers.sandbox.core.transitions import Transitions

S = TypeVar("S", bound=State)
T = TypeVar("T")


def found(table: Mapping[str, T], key: str, missing: Exception) -> T:
    """`table[key]`, or raise `missing` (the platform's error for an unknown object)."""
    if key not in table:
        raise missing
    return table[key]


class StateBackend(Generic[S]):
    """State and business rules of one platform; knows nothing of HTTP."""

    state_type: type[S]

    def __init__(self, transitions: Transitions | None = None) -> None:
        self.transitions = transitions or Transitions()
        self.reset()

    def initial(self) -> S:
        """What a fresh (or reset) platform holds."""
        return self.state_type()

    def reset(self) -> None:
        """Back to the initial state: objects and scheduled failures forgotten."""
        self.state = self.initial()

    def dump(self) -> dict[str, Any]:
        """All state as JSON-ready data, pending transitions included."""
        return self.state.model_dump(mode="json")

    def load(self, data: dict[str, Any]) -> None:
        """Replace all state with data saved by `dump`."""
        self.state = self.state_type.model_validate(data)

    def schedule_failure(
        self, operation: str, name: str, reason: str, status: str | None = None, tenant: str | None = None
    ) -> ScheduledFailure:
        """Make the next `operation` of the object named `name` fail (see `core/failures.py`)."""
        return self.schedule(
            ScheduledFailure(operation=operation, name=name, reason=reason, status=status, tenant=tenant)
        )

    def schedule(self, failure: ScheduledFailure) -> ScheduledFailure:
        """Keep a scheduled failure until the operation it names takes it."""
        self.state.failures.append(failure)
        return failure

    def now_iso(self) -> str:
        """The sandbox clock's time, as the platforms' timestamps."""
        return utc_iso(self.transitions.clock())
