"""Read-only functions for Pulumi programs: look things up on Peak while a stack runs."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pulumi.runtime

from ..core import Settings
from ..core.lifecycle import attribute

program_settings = Settings.for_program  # provider settings as the program sees them (tests replace it)


def _client() -> Any:
    from .client import PeakPressClient  # the HTTP stack loads only when a lookup or a test runs

    return PeakPressClient.from_settings(program_settings())  # the Press client covers services too


def run_service_test(
    service_name: pulumi.Input[str],
    http_method: pulumi.Input[str] = "get",
    path: pulumi.Input[str | None] = None,
    payload: pulumi.Input[Any] = None,
) -> pulumi.Output[dict[str, Any]]:
    """Run Peak's health test of an `api` service and return its result.

    The result holds ``response_status``, ``response_body``, ``request_start_time``,
    ``request_end_time`` and ``response_size``. It runs during ``pulumi up`` only: in a preview
    the service may not exist yet, so the result is unknown there and no request is sent.
    """

    def run(values: list[Any]) -> dict[str, Any]:
        result = _client().test_service(*values)  # service name, method, path, payload
        times = {"request_start_time": "req_start_time", "request_end_time": "req_end_time"}
        return _fields(result, "response_status", "response_body", "response_size", **times)

    if pulumi.runtime.is_dry_run():
        # Unknown, as a computed value previews (asyncio.sleep(0, x) is an awaitable of x): value {}, not known.
        return pulumi.Output(set(), asyncio.sleep(0, {}), asyncio.sleep(0, False))
    return pulumi.Output.all(service_name, http_method, path, payload).apply(run)


def _fields(obj: Any, *names: str, **paths: str) -> dict[str, Any]:
    """``obj``'s attributes ``names``, then the values at dotted ``paths`` (None past a step that is None)."""
    named = {name: name for name in names} | paths
    return {key: attribute(obj, path) for key, path in named.items()}


# ---- Press lookups: plain values, paging hidden; they run in previews too (reads only) --------------


def list_press_specs(
    *,
    kind: list[str] | None = None,
    scope: list[str] | None = None,
    status: list[str] | None = None,
    featured: bool | None = None,
    term: str | None = None,
    sort: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The tenant's app and block specs matching the filters.

    ``kind``: app, workflow, service; ``scope``: private, public, shared; ``status``: available,
    unavailable, archived; ``term`` searches name, title, description and summary; ``sort`` items
    are ``field[:asc|desc]`` with field createdAt, createdBy, name or title. Each spec is
    ``{id, kind, name, title, status, scope, featured, latest_release_version}``.
    """
    specs = _client().iter_specs(kind=kind, scope=scope, status=status, featured=featured, term=term, sort=sort)
    metadata = {field: f"metadata.{field}" for field in ("name", "title", "status")}
    latest = {"latest_release_version": "latest_release.version"}
    return [_fields(spec, "id", "kind", "scope", "featured", **metadata, **latest) for spec in specs]


def list_press_spec_releases(spec_id: str, kind: str = "block") -> list[dict[str, Any]]:
    """The releases of an app (``kind="app"``) or block spec, newest first: ``{id, version, notes, created_at}``."""
    releases = _client().iter_spec_releases(kind, spec_id)
    return [_fields(release, "id", "version", "notes", "created_at") for release in releases]


def list_press_spec_release_deployments(
    spec_id: str,
    *,
    version: str | None = None,
    status: list[str] | None = None,
    name: str | None = None,
    sort: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The deployments of a spec (of one release when ``version``), by the release their latest
    revision uses: ``{id, kind, name, status, release_version, revision}`` (``release_version`` is the
    deployment's `spec.release.version`, which Peak documents)."""
    deployments = _client().iter_spec_release_deployments(spec_id, version=version, status=status, name=name, sort=sort)
    paths = {"name": "metadata.name", "release_version": "spec.release.version", "revision": "latest_revision.revision"}
    return [_fields(deployment, "id", "kind", "status", **paths) for deployment in deployments]
