"""Helpers of the Dataiku tests, importable by every tier: settings and control-plane calls for the
sandbox's DSS emulator, and the virtualenv holding the official dataiku-api-client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from providers.core import Settings
from providers.sandbox import SandboxControl
from providers.sandbox.dataiku import ADMIN_KEY, ANALYST_KEY
from tests.sdk_venvs import ensure_sdk_python

DATAIKU_SDK_VERSION = "15.2.0"
# dataikuapi imports `six` without declaring it, and python-dateutil stopped bringing it.
SIX_VERSION = "1.17.0"
SANDBOX_PROJECT = "SANDBOX"
__all__ = ["ADMIN_KEY", "ANALYST_KEY", "SANDBOX_PROJECT"]


def dss_url(sandbox: SandboxControl) -> str:
    return f"{sandbox.url}/dataiku"


def dataiku_settings(sandbox: SandboxControl, key: str = ADMIN_KEY, **extra: str) -> Settings:
    """Provider settings pointing at the sandbox's DSS, as stack config would (no environment)."""
    return Settings.from_mapping({"dataiku:url": dss_url(sandbox), "dataiku:apiKey": key, **extra}, environ={})


def configured(provider: Any, sandbox: SandboxControl, key: str = ADMIN_KEY) -> Any:
    """A provider configured as the engine would, from stack config pointing at the sandbox."""
    from pulumi.dynamic import Config, ConfigureRequest

    provider.configure(ConfigureRequest(Config({"dataiku:apiKey": key, "dataiku:url": dss_url(sandbox)}, "p")))
    return provider


def checked_inputs(provider: Any, inputs: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Inputs as check returns them; fails the test on any check failure."""
    result = provider.check({}, {**inputs, **changes})
    assert result.failures == [], result.failures
    return dict(result.inputs)


def put_zone(
    sandbox: SandboxControl,
    code_studio: str,
    zone: str,
    changed: list[str] | None = None,
    conflicts: dict[str, list[str]] | None = None,
    project_key: str = SANDBOX_PROJECT,
) -> dict[str, Any]:
    """Work in a running studio's zone not yet synced back: changed files, and conflicts with DSS."""
    body = {
        "project_key": project_key,
        "code_studio": code_studio,
        "zone": zone,
        "changed": changed or [],
        "conflicts": conflicts or {},
    }
    return dict(sandbox._call("POST", "/dataiku/zones", body))


def fail_next(sandbox: SandboxControl, operation: str, name: str, message: str) -> None:
    """The next start or stop of the studio named `name` fails with `message`."""
    sandbox._call("POST", "/dataiku/failures", {"operation": operation, "name": name, "message": message})


def configure(sandbox: SandboxControl, **knobs: Any) -> dict[str, Any]:
    """Emulator knobs: inline_futures, not_found_status (404/500), zones."""
    return dict(sandbox._call("PUT", "/dataiku/settings", knobs))


def dss_state(sandbox: SandboxControl) -> dict[str, Any]:
    return dict(sandbox.state()["dataiku"])


def studios(sandbox: SandboxControl) -> dict[str, dict[str, Any]]:
    """The code studios the sandbox holds, by name."""
    return {cs["name"]: cs for cs in dss_state(sandbox)["code_studios"].values()}


def routes(sandbox: SandboxControl, since: int = 0) -> list[str]:
    """The DSS routes called, in order (without the `dataiku.` prefix)."""
    return [r["route"].removeprefix("dataiku.") for r in sandbox.requests(platform="dataiku", since=since)]


def ensure_dataiku_sdk_python() -> Path:
    """The python of a per-user virtualenv holding dataiku-api-client, and the `six` it imports undeclared."""
    requirements = [f"dataiku-api-client=={DATAIKU_SDK_VERSION}", f"six=={SIX_VERSION}"]
    return ensure_sdk_python(f"dataiku-sdk-{DATAIKU_SDK_VERSION}", requirements)
