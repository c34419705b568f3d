"""Peak Press's objects in their wire shapes (the `full` answers): specs, releases, deployments, revisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.sandbox.peak.press_state import METADATA_KEYS, Deployment, Release, Revision, Spec

Deployments = Mapping[str, Deployment]


def release_body(release: Release) -> dict[str, Any]:
    """The release route's shape (`artifact` only when one was uploaded)."""
    body = release.model_dump(
        include={"id", "version", "notes", "config", "parameters", "created_at", "created_by"}, by_alias=True
    )
    if release.artifact_id is not None:
        body["artifact"] = {"id": release.artifact_id, "version": 1}
    if release.auto_run_on_deploy is not None:
        body["autoRunOnDeploy"] = release.auto_run_on_deploy
    return body


def spec_body(spec: Spec, full: bool = True) -> dict[str, Any]:
    """A spec list item, or (`full`) the describe shape whose `latestRelease` holds the config."""
    latest = release_body(spec.releases[-1])
    summary = ("id", "version", "notes", "createdAt", "createdBy")
    return {
        "id": spec.id,
        "kind": spec.kind,
        "featured": spec.featured,
        "scope": spec.scope,
        "tenants": list(spec.tenants),
        "metadata": {
            **spec.metadata,
            "status": spec.status,
            "createdAt": spec.created_at,
            "createdBy": spec.created_by,
            "updatedAt": spec.updated_at,
            "updatedBy": spec.updated_by,
        },
        "latestRelease": latest if full else {k: v for k, v in latest.items() if k in summary},
    }


def deployment_body(deployment: Deployment, deployments: Deployments) -> dict[str, Any]:
    """The deployment as describe, list and the metadata update return it."""
    latest = deployment.latest
    body: dict[str, Any] = {
        "id": deployment.id,
        "kind": deployment.kind,
        "metadata": {
            **dict.fromkeys(METADATA_KEYS),
            "tags": [],
            **deployment.metadata,
            "status": deployment.status,
            "createdAt": deployment.created_at,
            "createdBy": deployment.created_by,
            "updatedAt": deployment.updated_at,
            "updatedBy": deployment.updated_by,
        },
        "spec": {"id": deployment.spec_id, "release": {"version": latest.release_version}},
        "latestRevision": revision_body(deployment, latest, deployments),
        "parameters": latest.parameters,
    }
    if deployment.family == "app":
        body["appParameters"] = latest.app_parameters
    else:
        body["platformId"] = deployment.platform_id()
    if deployment.parent_id is not None:
        body["parent"] = {"id": deployment.parent_id}
        body["blockName"] = deployment.block_name
    return body


def revision_body(deployment: Deployment, revision: Revision, deployments: Deployments) -> dict[str, Any]:
    """A revision as `latestRevision` and the revision lists show it; an app's lists its blocks."""
    failed = deployment.last_error is not None and revision is deployment.latest
    fields = {"id", "revision", "status", "notes", "release_version", "created_at", "created_by"}
    body = revision.model_dump(include=fields, by_alias=True)
    body["lastError"] = {"message": deployment.last_error} if failed else None
    if deployment.family == "app":
        blocks = [deployments[b] for b in revision.blocks if b in deployments]
        body["blocks"] = [
            {
                "deploymentId": b.id,
                "platformId": b.platform_id(),
                "kind": b.kind,
                "name": b.block_name,
                "specId": b.spec_id,
                "releaseVersion": b.latest.release_version,
                "status": b.status,
            }
            for b in blocks
        ]
    return body


def revision_describe(deployment: Deployment, revision: Revision, deployments: Deployments) -> dict[str, Any]:
    """The revision route's shape."""
    body = revision_body(deployment, revision, deployments)
    return {
        **body,
        "resources": body.get("blocks", []),
        "spec": {"id": deployment.spec_id, "release": {"version": revision.release_version}},
        "parameters": revision.parameters,
        **({"appParameters": revision.app_parameters} if deployment.family == "app" else {}),
        "latestRevision": revision_body(deployment, deployment.latest, deployments),
    }
