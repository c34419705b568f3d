"""The one retry loop: every call to a platform rides out transient faults within the resource's deadline.

What is transient, and what may be sent again:

| failure                                   | idempotent call | write that is not idempotent          |
|-------------------------------------------|-----------------|---------------------------------------|
| 429 (with or without Retry-After)         | again           | again: the platform did not process it |
| connection never established              | again           | again: nothing reached the platform   |
| 5xx, reset or read timeout after sending  | again           | ``OutcomeUnknownError``: look first   |
| anything else (400, 401, 403, 404, 409...) | raise at once   | raise at once                          |

The deadline comes from the resource (``timeout_seconds``), handed down through
``operation_deadline`` so clients deep below a hook need no extra parameter. Waits grow
exponentially with full jitter, so many resources retrying at once spread out.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from .errors import ApiError, Operation, OutcomeUnknownError, ProviderError, RateLimitError, ServerError, TransportError
from .waiter import Deadline, progress

R = TypeVar("R")

FIRST_BACKOFF_SECONDS = 0.25
MAX_BACKOFF_SECONDS = 10.0
MAX_RETRY_AFTER_SECONDS = 30.0
# Calls made outside a resource step (functions, a provider method without one) get this much.
DEFAULT_DEADLINE_SECONDS = 120.0

_local = threading.local()


@contextmanager
def operation_deadline(deadline: Deadline) -> Iterator[Deadline]:
    """Every platform call made by this thread inside the block gives up at ``deadline`` (the host runs
    each engine call on one worker thread, so a thread-local is exactly one resource step's scope)."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = deadline
    try:
        yield deadline
    finally:
        _local.deadline = previous


def current_deadline() -> Deadline:
    deadline: Deadline | None = getattr(_local, "deadline", None)
    return deadline if deadline is not None else Deadline.after(DEFAULT_DEADLINE_SECONDS)


def is_transient(error: BaseException, idempotent: bool) -> bool:
    """Whether ``error`` may clear by itself and the call may be sent again as it is."""
    if isinstance(error, RateLimitError):
        return True
    if isinstance(error, TransportError):
        return idempotent or not error.sent
    if isinstance(error, ServerError):
        return idempotent
    return False


def backoff(attempt: int, rng: Callable[[], float] = random.random) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, first * 2**attempt)], at least a little."""
    ceiling = min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2.0 ** min(attempt, 30))
    return max(FIRST_BACKOFF_SECONDS / 2, ceiling * rng())


class RetryLoop:
    """State of one retried call: attempts, start time, deadline; shared by the writers that resend."""

    def __init__(
        self,
        operation: Operation | None,
        deadline: Deadline | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.operation = operation
        self.deadline = deadline or current_deadline()
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.rng = rng
        self.started = self.clock()
        self.attempts = 0

    def pause_or_give_up(self, error: BaseException, what: str | None = None) -> None:
        """Sleep before the next attempt, or re-raise ``error`` with the attempts and time spent."""
        if isinstance(error, ApiError) and error.retry_after is not None:
            wait = min(MAX_RETRY_AFTER_SECONDS, float(error.retry_after))
        else:
            wait = backoff(self.attempts - 1, self.rng)
        if wait >= self.deadline.remaining(self.clock):
            raise self.exhausted(error) from None
        op = self.operation or getattr(error, "operation", None)
        label = op.describe() if op else "request"
        what = what or (error.cause if isinstance(error, ProviderError) else str(error))
        progress(f"{label}: {what}; attempt {self.attempts} failed, retrying in {wait:.1f}s")
        self.sleep(wait)

    def exhausted(self, error: BaseException) -> BaseException:
        spent = self.clock() - self.started
        suffix = f" (gave up after {self.attempts} attempts in {spent:.1f}s; timeout_seconds {self.deadline.seconds:g})"
        if isinstance(error, ProviderError):
            error.add_cause(suffix)
            return error
        return ProviderError(f"{error}{suffix}", self.operation)

    def run(self, call: Callable[[], R], idempotent: bool) -> R:
        while True:
            self.attempts += 1
            try:
                return call()
            except ProviderError as error:
                if not is_transient(error, idempotent):
                    if isinstance(error, ServerError | TransportError) and not idempotent:
                        raise OutcomeUnknownError.after(error) from None
                    raise
                self.pause_or_give_up(error)


def call_with_retries(
    operation: Operation | None,
    call: Callable[[], R],
    *,
    idempotent: bool,
    deadline: Deadline | None = None,
    sleep: Callable[[float], None] | None = None,
) -> R:
    """Run ``call`` until it succeeds, fails for good, or the deadline would pass. A non-idempotent call
    whose answer was lost raises ``OutcomeUnknownError``: look before resending (``lifecycle.write_once``)."""
    return RetryLoop(operation, deadline, sleep).run(call, idempotent)
