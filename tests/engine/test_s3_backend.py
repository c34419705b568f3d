"""A team's shared state: stacks kept in an S3-compatible bucket (moto's server mode), dev and staging
brought up side by side, and a second `pulumi up` on a stack another run holds refused by the
backend's lock before it touches the platform."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import PulumiProject, base_env, peak_services, point_at_sandbox

PROGRAMS = Path(__file__).parent / "programs"
BUCKET = "team-pulumi-state"
WEB = {"name": "shared-web", "image_id": 4}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto in server mode, in its own process, with one bucket for the team's state."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        request = urllib.request.Request(f"{endpoint}/{BUCKET}", method="PUT")
        urllib.request.urlopen(request, timeout=5)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def backend_url(endpoint: str) -> str:
    # gocloud.dev's s3blob (the CLI's blob library) with AWS SDK v2: a custom endpoint, plain HTTP,
    # path-style addressing (no bucket subdomain on 127.0.0.1).
    return f"s3://{BUCKET}?endpoint={endpoint}&region=us-east-1&use_path_style=true&disable_https=true"


def team_project(
    sb, pulumi_home: Path, workdir: Path, endpoint: str, stack: str, key: str, create: bool = True
) -> PulumiProject:
    env = base_env(pulumi_home, workdir / "unused")
    env.update(
        PULUMI_BACKEND_URL=backend_url(endpoint),
        AWS_ACCESS_KEY_ID="team-state-key",
        AWS_SECRET_ACCESS_KEY="team-state-secret",
        AWS_REGION="us-east-1",
    )
    project = PulumiProject(PROGRAMS / "peak_services", workdir / stack, env, stack, create=create)
    point_at_sandbox(project, sb, {"peak": key})
    project.config("services", {"web": WEB})
    return project


def run_side_by_side(*projects: PulumiProject) -> float:
    started = time.monotonic()
    runs = [p.start_up() for p in projects]
    for run in runs:
        output, _ = run.communicate(timeout=240)
        assert run.returncode == 0, output
    return time.monotonic() - started


def test_dev_and_staging_share_a_bucket_and_the_lock_refuses_a_second_run(
    sb, pulumi_home, tmp_path, s3_endpoint, capsys
):
    dev = team_project(sb, pulumi_home, tmp_path / "laptop", s3_endpoint, "dev", "sandbox-dev-key")
    staging = team_project(sb, pulumi_home, tmp_path / "ci", s3_endpoint, "staging", "sandbox-staging-key")
    seconds = run_side_by_side(dev, staging)
    assert set(peak_services(sb, "dev")) == {"shared-web"}
    assert set(peak_services(sb, "staging")) == {"shared-web"}
    stacks = dev.run("stack", "ls", "--json").stdout
    assert '"dev"' in stacks and '"staging"' in stacks, "both stacks live in the bucket"

    # A slow in-place update holds dev's lock; a second run on dev, from another checkout, is refused.
    dev.config("services", {"web": {**WEB, "image_id": 5}})
    sb.add_fault(platform="peak", method="PATCH", path=".", status=None, delay_seconds=10, count=1)
    holder = dev.start_up()
    deadline = time.monotonic() + 60
    while not _patch_started(sb):
        assert time.monotonic() < deadline, "the first run never reached the platform"
        time.sleep(0.1)
    second = team_project(sb, pulumi_home, tmp_path / "colleague", s3_endpoint, "dev", "sandbox-dev-key", create=False)
    seen = sb.requests(platform="peak")
    before = seen[-1]["seq"] if seen else 0
    refused = second.run("up", "--yes", "--skip-preview", check=False)
    requests_meanwhile = sb.requests(platform="peak", since=before)
    output, _ = holder.communicate(timeout=120)
    assert holder.returncode == 0, output
    assert refused.returncode != 0
    assert "locked" in refused.output, refused.output
    assert requests_meanwhile == [], "the refused run touched the platform"
    with capsys.disabled():
        lock_line = next(line for line in refused.output.splitlines() if "locked" in line)
        print(f"\nS3 backend: dev and staging up side by side in {seconds:.1f}s; refusal: {lock_line.strip()}")

    dev.destroy()
    staging.destroy()
    assert peak_services(sb, "dev") == {} and peak_services(sb, "staging") == {}


def _patch_started(sb) -> bool:
    # The delayed PATCH is logged only when answered; the fault list shows it was taken.
    return not any(f["method"] == "PATCH" for f in sb.faults())
