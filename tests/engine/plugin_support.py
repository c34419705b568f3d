"""Helpers the provider plugin's engine tests share."""

from __future__ import annotations

from typing import Any

from tests.harness import writes

# Reads that AWS sends as POST (a query API): not writes.
READ_ONLY_AWS_CALLS = ("sts.get_caller_identity",)


def platform_writes(sandbox: Any) -> list[tuple[str, str]]:
    """(method, route) of every request that changed platform state, on any platform."""
    return [(r["method"], r["route"]) for r in writes(sandbox, None) if r["route"] not in READ_ONLY_AWS_CALLS]
