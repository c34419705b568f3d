"""Wall-clock helpers shared by the emulators."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]
"""Returns the current time as epoch seconds; tests pass a fake one."""

system_clock: Clock = time.time


def utc_iso(epoch: float) -> str:
    """ISO-8601 in UTC with milliseconds and a `Z`, the format the platforms' APIs use."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
