"""Peak Press's wire layer: requests on the press host into `PressBackend` calls, results into JSON."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, cast

from providers.sandbox.core.http import Request, Response
from providers.sandbox.core.validation import FieldError, optional_choice, optional_str
from providers.sandbox.peak.exceptions import BadRequest
from providers.sandbox.peak.press_models import (
    DEFAULT_PAGE_SIZE,
    Family,
    PressBackend,
    PressOperation,
    PressPage,
    PressQuery,
)


def family_of(request: Request) -> Family:
    """`apps` or `blocks` in the path, as the backend's family."""
    return "app" if request.params["family"] == "apps" else "block"


def form_fields(request: Request) -> tuple[dict[str, str], bytes | None]:
    """The text fields and the `artifact` file part of a multipart body."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise BadRequest("expected a multipart/form-data body")
    if not request.body:
        raise BadRequest("request body is empty")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + request.body
    )
    if not message.is_multipart():
        raise BadRequest("multipart body could not be parsed")
    fields: dict[str, str] = {}
    artifact: bytes | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if name == "artifact":
            artifact = data
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8")
    return fields, artifact


def spec_fields(request: Request) -> tuple[dict[str, Any], bytes | None]:
    """App specs come as JSON, block specs as multipart (with or without an artifact)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        fields, artifact = form_fields(request)
        return dict(fields), artifact
    return request.json_object(), None


def _page_param(request: Request, name: str, default: int) -> int:
    value = request.first(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise BadRequest(f"{name} must be an integer >= 1")
    return int(value)


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
        page_size=_page_param(request, "pageSize", DEFAULT_PAGE_SIZE),
        page_number=_page_param(request, "pageNumber", 1),
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


def paged(page: PressPage, keys: tuple[str, ...], counts: tuple[str, ...], items: list[Any]) -> dict[str, Any]:
    """A list answer: the items under every list key the SDK or CLI reads, and every count key spelling."""
    body: dict[str, Any] = {key: items for key in keys}
    body.update({count: page.total for count in counts})
    body.update(pageCount=page.page_count, pageNumber=page.page_number, pageSize=page.page_size)
    return body


DEPLOYMENT_COUNTS = ("deploymentCount", "deploymentsCount")
SPEC_COUNTS = ("specCount", "specsCount")


class PressResponses:
    """One handler per press route of `urls.py`."""

    def __init__(self, backend: PressBackend) -> None:
        self.backend = backend

    # ---- specs ------------------------------------------------------------------------------------

    def list_all_specs(self, request: Request) -> Response:
        page = self.backend.list_specs(request.tenant_id(), None, query_of(request))
        return Response(200, paged(page, ("specs",), SPEC_COUNTS, [s.describe(full=False) for s in page.items]))

    def list_specs(self, request: Request) -> Response:
        page = self.backend.list_specs(request.tenant_id(), family_of(request), query_of(request))
        return Response(200, paged(page, ("specs",), SPEC_COUNTS, [s.describe(full=False) for s in page.items]))

    def create_spec(self, request: Request) -> Response:
        fields, artifact = spec_fields(request)
        if request.first("validate") == "true":
            return Response(200, {"success": True, "message": "The spec is valid"})
        spec = self.backend.create_spec(request.tenant_id(), family_of(request), fields, artifact)
        return Response(201, {"id": spec.id})

    def describe_spec(self, request: Request) -> Response:
        spec = self.backend.get_spec(request.tenant_id(), family_of(request), request.params["spec_id"])
        return Response(200, spec.describe())

    def update_spec(self, request: Request) -> Response:
        spec = self.backend.update_spec_metadata(
            request.tenant_id(), family_of(request), request.params["spec_id"], request.json_object()
        )
        return Response(200, spec.describe())

    def delete_spec(self, request: Request) -> Response:
        self.backend.delete_spec(request.tenant_id(), family_of(request), request.params["spec_id"])
        return Response(200, {})

    def create_release(self, request: Request) -> Response:
        fields, artifact = spec_fields(request)
        if request.first("validate") == "true":
            return Response(200, {"success": True, "message": "The release is valid"})
        spec, release = self.backend.create_release(
            request.tenant_id(), family_of(request), request.params["spec_id"], fields, artifact
        )
        return Response(201, {"id": spec.id, "release": {"version": release.version}})

    def list_releases(self, request: Request) -> Response:
        page = self.backend.list_releases(
            request.tenant_id(), family_of(request), request.params["spec_id"], query_of(request)
        )
        return Response(200, paged(page, ("releases",), ("releaseCount",), [r.describe() for r in page.items]))

    def describe_release(self, request: Request) -> Response:
        spec = self.backend.get_spec(request.tenant_id(), family_of(request), request.params["spec_id"])
        return Response(200, spec.release(request.params["version"]).describe())

    def list_spec_release_deployments(self, request: Request) -> Response:
        tenant = request.tenant_id()
        page = self.backend.list_deployments(tenant, None, query_of(request), spec_id=request.params["spec_id"])
        items = [self.backend.describe(d) for d in page.items]
        return Response(200, paged(page, ("deployments",), DEPLOYMENT_COUNTS, items))

    # ---- deployments ------------------------------------------------------------------------------

    def create_deployment(self, request: Request) -> Response:
        deployment = self.backend.create_deployment(request.tenant_id(), family_of(request), request.json_object())
        return Response(201, {"id": deployment.id})

    def list_deployments(self, request: Request) -> Response:
        page = self.backend.list_deployments(request.tenant_id(), family_of(request), query_of(request))
        items = [self.backend.describe(d) for d in page.items]
        return Response(200, paged(page, ("deployments",), DEPLOYMENT_COUNTS, items))

    def list_all_deployments(self, request: Request) -> Response:
        page = self.backend.list_deployments(request.tenant_id(), None, query_of(request))
        items = [self.backend.describe(d) for d in page.items]
        return Response(200, paged(page, ("deployments",), DEPLOYMENT_COUNTS, items))

    def describe_deployment(self, request: Request) -> Response:
        deployment = self.backend.describe_deployment(
            request.tenant_id(), family_of(request), request.params["deployment_id"]
        )
        return Response(200, self.backend.describe(deployment))

    def update_deployment(self, request: Request) -> Response:
        deployment = self.backend.update_deployment_metadata(
            request.tenant_id(), family_of(request), request.params["deployment_id"], request.json_object()
        )
        return Response(200, self.backend.describe(deployment))

    def delete_deployment(self, request: Request) -> Response:
        self.backend.delete_deployment(request.tenant_id(), family_of(request), request.params["deployment_id"])
        return Response(200, {})

    def redeploy(self, request: Request) -> Response:
        deployment = self.backend.redeploy(request.tenant_id(), family_of(request), request.params["deployment_id"])
        latest = deployment.latest
        return Response(200, {"deploymentId": deployment.id, "revision": latest.revision, "revisionId": latest.id})

    def create_revision(self, request: Request) -> Response:
        deployment_id = request.params["deployment_id"]
        revision = self.backend.create_revision(
            request.tenant_id(), family_of(request), deployment_id, request.json_object()
        )
        return Response(201, {"id": deployment_id, "revision": revision.revision, "revisionId": revision.id})

    def describe_revision(self, request: Request) -> Response:
        deployment, revision = self.backend.get_revision(
            request.tenant_id(), family_of(request), request.params["deployment_id"], request.params["revision"]
        )
        return Response(200, self.backend.revision_describe(deployment, revision))

    def list_revisions(self, request: Request) -> Response:
        deployment_id = request.params["deployment_id"]
        tenant, family = request.tenant_id(), family_of(request)
        page = self.backend.list_revisions(tenant, family, deployment_id, query_of(request))
        deployment = self.backend.describe_deployment(tenant, family, deployment_id)
        items = [self.backend.revision_body(deployment, r) for r in page.items]
        # The SDK's pager reads `deployments`, the CLI docs show `revisions`: both are sent.
        return Response(200, paged(page, ("revisions", "deployments"), ("revisionCount",), items))

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

    # ---- control plane ----------------------------------------------------------------------------

    def schedule_failure(self, request: Request) -> Response:
        """`{"operation": "deploy"|"delete", "name", "reason", "status"?, "tenant"?}`."""
        document = request.json_object()
        operation = optional_choice(document, "operation", ("deploy", "delete"))
        name = optional_str(document, "name")
        if operation is None:
            raise FieldError("operation is required (deploy or delete)")
        if not name:
            raise FieldError("name is required")
        failure = self.backend.schedule_failure(
            cast(PressOperation, operation),
            name,
            optional_str(document, "reason") or "failure injected by the sandbox",
            optional_str(document, "status") or "failed",
            optional_str(document, "tenant"),
        )
        return Response(201, failure.model_dump())
