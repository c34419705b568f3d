"""The log of requests the emulated platforms received, read by tests through the control plane.

Headers are never recorded: they carry credentials.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from providers.sandbox.core.clock import utc_iso

# Bounded so a sandbox serving a long demo does not grow without limit.
MAX_ENTRIES = 10_000


class RequestLog:
    """Entries numbered by `seq` from 1, oldest first."""

    def __init__(self) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=MAX_ENTRIES)
        self._seq = 0

    def record(self, *, now: float, **entry: Any) -> dict[str, Any]:
        """Append an entry (platform, tenant, method, path, query, status, route, body, fault)."""
        self._seq += 1
        logged = {"seq": self._seq, "time": utc_iso(now), **entry}
        self._entries.append(logged)
        return logged

    def entries(self, platform: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """Entries after sequence number `since`, optionally of one platform."""
        return [
            entry
            for entry in self._entries
            if entry["seq"] > since and (platform is None or entry["platform"] == platform)
        ]

    def clear(self) -> None:
        """Forget every entry; numbering goes on, so `since` stays meaningful."""
        self._entries.clear()
