"""The sandbox across restarts (state file) and as its own process (`python -m providers.sandbox`)."""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from providers.sandbox import Sandbox
from tests.sandbox.sandbox_support import REPO_ROOT, WEBAPPS, PeakHttp


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    with Sandbox(state_file=state_file) as first:
        first.add_token("acme-key", "acme")
        first.set_transitions("reads", 3)
        peak = PeakHttp(first, "acme-key")
        service_id = peak.create("web")
        assert peak.describe(service_id)["status"] == "CREATING"

    assert "acme-key" in state_file.read_text()
    with Sandbox(state_file=state_file) as second:
        peak = PeakHttp(second, "acme-key")
        assert [peak.describe(service_id)["status"] for _ in range(2)] == ["CREATING", "AVAILABLE"]
        peak.call("DELETE", service_id)

    with Sandbox(state_file=state_file) as third:
        assert PeakHttp(third, "acme-key").describe(service_id)["status"] == "DELETING"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sandbox.json"]


def test_a_broken_state_file_is_reported(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    state_file.write_text("{not json")

    with pytest.raises(ValueError, match="is not valid JSON"):
        Sandbox(state_file=state_file)


def start_process(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """The running sandbox process and the first three lines it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "providers.sandbox", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, [process.stdout.readline() for _ in range(3)]


def exports(lines: list[str]) -> dict[str, str]:
    """NAME → value of `export NAME=value` lines, unquoted as a shell would."""
    exported = {}
    for line in lines:
        match = re.fullmatch(r"export (\w+)=(.*)\n", line)
        assert match, f"not an export line: {line!r}"
        exported[match[1]] = shlex.split(match[2])[0]
    return exported


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_main_prints_the_environment_serves_and_stops_cleanly(tmp_path: Path, signum: int) -> None:
    process, lines = start_process("--state-file", str(tmp_path / "state.json"))
    try:
        exported = exports(lines)
        url = exported["MLP_SANDBOX_URL"]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert exported["PEAK_ENDPOINT"] == url + "/peak/{subdomain}"
        assert exported["PEAK_AUTH_TOKEN"] == "sandbox-dev-key"

        endpoint = exported["PEAK_ENDPOINT"].format(subdomain="service")
        response = requests.post(
            endpoint + WEBAPPS.removeprefix("/peak/service"),
            json={"name": "web", "imageDetails": {"imageId": 1}},
            headers={"Authorization": exported["PEAK_AUTH_TOKEN"]},
            timeout=10,
        )
        assert response.status_code == 201
    finally:
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=10)

    assert process.returncode == 0, stderr
    assert "web" in json.dumps(json.loads((tmp_path / "state.json").read_text()))


def test_main_quotes_the_endpoint_template_for_the_shell() -> None:
    process, lines = start_process("--port", "0")
    process.terminate()
    process.communicate(timeout=10)

    port = re.findall(r":(\d+)", lines[0])[0]
    assert lines == [
        f"export MLP_SANDBOX_URL=http://127.0.0.1:{port}\n",
        f"export PEAK_ENDPOINT='http://127.0.0.1:{port}/peak/{{subdomain}}'\n",
        "export PEAK_AUTH_TOKEN=sandbox-dev-key\n",
    ]
    assert process.returncode == 0


def test_main_reports_a_port_in_use() -> None:
    with Sandbox() as taken:
        port = taken.url.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "-m", "providers.sandbox", "--port", port],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert result.returncode == 2
    assert "sandbox: cannot start" in result.stderr
    assert result.stdout == ""
