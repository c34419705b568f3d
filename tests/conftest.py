"""Fixtures shared by the tiers: a sandbox on a loopback port, started once per session and
reset for each test, and Peak settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.core import Settings
from providers.peak.client import PeakClient
from providers.sandbox import Sandbox

PEAK_TEST_KEY = "sandbox-test-key"


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture
def sb(sandbox_server: Sandbox) -> Iterator[Sandbox]:
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.reset()


@pytest.fixture
def peak_settings(sb: Sandbox) -> Settings:
    return Settings.from_mapping({"peak:apiKey": PEAK_TEST_KEY, "peak:endpoint": sb.peak_endpoint}, environ={})


@pytest.fixture
def peak_client(peak_settings: Settings) -> PeakClient:
    return PeakClient.from_settings(peak_settings)


def platform_requests(sb: Sandbox, platform: str = "peak") -> list[dict]:
    """Requests our code sent: the SDK-only side routes are left out."""
    return [r for r in sb.requests(platform=platform) if r["route"] not in ("peak.telemetry", "peak.tenant_metadata")]


READ_ONLY_POSTS = ("peak.test_service",)


def writes(sb: Sandbox, platform: str = "peak") -> list[dict]:
    """Requests that change platform state (a service test is a POST that changes nothing)."""
    return [r for r in platform_requests(sb, platform) if r["method"] != "GET" and r["route"] not in READ_ONLY_POSTS]
