"""Polling with a deadline.

The Pulumi engine never enforces customTimeouts on dynamic providers, so every wait takes its
deadline from a resource input. Polls start fast and slow down in proportion to the time already
spent, so a wait overshoots the moment the state changed by about a tenth, with a cap.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

from .errors import FailedStateError, Operation, WaitTimeoutError
from .host import say

T = TypeVar("T")

FIRST_DELAY = 0.25
GROWTH = 0.1
MAX_DELAY = 10.0
HEARTBEAT_SECONDS = 15.0


class Deadline(NamedTuple):
    """An absolute point on the monotonic clock; one deadline can span several waits of a step."""

    expires_at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(clock() + seconds, seconds)

    def remaining(self, clock: Callable[[], float] = time.monotonic) -> float:
        return self.expires_at - clock()


# Past this offset every gap is MAX_DELAY, so slots there follow by arithmetic, not by stepping.
_STEADY_FROM = MAX_DELAY / GROWTH


def next_poll_offset(elapsed: float) -> float:
    """The first poll slot after ``elapsed`` seconds of a wait.

    Slots sit at fixed offsets from the wait's start: FIRST_DELAY apart at first, then a GROWTH
    share of the time already waited, at most MAX_DELAY apart. A slot that a slow answer overran
    is skipped, so how many polls a wait costs depends on how long the object takes, not on how
    long each answer took (a busy platform is not polled harder).
    """
    offset = 0.0
    while offset <= elapsed:
        if offset >= _STEADY_FROM:
            steady = offset + (int((elapsed - offset) // MAX_DELAY) + 1) * MAX_DELAY
            # Float division can land one step short; a slot is always strictly ahead of `elapsed`.
            return steady if steady > elapsed else steady + MAX_DELAY
        offset += min(MAX_DELAY, max(FIRST_DELAY, offset * GROWTH))
    return offset


def next_delay(elapsed: float, remaining: float) -> float:
    """How long to sleep before the next poll slot, never past the deadline."""
    # A slot less than a millisecond away counts as reached: clock rounding must not make it a spin.
    return max(0.0, min(next_poll_offset(elapsed + 0.001) - elapsed, remaining))


# A progress line: the provider's one printer, redacted on its way out.
progress = say


class WaitFor(NamedTuple, Generic[T]):
    """Poll ``fetch`` (None when the object is gone, as a delete waits for) until ``done`` holds;
    ``failure`` returns a reason when the object failed."""

    operation: Operation
    goal: str
    fetch: Callable[[], T | None]
    done: Callable[[T | None], bool]
    state_of: Callable[[T | None], str]
    failure: Callable[[T | None], str | None] = lambda _: None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    report: Callable[[str], None] = progress

    def run(self, deadline: Deadline) -> T | None:
        started = last_report = self.clock()
        last_state: str | None = None
        while True:
            current = self.fetch()
            state = self.state_of(current)
            reason = self.failure(current)
            if reason is not None:
                raise FailedStateError(f"{state}: {reason}", self.operation)
            if self.done(current):
                return current
            now = self.clock()
            remaining = deadline.expires_at - now
            if remaining <= 0:
                raise WaitTimeoutError(
                    f"timed out after {deadline.seconds:g}s waiting for {self.goal}; last status {state}",
                    self.operation,
                )
            elapsed = now - started
            if state != last_state or now - last_report >= HEARTBEAT_SECONDS:
                self.report(
                    f"{self.operation.describe()}: waiting for {self.goal}, status {state} ({elapsed:.0f}s elapsed)"
                )
                last_report = now
                last_state = state
            self.sleep(next_delay(elapsed, remaining))
