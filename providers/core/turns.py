"""Keyed turns: one caller per key at a time in this process, for objects a platform lets change
only one at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from .errors import Operation, WaitTimeoutError
from .waiter import Deadline, progress

_lock = threading.Lock()
_keyed_locks: dict[str, threading.Lock] = {}


@contextmanager
def holding(
    lock: threading.Lock | threading.BoundedSemaphore, deadline: Deadline, operation: Operation, waiting_for: str
) -> Iterator[None]:
    """Run the body holding ``lock``, waited for (saying so) no longer than the deadline."""
    if not lock.acquire(blocking=False):
        progress(f"{operation.describe()}: waiting for {waiting_for}")
        if not lock.acquire(timeout=max(0.0, deadline.remaining())):
            raise WaitTimeoutError(f"timed out after {deadline.seconds:g}s waiting for {waiting_for}", operation)
    try:
        yield
    finally:
        lock.release()


def one_at_a_time(key: str, deadline: Deadline, operation: Operation, waiting_for: str) -> AbstractContextManager[None]:
    """Run the body for one caller per ``key`` at a time in this process, waiting until the deadline.

    For objects a platform lets change only one at a time (an AppConfig environment takes one
    deployment at a time): this run's own resources queue here, in order and without requests,
    instead of each polling the platform and retrying its refused writes. Other processes (another
    stack, another user) still meet the platform's own refusal, which the caller rides out.
    """
    with _lock:
        lock = _keyed_locks.setdefault(key, threading.Lock())
    return holding(lock, deadline, operation, waiting_for)
