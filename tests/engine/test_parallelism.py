"""The engine's `--parallel`, not the dynamic-provider host's four threads, limits how many slow
creates run at once; a stack config caps it. Read from the sandbox's request log (how many requests
were in flight when each create arrived), never from timings."""

from __future__ import annotations

from tests.harness import platform_requests

COUNT = 12


def slow_creates(sb, seconds: float = 1.5) -> None:
    sb.add_fault(platform="peak", method="POST", path=r"/webapps/?$", status=None, delay_seconds=seconds, count=COUNT)


def services(count: int) -> dict:
    return {
        f"s{i}": {
            "module": "providers.peak.service",
            "resource": "Service",
            "inputs": {"name": f"par-{i}", "image_id": 1},
        }
        for i in range(count)
    }


def creates_in_flight(sb) -> int:
    return max(r["in_flight"] for r in platform_requests(sb) if r["route"] == "peak.create_service")


def test_more_than_four_creates_run_at_once(sb, new_project):
    project = new_project(program="catalog")
    project.config("resources", services(COUNT))
    slow_creates(sb)
    result = project.run("up", "--yes", "--skip-preview", "--parallel", "16")
    assert "does not look as expected" not in result.output
    assert creates_in_flight(sb) > 4
    project.destroy()


def test_a_stack_config_caps_the_concurrency(sb, new_project):
    project = new_project(program="catalog")
    project.config("resources", services(COUNT))
    project.config("mlPlatforms:maxConcurrency", "2")
    slow_creates(sb, 0.5)
    project.run("up", "--yes", "--skip-preview", "--parallel", "16")
    assert creates_in_flight(sb) <= 2
    project.destroy()
