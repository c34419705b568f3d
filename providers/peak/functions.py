"""Read-only functions for Pulumi programs: look things up on Peak while a stack runs."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pulumi.runtime

from ..core import Settings


def program_settings() -> Settings:
    """Provider settings as the program sees them (the same keys ``configure`` reads)."""
    # runtime.get_config returns the plain value of secret keys without wrapping or warning;
    # it never leaves this process.
    return Settings(lookup=pulumi.runtime.get_config)


def run_service_test(
    service_name: pulumi.Input[str],
    http_method: pulumi.Input[str] = "get",
    path: pulumi.Input[str | None] = None,
    payload: pulumi.Input[Any] = None,
) -> pulumi.Output[dict[str, Any]]:
    """Run Peak's health test of an `api` service and return its result.

    The result holds ``response_status``, ``response_body``, ``request_start_time``,
    ``request_end_time`` and ``response_size``. It runs during ``pulumi up`` only: in a preview
    the service may not exist yet, so the result is unknown there and no request is sent.
    """

    def run(values: list[Any]) -> dict[str, Any]:
        from .client import PeakClient  # the HTTP stack loads only when the test runs

        name, method, test_path, test_payload = values
        result = PeakClient.from_settings(program_settings()).test_service(name, method, test_path, test_payload)
        return {
            "response_status": result.response_status,
            "response_body": result.response_body,
            "request_start_time": result.req_start_time,
            "request_end_time": result.req_end_time,
            "response_size": result.response_size,
        }

    if pulumi.runtime.is_dry_run():
        return _unknown_output()
    return pulumi.Output.all(service_name, http_method, path, payload).apply(run)


def _unknown_output() -> pulumi.Output[dict[str, Any]]:
    """An Output that previews as unknown, as a computed value does."""

    async def value() -> dict[str, Any]:
        return {}

    async def known() -> bool:
        return False

    return pulumi.Output(set(), asyncio.ensure_future(value()), asyncio.ensure_future(known()))
