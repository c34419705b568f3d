"""Fixtures of the sandbox tier: one sandbox per session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.sandbox import Sandbox
from tests.sandbox.sandbox_support import PeakHttp, ensure_peak_sdk_python


@pytest.fixture(scope="session")
def sandbox_session() -> Iterator[Sandbox]:
    """This tier's own sandbox, serving for the whole session."""
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(sandbox_session: Sandbox) -> Sandbox:
    """The session's sandbox, reset, answering in the `full` profile (a reset keeps profiles)."""
    sandbox_session.reset()
    sandbox_session.set_answers("full")
    return sandbox_session


@pytest.fixture
def peak(sandbox: Sandbox) -> PeakHttp:
    """HTTP calls to the reset sandbox's Peak emulator as the dev tenant."""
    return PeakHttp(sandbox)


@pytest.fixture(scope="session")
def peak_sdk_python() -> Path:
    """The python of a virtualenv holding the official peak-sdk (kept apart from the project's own)."""
    return ensure_peak_sdk_python()
