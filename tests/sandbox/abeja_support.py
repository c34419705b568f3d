"""Helpers of the ABEJA tests: raw HTTP as a sandbox user, the control plane's file arrivals, and
the official abeja-sdk in a virtualenv of its own (it declares Python < 3.12)."""

from __future__ import annotations

import base64
import shutil
import sys
from pathlib import Path
from typing import Any

import requests

from providers.sandbox import SandboxControl
from providers.sandbox.abeja import OTHER_TOKEN, SANDBOX_PAT, SANDBOX_TOKEN
from providers.sandbox.abeja.models import (
    DEPLOYMENT_ID,
    INPUT_CHANNEL_ID,
    ORGANIZATION_ID,
    OTHER_ORGANIZATION_ID,
    OUTPUT_CHANNEL_ID,
    SANDBOX_USER_ID,
    TRAINING_MODEL_IDS,
    VERSION_IDS,
)
from tests.sdk_venvs import ensure_sdk_python

ABEJA_SDK_VERSION = "2.3.6"
# urllib3 2.x is what the SDK resolves today; pinned so the venv is the same on every machine.
ABEJA_SDK_PINS = ("requests==2.32.3", "urllib3==2.2.3")

__all__ = [
    "DEPLOYMENT_ID",
    "INPUT_CHANNEL_ID",
    "ORGANIZATION_ID",
    "OTHER_ORGANIZATION_ID",
    "OTHER_TOKEN",
    "OUTPUT_CHANNEL_ID",
    "SANDBOX_PAT",
    "SANDBOX_TOKEN",
    "SANDBOX_USER_ID",
    "TRAINING_MODEL_IDS",
    "VERSION_IDS",
    "AbejaHttp",
    "abeja_api_url",
    "ensure_abeja_sdk_python",
    "file_arrived",
]


def abeja_api_url(sandbox: SandboxControl) -> str:
    """`ABEJA_API_URL` for this sandbox (no trailing slash)."""
    return f"{sandbox.url}/abeja"


def file_arrived(
    sandbox: SandboxControl,
    channel_id: str = INPUT_CHANNEL_ID,
    *,
    organization_id: str = ORGANIZATION_ID,
    file_id: str | None = None,
    fail: bool = False,
) -> list[dict[str, Any]]:
    """Simulate a file landing in a datalake channel; the runs it started."""
    body = {"organization_id": organization_id, "channel_id": channel_id, "file_id": file_id, "fail": fail}
    return list(sandbox._call("POST", "/abeja/files", body)["runs"])


class AbejaHttp:
    """Raw HTTP calls to the sandbox's ABEJA emulator, as a Bearer token or Basic user credentials."""

    def __init__(self, sandbox: SandboxControl, token: str | None = SANDBOX_TOKEN, basic: str | None = None) -> None:
        self.sandbox = sandbox
        self.headers: dict[str, str] = {}
        if basic is not None:
            self.headers["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
        elif token is not None:
            self.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """`path` below `/abeja`; relative paths are below the sandbox organization."""
        if not path.startswith("/"):
            path = f"/organizations/{ORGANIZATION_ID}/{path}"
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return requests.request(method, abeja_api_url(self.sandbox) + path, headers=headers, timeout=30, **kwargs)

    def create_trigger(self, deployment_id: str = DEPLOYMENT_ID, **fields: Any) -> dict[str, Any]:
        """A trigger on the seeded version and input channel unless given; fails the test unless 200."""
        body = {
            "version_id": VERSION_IDS[0],
            "input_service_name": "datalake",
            "input_service_id": INPUT_CHANNEL_ID,
            "environment": None,
            **fields,
        }
        response = self.call("POST", f"deployments/{deployment_id}/triggers", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())


def _sdk_base_python() -> str:
    """An interpreter the SDK accepts (< 3.12): this one when it fits, else a python3.11 on PATH."""
    if sys.version_info < (3, 12):
        return sys.executable
    found = shutil.which("python3.11") or shutil.which("python3.10")
    if found is None:
        raise RuntimeError("abeja-sdk 2.3.6 needs Python < 3.12; install python3.11")
    return found


def ensure_abeja_sdk_python() -> Path:
    """The python of a per-user virtualenv holding abeja-sdk."""
    requirements = [f"abeja-sdk=={ABEJA_SDK_VERSION}", *ABEJA_SDK_PINS]
    return ensure_sdk_python(f"abeja-sdk-{ABEJA_SDK_VERSION}", requirements, _sdk_base_python())
