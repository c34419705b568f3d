from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from providers.sandbox import Sandbox
from tests.conftest import PEAK_TEST_KEY
from tests.harness import PulumiProject, base_env, point_at_sandbox

PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture(scope="session")
def pulumi_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pulumi-home")


@pytest.fixture
def new_project(sb: Sandbox, pulumi_home: Path, tmp_path: Path) -> Callable[..., PulumiProject]:
    """A project from tests/engine/programs/<program> on its own backend, pointed at the sandbox."""

    def make(program: str = "peak_services", stack: str = "test", key: str = PEAK_TEST_KEY) -> PulumiProject:
        env = base_env(pulumi_home, tmp_path / "state")
        (tmp_path / "state").mkdir(exist_ok=True)
        project = PulumiProject(PROGRAMS / program, tmp_path / program / stack, env, stack)
        point_at_sandbox(project, sb, {"peak": key})
        return project

    return make
