"""Read-only functions for Pulumi programs: look things up on Peak while a stack runs."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pulumi.runtime

from ..core import Settings


def program_settings() -> Settings:
    """Provider settings as the program sees them (the same keys ``configure`` reads)."""
    # runtime.get_config returns the plain value of secret keys without wrapping or warning;
    # it never leaves this process.
    return Settings(lookup=pulumi.runtime.get_config)


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
        from .client import PeakClient  # the HTTP stack loads only when the test runs

        name, method, test_path, test_payload = values
        result = PeakClient.from_settings(program_settings()).test_service(name, method, test_path, test_payload)
        times = {"request_start_time": result.req_start_time, "request_end_time": result.req_end_time}
        return {**_fields(result, "response_status", "response_body", "response_size"), **times}

    if pulumi.runtime.is_dry_run():
        return _unknown_output()
    return pulumi.Output.all(service_name, http_method, path, payload).apply(run)


def _fields(obj: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _unknown_output() -> pulumi.Output[dict[str, Any]]:
    """An Output that previews as unknown, as a computed value does."""

    async def value() -> dict[str, Any]:
        return {}

    async def known() -> bool:
        return False

    return pulumi.Output(set(), asyncio.ensure_future(value()), asyncio.ensure_future(known()))


# ---- Press lookups: plain values, paging hidden; they run in previews too (reads only) --------------


def _press_client() -> Any:
    from .client import PeakPressClient  # the HTTP stack loads only when a lookup runs

    return PeakPressClient.from_settings(program_settings())


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
    specs = _press_client().iter_specs(kind=kind, scope=scope, status=status, featured=featured, term=term, sort=sort)
    return [
        {
            **_fields(spec, "id", "kind", "scope", "featured"),
            **_fields(spec.metadata, "name", "title", "status"),
            "latest_release_version": spec.latest_release.version if spec.latest_release else None,
        }
        for spec in specs
    ]


def list_press_spec_releases(spec_id: str, kind: str = "block") -> list[dict[str, Any]]:
    """The releases of an app (``kind="app"``) or block spec, newest first: ``{id, version, notes, created_at}``."""
    releases = _press_client().iter_spec_releases(kind, spec_id)
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
    deployments = _press_client().iter_spec_release_deployments(
        spec_id, version=version, status=status, name=name, sort=sort
    )
    return [
        {
            **_fields(deployment, "id", "kind", "status"),
            "name": deployment.metadata.name,
            "release_version": deployment.spec.release.version if deployment.spec and deployment.spec.release else None,
            "revision": deployment.latest_revision.revision if deployment.latest_revision else None,
        }
        for deployment in deployments
    ]
