"""Peak's `documented` answers: what the reference (`peak-api.md` §6d, §7, §8) and peak-sdk 1.29.0's
docstrings and CLI output show for each route, and no more. Press masks the values of parameters its
block spec release defines with `hideValue: true` in deployment and revision answers; the mask the
platform uses is not documented, the sandbox sends `MASK`."""

from __future__ import annotations

from typing import Any

from providers.sandbox.core.answers import Documented, keys, prune
from providers.sandbox.core.http import Request
from providers.sandbox.peak.exceptions import NotFound
from providers.sandbox.peak.press_models import PressBackend

MASK = "********"
PAGE = keys("pageCount pageNumber pageSize")
ID = keys("id")
TAGS = [keys("name")]
SERVICE_ITEM = keys("id name status serviceType createdAt createdBy updatedAt updatedBy", tags=TAGS)
SERVICE = {
    **SERVICE_ITEM,
    **keys("sessionStickiness scaleToZero entrypoint healthCheckURL minInstances applicationUrl"),
    "imageDetails": keys("imageId versionId"),
    "resources": keys("instanceTypeId"),
}
RELEASE = keys("id version notes config parameters createdAt createdBy autoRunOnDeploy", artifact=keys("id version"))
SPEC_METADATA = keys("name title summary description descriptionContentType imageUrl createdAt createdBy", tags=TAGS)
SPEC_ITEM = {
    **keys("id kind featured scope tenants"),
    "metadata": SPEC_METADATA,
    "latestRelease": keys("id version notes createdAt createdBy"),
}
SPEC = {**SPEC_ITEM, "latestRelease": RELEASE}
BLOCK_ROW = keys("deploymentId platformId kind name status")
REVISION_ITEM = keys("id revision status notes createdAt createdBy", blocks=[BLOCK_ROW])
DEPLOYMENT = {
    **keys("id kind"),
    "metadata": {**SPEC_METADATA, **keys("updatedAt status")},
    "spec": {"id": True, "release": keys("version")},
    "latestRevision": REVISION_ITEM,
}
BLOCK_DEPLOYMENT = {**DEPLOYMENT, "parameters": True, "parent": ID}
REVISION = {
    **keys("id revision status notes createdAt createdBy parameters"),
    "resources": [BLOCK_ROW],
    "spec": {"id": True, "release": keys("version")},
    "latestRevision": REVISION_ITEM,
}


def table(press: PressBackend) -> Documented:
    """Every Peak route's documented answer; Press's deployments and revisions mask hidden values."""

    def masked(tenant: str, spec_id: str, version: str, parameters: Any) -> Any:
        """`{build, run}` values with those of hidden parameters masked."""
        try:
            hidden = press.get_spec(tenant, "block", spec_id).release(version).hidden()
        except NotFound:
            return parameters
        return {
            part: {name: MASK if name in hidden else value for name, value in values.items()}
            for part, values in (parameters or {}).items()
        }

    def deployment(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("kind") == "app":
            return dict(prune(body, DEPLOYMENT))
        shaped = prune(body, BLOCK_DEPLOYMENT)
        spec = body["spec"]
        shaped["parameters"] = masked(request.tenant_id(), spec["id"], spec["release"]["version"], body["parameters"])
        return dict(shaped)

    def deployments(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        # The count key of the CLI docs: `deploymentsCount` for block lists, `deploymentCount` elsewhere.
        count = "deploymentsCount" if request.params.get("family") == "blocks" else "deploymentCount"
        items = [deployment(request, item) for item in body["deployments"]]
        return {**prune(body, {**PAGE, count: True}), "deployments": items}

    def specs(request: Request, body: dict[str, Any]) -> Any:
        count = "specsCount" if request.params.get("family") == "blocks" else "specCount"
        return prune(body, {**PAGE, count: True, "specs": [SPEC_ITEM]})

    def revision(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        shaped, tenant, spec = prune(body, REVISION), request.tenant_id(), body["spec"]
        if request.params["family"] == "blocks":
            shaped["parameters"] = masked(tenant, spec["id"], spec["release"]["version"], body["parameters"])
        for block in body.get("resources", []) if request.params["family"] == "apps" else []:
            if block["name"] in shaped["parameters"]:
                values = shaped["parameters"][block["name"]]
                shaped["parameters"][block["name"]] = masked(tenant, block["specId"], block["releaseVersion"], values)
        return dict(shaped)

    return {
        "peak.list_services": keys(
            "servicesCount webappsCount", **PAGE, services=[SERVICE_ITEM], webapps=[SERVICE_ITEM]
        ),
        "peak.create_service": ID,
        "peak.describe_service": SERVICE,
        "peak.update_service": ID,
        "peak.delete_service": ID,
        "peak.test_service": keys("responseBody responseStatus reqStartTime reqEndTime responseSize"),
        "peak.tenant_metadata": keys("spokeDetails"),
        "peak.telemetry": {},
        "peak.press.list_all_specs": specs,
        "peak.press.list_specs": specs,
        "peak.press.create_spec": keys("id success message"),
        "peak.press.describe_spec": SPEC,
        "peak.press.update_spec": SPEC,
        "peak.press.delete_spec": {},
        "peak.press.list_releases": {**PAGE, "releaseCount": True, "releases": [RELEASE]},
        "peak.press.create_release": keys("id success message", release=keys("version")),
        "peak.press.describe_release": RELEASE,
        "peak.press.list_spec_release_deployments": deployments,
        "peak.press.list_all_deployments": deployments,
        "peak.press.list_deployments": deployments,
        "peak.press.create_deployment": ID,
        "peak.press.describe_deployment": deployment,
        "peak.press.update_deployment": deployment,
        "peak.press.delete_deployment": {},
        "peak.press.redeploy": keys("deploymentId revision revisionId"),
        "peak.press.list_revisions": keys(
            "revisionCount", **PAGE, revisions=[REVISION_ITEM], deployments=[REVISION_ITEM]
        ),
        "peak.press.create_revision": keys("id revision"),
        "peak.press.describe_revision": revision,
        "peak.press.get_run_parameters": True,
        "peak.press.patch_run_parameters": True,
        "peak.press.patch_run_parameters_v2": keys("appParameters parameters"),
        "peak.press.execute": {"executeResponse": [keys("blockSpecId version executionId status")]},
    }
