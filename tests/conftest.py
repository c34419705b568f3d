"""Fixtures shared by the tiers: a sandbox on a loopback port, started once per session and
reset for each test, and Peak settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.core import Settings
from providers.peak.client import PeakClient
from providers.sandbox import Sandbox
from tests.harness import PEAK_TEST_KEY, interrupt_by_default

interrupt_by_default()  # every pulumi command a test runs, whatever started the suite


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
