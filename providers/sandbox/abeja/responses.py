"""ABEJA Platform's wire layer: requests into backend calls, backend results into the platform's JSON."""

from __future__ import annotations

from providers.sandbox.abeja.exceptions import BadRequest
from providers.sandbox.abeja.models import AbejaBackend, Channel, RunsPage
from providers.sandbox.core.http import HttpError, Request, Response


class AbejaResponses:
    """One handler per route of `urls.py`."""

    def __init__(self, backend: AbejaBackend) -> None:
        self.backend = backend

    # ---- organizations ---------------------------------------------------------------------------

    def list_organizations(self, request: Request) -> Response:
        organizations = self.backend.organizations_of(request.tenant_id())
        return Response(200, {"organizations": [org.wire() for org in organizations]})

    def get_organization(self, request: Request) -> Response:
        return Response(200, self.backend.organization(request.tenant_id(), request.params["org"]).wire())

    # ---- deployments -----------------------------------------------------------------------------

    def create_deployment(self, request: Request) -> Response:
        p = request.params
        deployment = self.backend.create_deployment(request.tenant_id(), p["org"], request.json_object())
        return Response(200, deployment.wire())

    def list_deployments(self, request: Request) -> Response:
        deployments = self.backend.list_deployments(request.tenant_id(), request.params["org"])
        return Response(200, {"entries": [d.wire() for d in deployments]})

    def get_deployment(self, request: Request) -> Response:
        p = request.params
        return Response(200, self.backend.deployment(request.tenant_id(), p["org"], p["dep"]).wire())

    def patch_deployment(self, request: Request) -> Response:
        p = request.params
        body = request.json_object()
        return Response(200, self.backend.patch_deployment(request.tenant_id(), p["org"], p["dep"], body).wire())

    def delete_deployment(self, request: Request) -> Response:
        p = request.params
        self.backend.delete_deployment(request.tenant_id(), p["org"], p["dep"])
        return Response(200, {"message": f"{p['dep']} deleted"})

    # ---- versions --------------------------------------------------------------------------------

    def create_version(self, request: Request) -> Response:
        p = request.params
        version = self.backend.create_version(request.tenant_id(), p["org"], p["dep"], request.json_object())
        # Absolute, on the host the client used, so the upload URL is reachable.
        host = request.headers.get("host", "127.0.0.1")
        upload = f"http://{host}/abeja/uploads/{p['org']}/{p['dep']}/{version.version_id}"
        return Response(200, {**version.wire(), "upload_url": upload})

    def list_versions(self, request: Request) -> Response:
        p = request.params
        versions = self.backend.list_versions(request.tenant_id(), p["org"], p["dep"])
        return Response(200, {"entries": [v.wire() for v in versions]})

    def get_version(self, request: Request) -> Response:
        p = request.params
        return Response(200, self.backend.version(request.tenant_id(), p["org"], p["dep"], p["ver"]).wire())

    def delete_version(self, request: Request) -> Response:
        p = request.params
        self.backend.delete_version(request.tenant_id(), p["org"], p["dep"], p["ver"])
        return Response(200, {"message": f"{p['ver']} deleted"})

    def upload_source(self, request: Request) -> Response:
        """The presigned URL's PUT: S3 answers 200 with an empty body; the SDK reads no JSON from it."""
        p = request.params
        self.backend.upload_source(p["org"], p["dep"], p["ver"])
        return Response(200, {})

    # ---- channels --------------------------------------------------------------------------------

    def create_channel(self, request: Request) -> Response:
        channel = self.backend.create_channel(request.tenant_id(), request.params["org"], request.json_object())
        return self._in_organization(request, channel)

    def list_channels(self, request: Request) -> Response:
        user, org_id = request.tenant_id(), request.params["org"]
        org = self.backend.organization(user, org_id)
        limit = _natural(request, "limit", 1000)
        offset = _natural(request, "offset", 0)
        filter_archived = (request.first("filter_archived") or "").lower() in ("true", "1")
        channels = self.backend.list_channels(user, org_id, filter_archived)
        page = channels[offset : offset + limit]
        return Response(
            200,
            {
                **org.wire(),
                "channels": [c.wire() for c in page],
                "limit": limit,
                "offset": offset,
                "has_next": offset + limit < len(channels),
            },
        )

    def get_channel(self, request: Request) -> Response:
        channel = self.backend.channel(request.tenant_id(), request.params["org"], request.params["channel"])
        return self._in_organization(request, channel)

    def archive_channel(self, request: Request) -> Response:
        return self._set_archived(request, True)

    def unarchive_channel(self, request: Request) -> Response:
        return self._set_archived(request, False)

    def _set_archived(self, request: Request, archived: bool) -> Response:
        p = request.params
        return self._in_organization(
            request, self.backend.set_archived(request.tenant_id(), p["org"], p["channel"], archived)
        )

    def _in_organization(self, request: Request, channel: Channel) -> Response:
        """A channel as the datalake answers it: beside its organization's fields."""
        org = self.backend.organization(request.tenant_id(), request.params["org"])
        return Response(200, {**org.wire(), "channel": channel.wire()})

    # ---- triggers and runs -----------------------------------------------------------------------

    def create_trigger(self, request: Request) -> Response:
        p = request.params
        trigger = self.backend.create_trigger(request.tenant_id(), p["org"], p["dep"], request.json_object())
        return Response(200, trigger.wire())

    def list_triggers(self, request: Request) -> Response:
        p = request.params
        triggers = self.backend.list_triggers(request.tenant_id(), p["org"], p["dep"])
        return Response(200, {"entries": [t.wire() for t in triggers]})

    def get_trigger(self, request: Request) -> Response:
        p = request.params
        return Response(200, self.backend.trigger(request.tenant_id(), p["org"], p["dep"], p["trigger"]).wire())

    def delete_trigger(self, request: Request) -> Response:
        p = request.params
        self.backend.delete_trigger(request.tenant_id(), p["org"], p["dep"], p["trigger"])
        return Response(200, {"message": f"{p['trigger']} deleted"})

    def runs(self, request: Request) -> Response:
        """A deployment's runs, or a trigger's: `entries`, and `next_page_token` unless on the last page."""
        p = request.params
        token = request.first("next_page_token")
        page = self.backend.runs(
            request.tenant_id(), p["org"], p["dep"], p.get("trigger"), _scan_forward(request), token
        )
        return Response(200, _runs_body(page))

    def method_not_allowed(self, request: Request) -> Response:
        """Triggers have no update: PUT and PATCH answer 405 with the platform's error object."""
        raise HttpError("triggers cannot be updated; delete the trigger and create a new one", 405)

    # ---- control plane ---------------------------------------------------------------------------

    def file_arrived(self, request: Request) -> Response:
        """`POST /_sandbox/abeja/files` `{organization_id, channel_id, file_id?, fail?}`: start the runs."""
        document = request.json_object()
        org, channel = document.get("organization_id"), document.get("channel_id")
        if not isinstance(org, str) or not isinstance(channel, str):
            raise HttpError("organization_id and channel_id are required strings", 400)
        file_id = document.get("file_id")
        if file_id is not None and not isinstance(file_id, str):
            raise HttpError("file_id must be a string", 400)
        runs = self.backend.file_arrived(org, channel, file_id, bool(document.get("fail")))
        return Response(201, {"runs": [run.wire() for run in runs]})


def _runs_body(page: RunsPage) -> dict[str, object]:
    body: dict[str, object] = {"entries": [run.wire() for run in page.entries]}
    if page.next_page_token:
        body["next_page_token"] = page.next_page_token
    return body


def _scan_forward(request: Request) -> bool:
    """The SDK sends Python's `True`/`False`; accept any case, and 1/0."""
    value = (request.first("scan_forward") or "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise BadRequest.field("scan_forward", "must be true or false")
    return value in ("true", "1")


def _natural(request: Request, name: str, default: int) -> int:
    value = request.first(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise BadRequest.field(name, "must be an integer >= 0")
    return int(value)
