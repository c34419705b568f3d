from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from providers.sandbox import Sandbox
from tests.harness import PEAK_TEST_KEY, PulumiProject, base_env, point_at_sandbox

PROGRAMS = Path(__file__).parent / "programs"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The composition test waits for the Kubernetes plugin, which a cold machine builds in the
    # background during the rest of the run: it goes last.
    items.sort(key=lambda item: item.get_closest_marker("kubernetes") is not None)


@pytest.fixture(scope="session")
def pulumi_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pulumi-home")


@pytest.fixture
def new_project(sb: Sandbox, pulumi_home: Path, tmp_path: Path) -> Callable[..., PulumiProject]:
    """A project on its own backend, pointed at the sandbox: `program` names a folder of
    tests/engine/programs, or is any program directory (an example, the demo)."""

    def make(program: str | Path = "peak_services", stack: str = "test", key: str = PEAK_TEST_KEY) -> PulumiProject:
        source = program if isinstance(program, Path) else PROGRAMS / program
        env = base_env(pulumi_home, tmp_path / "state")
        (tmp_path / "state").mkdir(exist_ok=True)
        project = PulumiProject(source, tmp_path / source.name / stack, env, stack)
        point_at_sandbox(project, sb, {"peak": key})
        return project

    return make
