"""Dataiku DSS's wire layer: requests into backend calls, results into DSS's JSON.

Every error raised by the backend is rendered as DSS's error JSON with its exception class (see
`exceptions.py`). Null fields are left out, as DSS does.
"""

from __future__ import annotations

from typing import Any

from providers.sandbox.core.http import Request, Response
from providers.sandbox.core.validation import optional_str, optional_str_list
from providers.sandbox.dataiku.models import CodeStudio, Conflicts, DataikuBackend, Future, required_strs

DSS_VERSION = "15.2.0"
DSS_HEADERS = {"DSS-Version": DSS_VERSION, "DSS-API-Version": "1"}
PROXY_USER_HEADER = "x-dku-proxyuser"


def flag(request: Request, name: str, default: bool) -> bool:
    """A boolean query parameter, read as Java reads one: `true` in any case is true, anything else false
    (the official client sends `True`/`False`, others `true`/`false`)."""
    value = request.first(name)
    if value is None or value == "":
        return default
    return value.strip().lower() == "true"


class DataikuResponses:
    """One handler per route of `urls.py`."""

    def __init__(self, backend: DataikuBackend) -> None:
        self.backend = backend

    def user(self, request: Request) -> str:
        """The login a call runs as (the key's user, or the one an admin key impersonates)."""
        return self.backend.effective_user(request.tenant_id(), request.headers.get(PROXY_USER_HEADER))

    # ---- auth ---------------------------------------------------------------------------------

    def auth_info(self, request: Request) -> Response:
        """`GET /auth/info`: who the credential is."""
        user = self.backend.user(self.user(request))
        groups = ["administrators"] if user.admin else ["data_team"]
        return Response(200, {"authIdentifier": user.login, "groups": groups, "displayName": user.display_name})

    # ---- projects -----------------------------------------------------------------------------

    def list_projects(self, request: Request) -> Response:
        """`GET /projects/`."""
        self.user(request)
        return Response(200, [project.summary() for project in self.backend.list_projects()])

    def create_project(self, request: Request) -> Response:
        """`POST /projects/`; the official client ignores the answer."""
        project = self.backend.create_project(self.user(request), request.json_object())
        return Response(200, {"projectKey": project.key})

    def get_project(self, request: Request) -> Response:
        """`GET /projects/{pk}`: the summary."""
        self.user(request)
        return Response(200, self.backend.get_project(request.params["pk"]).summary())

    def delete_project(self, request: Request) -> Response:
        """`DELETE /projects/{pk}`: a future, finished inline unless `wait=False`."""
        future = self.backend.delete_project(self.user(request), request.params["pk"], flag(request, "wait", True))
        return self._future(future, inline=future.finished())

    def get_project_part(self, request: Request) -> Response:
        """`GET /projects/{pk}/{metadata|settings|permissions}`."""
        self.user(request)
        project = self.backend.get_project(request.params["pk"])
        part = request.params["part"]
        if part == "permissions":
            return Response(200, {"owner": project.owner, "permissions": list(project.permissions)})
        return Response(200, dict(getattr(project, part)))

    def put_project_part(self, request: Request) -> Response:
        """`PUT /projects/{pk}/{metadata|settings|permissions}`: the whole object."""
        self.user(request)
        project = self.backend.get_project(request.params["pk"])
        body = request.json_object()
        part = request.params["part"]
        if part == "permissions":
            permissions = body.get("permissions")
            project.permissions = list(permissions) if isinstance(permissions, list) else []
            owner = optional_str(body, "owner")
            if owner:
                project.owner = self.backend.user(owner).login
        else:
            setattr(project, part, body)
        return Response(200, {})

    # ---- templates ----------------------------------------------------------------------------

    def list_templates(self, request: Request) -> Response:
        """`GET /admin/code-studios/`."""
        return Response(200, [t.list_item() for t in self.backend.list_templates(self.user(request))])

    def get_template(self, request: Request) -> Response:
        """`GET /admin/code-studios/{tid}`."""
        return Response(200, self.backend.get_template(self.user(request), request.params["tid"]).settings())

    def save_template(self, request: Request) -> Response:
        """`PUT /admin/code-studios/{tid}`: the whole settings object."""
        self.backend.save_template(self.user(request), request.params["tid"], request.json_object())
        return Response(200, {})

    def create_template(self, request: Request) -> Response:
        """`POST /admin/code-studios/` with `{label, type}`: the new id and info messages."""
        template = self.backend.create_template(self.user(request), request.json_object())
        return Response(200, {"id": template.id, "messages": info_messages()})

    def delete_template(self, request: Request) -> Response:
        """`DELETE /admin/code-studios/{tid}`: info messages."""
        runtimes, images = flag(request, "deleteRuntime", False), flag(request, "deleteImages", False)
        self.backend.delete_template(self.user(request), request.params["tid"], runtimes, images)
        return Response(200, info_messages())

    def build_template(self, request: Request) -> Response:
        """`POST /admin/code-studios/{tid}/build`: a future."""
        future = self.backend.build_template(self.user(request), request.params["tid"])
        return self._future(future)

    # ---- code studios -------------------------------------------------------------------------

    def list_code_studios(self, request: Request) -> Response:
        """`GET /projects/{pk}/code-studios/`."""
        self.user(request)
        studios = self.backend.list_code_studios(request.params["pk"])
        return Response(200, [self._list_item(studio) for studio in studios])

    def create_code_studio(self, request: Request) -> Response:
        """`POST /projects/{pk}/code-studios/` with `{name, templateId}`: `{"codeStudio": definition}`."""
        studio = self.backend.create_code_studio(self.user(request), request.params["pk"], request.json_object())
        return Response(200, {"codeStudio": studio.definition()})

    def get_code_studio(self, request: Request) -> Response:
        """`GET /projects/{pk}/code-studios/{id}`: the definition."""
        self.user(request)
        return Response(200, self.backend.get_code_studio(request.params["pk"], request.params["id"]).definition())

    def delete_code_studio(self, request: Request) -> Response:
        """`DELETE /projects/{pk}/code-studios/{id}`."""
        self.backend.delete_code_studio(self.user(request), request.params["pk"], request.params["id"])
        return Response(200, {})

    def code_studio_status(self, request: Request) -> Response:
        """`GET .../{id}/status`: state, last change, and zones and ports while running."""
        self.user(request)
        studio = self.backend.code_studio_status(request.params["pk"], request.params["id"])
        running = studio.state == "RUNNING"
        body: dict[str, Any] = {
            "state": studio.state,
            "syncedZones": [{"id": zone, "path": f"/home/dataiku/workspace/{zone}"} for zone in studio.zones]
            if running
            else [],
            "exposed": self.backend.exposed(studio) if running else [],
        }
        if studio.last_state_change:
            body["lastStateChange"] = studio.last_state_change
        return Response(200, body)

    def restart_code_studio(self, request: Request) -> Response:
        """`POST .../{id}/restart`: a future."""
        future = self.backend.restart_code_studio(self.user(request), request.params["pk"], request.params["id"])
        return self._future(future, inline=future.finished())

    def stop_code_studio(self, request: Request) -> Response:
        """`POST .../{id}/stop`: a future; finished inline when the studio is stopped already."""
        future = self.backend.stop_code_studio(self.user(request), request.params["pk"], request.params["id"])
        return self._future(future, inline=future.finished())

    def change_owner(self, request: Request) -> Response:
        """`POST .../{id}/change-owner?newOwner=`: the updated definition."""
        studio = self.backend.change_owner(
            self.user(request), request.params["pk"], request.params["id"], request.first("newOwner")
        )
        return Response(200, studio.definition())

    def conflicts(self, request: Request) -> Response:
        """`GET .../{id}/conflicts/{zone}`: keyed by the zone, or `{"error"}`."""
        self.user(request)
        p = request.params
        return Response(200, self.backend.conflicts(p["pk"], p["id"], p["zone"]))

    def pull(self, request: Request) -> Response:
        """`GET .../{id}/pull/{zone}`: the zone's changed files copied back to DSS."""
        self.user(request)
        p = request.params
        return Response(200, self.backend.pull(p["pk"], p["id"], p["zone"]))

    def push(self, request: Request) -> Response:
        """`GET .../{id}/push/{zone}`: `{count, size}`."""
        self.user(request)
        p = request.params
        return Response(200, self.backend.push(p["pk"], p["id"], p["zone"]))

    # ---- futures ------------------------------------------------------------------------------

    def get_future(self, request: Request) -> Response:
        """`GET /futures/{jobId}?peek=`: the state; a failed task answers 500 with its error."""
        self.user(request)
        peek = flag(request, "peek", False)
        future = self.backend.get_future(request.params["job_id"], peek)
        return self._future(future, peek=peek)

    def abort_future(self, request: Request) -> Response:
        """`DELETE /futures/{jobId}`."""
        self.user(request)
        self.backend.abort_future(request.params["job_id"])
        return Response(200, {})

    def list_futures(self, request: Request) -> Response:
        """`GET /futures/`: the caller's running tasks (no scenarios in the sandbox)."""
        user = self.user(request)
        if not flag(request, "withNotScenarios", True):
            return Response(200, [])
        futures = self.backend.list_futures(user)
        return Response(200, [future_state(f, inline=False, peek=True, now=self.backend.now_ms()) for f in futures])

    # ---- control plane ------------------------------------------------------------------------

    def put_zone(self, request: Request) -> Response:
        """`POST /_sandbox/dataiku/zones`: `{project_key, code_studio (id or name), zone, changed?, conflicts?}`."""
        document = request.json_object()
        project_key, studio, zone = required_strs(document, "project_key", "code_studio", "zone")
        conflicts = Conflicts(
            **{k: optional_str_list(document, f"conflicts.{k}") or [] for k in Conflicts.model_fields}
        )
        changed = optional_str_list(document, "changed") or []
        return Response(200, self.backend.put_zone(project_key, studio, zone, changed, conflicts).model_dump())

    def configure(self, request: Request) -> Response:
        """`PUT /_sandbox/dataiku/settings`: `{inline_futures?, not_found_status?, zones?}`."""
        return Response(200, self.backend.configure(request.json_object()).model_dump())

    # ---- helpers ------------------------------------------------------------------------------

    def _future(self, future: Future, inline: bool = False, peek: bool = False) -> Response:
        return Response(200, future_state(future, inline=inline, peek=peek, now=self.backend.now_ms()))

    def _list_item(self, studio: CodeStudio) -> dict[str, Any]:
        """The definition, without `libName`, and the template's `desc` while it exists."""
        item = {k: v for k, v in studio.definition().items() if k != "libName"}
        desc = self.backend.template_label(studio)
        return item if desc is None else {**item, "desc": desc}


def info_messages() -> dict[str, Any]:
    """DSS's info-messages object of a call that went well."""
    return {"messages": [], "anyMessage": False, "success": True, "warning": False, "error": False}


def future_state(future: Future, *, inline: bool, peek: bool, now: int) -> dict[str, Any]:
    """A future as DSS answers it. `inline`: the task finished within the call that started it, and
    the answer holds the result and no `jobId`."""
    alive = not future.finished()
    body: dict[str, Any] = {
        "hasResult": future.has_result,
        "alive": alive,
        "aborted": future.aborted,
        "unknown": False,
        "startTime": 0 if inline else future.start_time,
        "runningTime": 0 if inline else max(0, now - future.start_time),
    }
    if not inline:
        body["jobId"] = future.job_id
    if alive:
        body["progress"] = {"states": [{"name": f"{future.kind} {future.target}", "unit": "NONE"}]}
    if future.has_result and not peek and future.result is not None:
        body["result"] = future.result
    return body
