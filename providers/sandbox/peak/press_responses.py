"""Peak Press's wire layer: requests on the press host into `PressBackend` calls, results into JSON."""

from __future__ import annotations

from typing import Any

from providers.sandbox.core.http import Request, Response
from providers.sandbox.core.paging import page_param
from providers.sandbox.peak.exceptions import BadRequest
from providers.sandbox.peak.press_models import PressBackend
from providers.sandbox.peak.press_state import DEFAULT_PAGE_SIZE, Family, PressQuery
from providers.sandbox.peak.press_wire import release_body, spec_body

DEPLOYMENT_COUNTS = ("deploymentCount", "deploymentsCount")
SPEC_COUNTS = ("specCount", "specsCount")


def family_of(request: Request) -> Family | None:
    """`apps` or `blocks` in the path as the backend's family; None on the routes of both."""
    return {"apps": "app", "blocks": "block"}.get(request.params.get("family", ""))  # type: ignore[return-value]


def spec_fields(request: Request) -> tuple[dict[str, Any], bytes | None]:
    """App specs come as JSON, block specs as multipart (with or without an artifact)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        fields, files = request.form()
        return dict(fields), files.get("artifact")
    return request.json_object(), None


def _bool_param(request: Request, name: str) -> bool | None:
    value = request.first(name)
    if value is None or value == "":
        return None
    # The SDK sends Python's str(bool), the CLI lower case.
    if value.lower() not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false")
    return value.lower() == "true"


def query_of(request: Request) -> PressQuery:
    return PressQuery(
        page_size=page_param(request, "pageSize", DEFAULT_PAGE_SIZE),
        page_number=page_param(request, "pageNumber", 1),
        statuses=tuple(request.list_param("status")),
        kinds=tuple(request.list_param("kind")),
        scopes=tuple(request.list_param("scope")),
        sort=tuple(request.list_param("sort")),
        featured=_bool_param(request, "featured"),
        name=request.first("name") or None,
        title=request.first("title") or None,
        term=request.first("term") or None,
        version=request.first("version") or request.params.get("version") or None,
    )


class PressResponses:
    """One handler per press route of `press_urls.py`."""

    def __init__(self, backend: PressBackend) -> None:
        self.backend = backend

    # ---- specs ------------------------------------------------------------------------------------

    def list_specs(self, request: Request) -> Response:
        """`/v1/specs/` (every family) and `/v1/{apps|blocks}/specs/`."""
        page = self.backend.list_specs(request.tenant_id(), family_of(request), query_of(request))
        return Response(200, page.envelope([spec_body(s, full=False) for s in page.items], ["specs"], SPEC_COUNTS))

    def create_spec(self, request: Request) -> Response:
        fields, artifact = spec_fields(request)
        if request.first("validate") == "true":
            return Response(200, {"success": True, "message": "The spec is valid"})
        spec = self.backend.create_spec(request.tenant_id(), _family(request), fields, artifact)
        return Response(201, {"id": spec.id})

    def describe_spec(self, request: Request) -> Response:
        spec = self.backend.get_spec(*_spec(request))
        return Response(200, spec_body(spec))

    def update_spec(self, request: Request) -> Response:
        spec = self.backend.update_spec_metadata(*_spec(request), request.json_object())
        return Response(200, spec_body(spec))

    def delete_spec(self, request: Request) -> Response:
        self.backend.delete_spec(*_spec(request))
        return Response(200, {})

    def create_release(self, request: Request) -> Response:
        fields, artifact = spec_fields(request)
        if request.first("validate") == "true":
            return Response(200, {"success": True, "message": "The release is valid"})
        spec, release = self.backend.create_release(*_spec(request), fields, artifact)
        return Response(201, {"id": spec.id, "release": {"version": release.version}})

    def list_releases(self, request: Request) -> Response:
        page = self.backend.list_releases(*_spec(request), query_of(request))
        return Response(200, page.envelope([release_body(r) for r in page.items], ["releases"], ["releaseCount"]))

    def describe_release(self, request: Request) -> Response:
        spec = self.backend.get_spec(*_spec(request))
        return Response(200, release_body(spec.release(request.params["version"])))

    # ---- deployments ------------------------------------------------------------------------------

    def list_deployments(self, request: Request) -> Response:
        """`/v1/deployments/`, `/v1/{apps|blocks}/deployments/` and a spec's release deployments."""
        tenant, spec_id = request.tenant_id(), request.params.get("spec_id")
        page = self.backend.list_deployments(tenant, family_of(request), query_of(request), spec_id=spec_id)
        items = [self.backend.describe(d) for d in page.items]
        return Response(200, page.envelope(items, ["deployments"], DEPLOYMENT_COUNTS))

    def create_deployment(self, request: Request) -> Response:
        deployment = self.backend.create_deployment(request.tenant_id(), _family(request), request.json_object())
        return Response(201, {"id": deployment.id})

    def describe_deployment(self, request: Request) -> Response:
        deployment = self.backend.describe_deployment(*_deployment(request))
        return Response(200, self.backend.describe(deployment))

    def update_deployment(self, request: Request) -> Response:
        deployment = self.backend.update_deployment_metadata(*_deployment(request), request.json_object())
        return Response(200, self.backend.describe(deployment))

    def delete_deployment(self, request: Request) -> Response:
        self.backend.delete_deployment(*_deployment(request))
        return Response(200, {})

    def redeploy(self, request: Request) -> Response:
        deployment = self.backend.redeploy(*_deployment(request))
        latest = deployment.latest
        return Response(200, {"deploymentId": deployment.id, "revision": latest.revision, "revisionId": latest.id})

    def create_revision(self, request: Request) -> Response:
        revision = self.backend.create_revision(*_deployment(request), request.json_object())
        return Response(
            201, {"id": request.params["deployment_id"], "revision": revision.revision, "revisionId": revision.id}
        )

    def describe_revision(self, request: Request) -> Response:
        deployment, revision = self.backend.get_revision(*_deployment(request), request.params["revision"])
        return Response(200, self.backend.revision_describe(deployment, revision))

    def list_revisions(self, request: Request) -> Response:
        deployment_id = request.params["deployment_id"]
        tenant, family = request.tenant_id(), _family(request)
        page = self.backend.list_revisions(tenant, family, deployment_id, query_of(request))
        deployment = self.backend.describe_deployment(tenant, family, deployment_id)
        items = [self.backend.revision_body(deployment, r) for r in page.items]
        # The SDK's pager reads `deployments`, the CLI docs show `revisions`: both are sent.
        return Response(200, page.envelope(items, ["revisions", "deployments"], ["revisionCount"]))

    def get_run_parameters(self, request: Request) -> Response:
        return Response(200, self.backend.run_parameters(request.tenant_id(), request.params["deployment_id"]))

    def patch_run_parameters(self, request: Request) -> Response:
        body = request.json_object()
        return Response(
            200, self.backend.patch_run_parameters(request.tenant_id(), request.params["deployment_id"], body)
        )

    def patch_run_parameters_v2(self, request: Request) -> Response:
        body = request.json_object()
        answer = self.backend.patch_run_parameters_v2(request.tenant_id(), request.params["deployment_id"], body)
        return Response(200, answer)

    def execute(self, request: Request) -> Response:
        executed = self.backend.execute(request.tenant_id(), request.params["deployment_id"])
        return Response(200, {"executeResponse": executed})


def _spec(request: Request) -> tuple[str, Family, str]:
    """Tenant, family and spec id of a route of one family."""
    return request.tenant_id(), _family(request), request.params["spec_id"]


def _deployment(request: Request) -> tuple[str, Family, str]:
    """Tenant, family and deployment id of a route of one family."""
    return request.tenant_id(), _family(request), request.params["deployment_id"]


def _family(request: Request) -> Family:
    family = family_of(request)
    assert family is not None, "a route of one family"
    return family
