"""The cap on remote operations that run at once in this process: a platform's rate limits may call for
less than the engine's parallelism (``MLP_MAX_CONCURRENCY`` or, at configure time, the stack config's
``mlPlatforms:maxConcurrency``)."""

from __future__ import annotations

import threading
from typing import Any

from .host import say

DEFAULT_MAX_CONCURRENCY = 64
CONFIG_KEY = "mlPlatforms:maxConcurrency"
ENV_KEY = "MLP_MAX_CONCURRENCY"

_lock = threading.Lock()
_limit = threading.BoundedSemaphore(DEFAULT_MAX_CONCURRENCY)
_limit_size = DEFAULT_MAX_CONCURRENCY


def set_max_concurrency(value: Any) -> None:
    """Cap the remote operations (create, read, update, delete) that run at once in this process."""
    global _limit, _limit_size
    try:
        size = int(str(value))
    except ValueError:
        say(f"pulumi-ml-platforms: ignoring {CONFIG_KEY}={value!r}: not a whole number")
        return
    if size < 1:
        say(f"pulumi-ml-platforms: ignoring {CONFIG_KEY}={size}: must be at least 1")
        return
    with _lock:
        if size != _limit_size:
            _limit, _limit_size = threading.BoundedSemaphore(size), size


def operation_slot() -> threading.BoundedSemaphore:
    """Held around each remote operation: at most the configured number run at once."""
    return _limit
