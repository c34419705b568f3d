"""Helpers of the sandbox tests, importable by test modules (and by other tiers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from providers.sandbox import Sandbox
from tests.sdk_venvs import ensure_sdk_python

REPO_ROOT = Path(__file__).resolve().parents[2]
PEAK_SDK_VERSION = "1.29.0"
WEBAPPS = "/peak/service/webapps/api/v1/webapps/"


class PeakHttp:
    """Raw HTTP calls to the sandbox's Peak service host, as a given tenant's token."""

    def __init__(self, sandbox: Sandbox, token: str | None = "sandbox-dev-key") -> None:
        self.sandbox = sandbox
        self.token = token

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """`path` is relative to the sandbox URL, or to the webapps collection when it has no leading slash."""
        url = self.sandbox.url + (path if path.startswith("/") else WEBAPPS + path)
        headers = {"Authorization": self.token} if self.token is not None else {}
        return requests.request(method, url, headers={**headers, **kwargs.pop("headers", {})}, timeout=30, **kwargs)

    def create(self, name: str, **fields: Any) -> str:
        """Create a service (imageId 7 unless given); its id."""
        body = {"name": name, "imageDetails": {"imageId": 7}, **fields}
        response = self.call("POST", "", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def describe(self, service_id: str) -> dict[str, Any]:
        """The described service; fails the test unless 200."""
        response = self.call("GET", service_id, json={})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def as_tenant(self, token: str | None) -> PeakHttp:
        """The same calls with another token."""
        return PeakHttp(self.sandbox, token)


def ensure_peak_sdk_python() -> Path:
    """The python of a per-user virtualenv holding peak-sdk."""
    return ensure_sdk_python(f"peak-sdk-{PEAK_SDK_VERSION}", [f"peak-sdk=={PEAK_SDK_VERSION}"])
