"""Dataiku DSS: users, projects, code studio templates and their images, code studios and futures.
One instance (no tenants): a credential stands for a user login. Knows nothing of HTTP; its seeds
and choices are listed in the sandbox's README."""

from __future__ import annotations

import random
import re
import string
import uuid
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from providers.sandbox.core.backend import StateBackend, found
from providers.sandbox.core.failures import State
from providers.sandbox.core.transitions import Transition
from providers.sandbox.core.validation import optional_str, optional_str_list
from providers.sandbox.dataiku.exceptions import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    NotRunning,
    TaskFailed,
)

PLATFORM = "dataiku"
CAMEL = ConfigDict(alias_generator=to_camel, populate_by_name=True)
"""Wire names of a model's fields: its camelCase aliases (`model_dump(by_alias=True)`)."""
SANDBOX_PROJECT = "SANDBOX"
STATES = ("STOPPED", "STARTING", "RUNNING", "STOPPING")
DEFAULT_ZONES = (
    "project-lib-versioned",
    "project-lib-resources",
    "recipes",
    "notebooks",
    "code_studio-versioned",
    "code_studio-resources",
    "user-versioned",
    "user-resources",
)
PROJECT_KEY_PATTERN = r"[A-Za-z0-9_]+"
SEED_BUILT = 1_700_000_000_000
# Templates created through the API run the VS Code block unless their params say otherwise.
DEFAULT_PORTS = [8080]

Found = TypeVar("Found")
FutureKind = Literal["start", "stop", "delete-project", "build"]
OPERATIONS = ("start", "stop", "build")


class User(BaseModel):
    login: str
    display_name: str
    admin: bool = False


class Project(BaseModel):
    key: str
    name: str
    owner: str
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)
    permissions: list[Any] = Field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The project summary and list item."""
        body = {"projectKey": self.key, "name": self.name, "ownerLogin": self.owner, "projectStatus": "Sandbox"}
        return {**body, "tags": list(self.tags), **({"shortDesc": self.description} if self.description else {})}


class Template(BaseModel):
    model_config = CAMEL
    id: str
    label: str
    type: str = "block_based"
    short_desc: str = ""
    ports: list[int] = Field(default_factory=list)
    last_built: int = 0
    all_container_confs: bool = False
    container_confs: list[str] = Field(default_factory=lambda: ["default"])
    params: dict[str, Any] = Field(default_factory=dict)

    def list_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"id": self.id, "label": self.label, "buildFor": list(self.container_confs)}
        if self.last_built:
            item["lastBuilt"] = self.last_built
        return item

    def settings(self) -> dict[str, Any]:
        fields = {"id", "label", "type", "short_desc", "params", "all_container_confs", "container_confs"}
        return self.model_dump(include=fields, by_alias=True)


class Conflicts(BaseModel):
    added: list[str] = Field(default_factory=list)
    modified: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)

    def files(self) -> list[str]:
        return [*self.added, *self.modified, *self.deleted]


class Zone(BaseModel):
    """A synchronised folder of a running studio: files changed in the pod, and their conflicts with DSS."""

    id: str
    changed: list[str] = Field(default_factory=list)
    conflicts: Conflicts = Field(default_factory=Conflicts)

    def unsynced(self) -> list[str]:
        return sorted({*self.changed, *self.conflicts.files()})


class CodeStudio(BaseModel):
    model_config = CAMEL
    id: str
    project_key: str
    name: str
    owner: str
    template_id: str
    state: str = "STOPPED"
    last_state_change: int = 0
    zones: dict[str, Zone] = Field(default_factory=dict)
    job_id: str | None = None
    pulled: dict[str, list[str]] = Field(default_factory=dict)
    """Files pulled back to DSS, per zone (what the DSS side now holds from this studio)."""
    runtime: str | None = None
    """The image its pod runs while it runs (DSS calls the pod its runtime)."""

    def definition(self) -> dict[str, Any]:
        fields = {"id", "project_key", "name", "owner", "template_id"}
        return {**self.model_dump(include=fields, by_alias=True), "libName": self.id}


class LostWork(BaseModel):
    """Files of a zone thrown away by a stop, restart or delete before they were pulled."""

    project_key: str
    code_studio_id: str
    name: str
    zone: str
    files: list[str]


class Future(BaseModel):
    job_id: str
    kind: FutureKind
    owner: str
    project_key: str | None = None
    target: str
    """The code studio id, template id or project key the task works on."""
    start_time: int
    transition: Transition | None = None
    error: str | None = None
    result: Any = None
    has_result: bool = False
    aborted: bool = False
    fails_with: str | None = None
    """A scheduled failure's reason: the task fails with it when it finishes (not before)."""

    def finished(self) -> bool:
        return self.has_result or self.error is not None or self.aborted


class Knobs(BaseModel):
    """Emulator settings tests change through the control plane."""

    inline_futures: bool = False
    """Start, stop and project delete answer the finished-inline shape instead of a jobId."""
    not_found_status: int = 404
    zones: list[str] = Field(default_factory=lambda: list(DEFAULT_ZONES))


class DataikuState(State):
    users: dict[str, User] = Field(default_factory=dict)
    projects: dict[str, Project] = Field(default_factory=dict)
    templates: dict[str, Template] = Field(default_factory=dict)
    code_studios: dict[str, CodeStudio] = Field(default_factory=dict)
    futures: dict[str, Future] = Field(default_factory=dict)
    lost_work: list[LostWork] = Field(default_factory=list)
    images: dict[str, str] = Field(default_factory=dict)
    """The images templates' builds made, by name: the template each belongs to."""
    knobs: Knobs = Field(default_factory=Knobs)


def required_strs(body: Mapping[str, Any], *fields: str) -> list[str]:
    """The values of required string fields, or a 400 naming every one missing."""
    values = [optional_str(body, name) or "" for name in fields]
    missing = [name for name, value in zip(fields, values, strict=True) if not value]
    if missing:
        raise BadRequest(f"{', '.join(missing)} required")
    return values


def seeded_state() -> DataikuState:
    """What a fresh (or reset) DSS holds."""
    return DataikuState(
        users={
            "admin": User(login="admin", display_name="Administrator", admin=True),
            "analyst": User(login="analyst", display_name="Analyst"),
        },
        projects={SANDBOX_PROJECT: Project(key=SANDBOX_PROJECT, name="Sandbox project", owner="admin")},
        images={f"dku-code-studio-{t}:{SEED_BUILT}": t for t in ("vscode", "jupyterlab")},
        templates={
            "vscode": Template(
                id="vscode", label="VS Code", short_desc="VS Code in the browser", ports=[8080], last_built=SEED_BUILT
            ),
            "jupyterlab": Template(
                id="jupyterlab", label="JupyterLab", short_desc="JupyterLab", ports=[8888], last_built=SEED_BUILT
            ),
        },
    )


class DataikuBackend(StateBackend[DataikuState]):
    """The DSS instance. Reads of a future or of a studio's status advance pending tasks."""

    state_type = DataikuState

    def initial(self) -> DataikuState:
        return seeded_state()

    # ---- users --------------------------------------------------------------------------------

    def user(self, login: str) -> User:
        return self._lookup(self.state.users, login, f"User {login} does not exist")

    def effective_user(self, login: str, proxy_user: str | None) -> str:
        """The user a call runs as: the key's, or the impersonated one for an admin key."""
        if not proxy_user:
            return login
        if not self.user(login).admin:
            raise Forbidden("Impersonation (X-DKU-ProxyUser) requires an admin API key")
        return self.user(proxy_user).login

    # ---- projects -----------------------------------------------------------------------------

    def list_projects(self) -> list[Project]:
        return list(self.state.projects.values())

    def create_project(self, user: str, body: Mapping[str, Any]) -> Project:
        key = optional_str(body, "projectKey")
        name = optional_str(body, "name")
        if not key or not re.fullmatch(PROJECT_KEY_PATTERN, key):
            raise BadRequest("projectKey is required: letters, digits and underscores")
        if not name:
            raise BadRequest("name is required")
        if key in self.state.projects:
            raise Conflict(f"Project {key} already exists")
        owner = optional_str(body, "owner") or user
        self.user(owner)
        project = Project(
            key=key,
            name=name,
            owner=owner,
            description=optional_str(body, "description"),
            tags=optional_str_list(body, "tags") or [],
        )
        self.state.projects[key] = project
        return project

    def get_project(self, key: str) -> Project:
        return self._lookup(self.state.projects, key, f"Project {key} does not exist")

    def delete_project(self, user: str, key: str, wait: bool) -> Future:
        project = self.get_project(key)
        if not self.user(user).admin:
            raise Forbidden("Deleting a project requires an admin API key")
        future = self._future("delete-project", user, project.key, project.key)
        if wait or self.state.knobs.inline_futures:
            self._finish(future)
        else:
            future.transition = self.transitions.start(PLATFORM, "DONE")
        return future

    # ---- templates ----------------------------------------------------------------------------

    def list_templates(self, user: str) -> list[Template]:
        self._require_admin(user)
        return list(self.state.templates.values())

    def get_template(self, user: str, template_id: str) -> Template:
        self._require_admin(user)
        return self._template(template_id)

    def save_template(self, user: str, template_id: str, body: Mapping[str, Any]) -> Template:
        template = self.get_template(user, template_id)
        label = optional_str(body, "label")
        if label:
            template.label = label
        params = body.get("params")
        if isinstance(params, dict):
            template.params = dict(params)
            ports = params.get("exposedPorts")
            if isinstance(ports, list) and all(isinstance(p, int) and not isinstance(p, bool) for p in ports):
                template.ports = list(ports)
        if isinstance(body.get("allContainerConfs"), bool):
            template.all_container_confs = body["allContainerConfs"]
        confs = optional_str_list(body, "containerConfs")
        if confs is not None:
            template.container_confs = confs
        return template

    def create_template(self, user: str, body: Mapping[str, Any]) -> Template:
        self._require_admin(user)
        label, template_type = required_strs(body, "label", "type")
        base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "template"
        template_id, suffix = base, 1
        while template_id in self.state.templates:
            suffix += 1
            template_id = f"{base}_{suffix}"
        template = Template(id=template_id, label=label, type=template_type, container_confs=[], ports=DEFAULT_PORTS)
        self.state.templates[template_id] = template
        return template

    def delete_template(self, user: str, template_id: str, runtimes: bool = False, images: bool = False) -> None:
        """Refused while code studios use the template, unless `runtimes` (DSS's `deleteRuntime`): then
        their runtimes go (running ones stop, losing unsynced work) and they stay, template-less.
        `images` (`deleteImages`) deletes the images its builds made; otherwise they stay behind."""
        template = self.get_template(user, template_id)
        users = [cs for cs in self.state.code_studios.values() if cs.template_id == template.id]
        if users and not runtimes:
            ids = ", ".join(cs.id for cs in users)
            raise Conflict(
                f"Template {template.id} is used by code studios {ids} (deleteRuntime deletes their runtimes)"
            )
        for studio in users:
            if studio.state != "STOPPED":
                self._throw_away_zones(studio)
                self.state.futures.pop(studio.job_id or "", None)
                studio.job_id = None
                self._set_state(studio, "STOPPED")
        if images:
            self.state.images = {name: owner for name, owner in self.state.images.items() if owner != template.id}
        del self.state.templates[template.id]

    def build_template(self, user: str, template_id: str) -> Future:
        template = self.get_template(user, template_id)
        future = self._future("build", user, None, template.id)
        future.fails_with = getattr(self.state.take_failure("build", template.label), "reason", None)
        future.transition = self.transitions.start(PLATFORM, "DONE")
        return future

    # ---- code studios -------------------------------------------------------------------------

    def list_code_studios(self, project_key: str) -> list[CodeStudio]:
        self.get_project(project_key)
        return [cs for cs in self.state.code_studios.values() if cs.project_key == project_key]

    def create_code_studio(self, user: str, project_key: str, body: Mapping[str, Any]) -> CodeStudio:
        self.get_project(project_key)
        name, template_id = required_strs(body, "name", "templateId")
        self._template(template_id)
        studio_id = "".join(random.choices(string.ascii_letters + string.digits, k=8))
        studio = CodeStudio(id=studio_id, project_key=project_key, name=name, owner=user, template_id=template_id)
        self.state.code_studios[studio_id] = studio
        return studio

    def get_code_studio(self, project_key: str, studio_id: str) -> CodeStudio:
        self.get_project(project_key)
        studio = self.state.code_studios.get(studio_id)
        if studio is None or studio.project_key != project_key:
            raise self._missing(f"Code studio {studio_id} does not exist in project {project_key}")
        return studio

    def code_studio_status(self, project_key: str, studio_id: str) -> CodeStudio:
        studio = self.get_code_studio(project_key, studio_id)
        if studio.job_id is not None and studio.job_id in self.state.futures:
            self._advance(self.state.futures[studio.job_id])
        return studio

    def restart_code_studio(self, user: str, project_key: str, studio_id: str) -> Future:
        studio = self.get_code_studio(project_key, studio_id)
        self._require_operator(user, studio)
        if studio.state == "STARTING" and studio.job_id in self.state.futures:
            return self.state.futures[studio.job_id]
        if studio.state == "STOPPING":
            raise Conflict(f"Code studio {studio.id} is stopping; start it again once it is stopped")
        if studio.state == "RUNNING":
            self._throw_away_zones(studio)
        self._set_state(studio, "STARTING")
        return self._task("start", user, studio)

    def stop_code_studio(self, user: str, project_key: str, studio_id: str) -> Future:
        studio = self.get_code_studio(project_key, studio_id)
        self._require_operator(user, studio)
        if studio.state == "STOPPED":
            future = self._future("stop", user, project_key, studio.id)
            future.has_result = True
            return future
        if studio.state == "STOPPING" and studio.job_id in self.state.futures:
            return self.state.futures[studio.job_id]
        if studio.state == "STARTING":
            raise Conflict(f"Code studio {studio.id} is starting; stop it once it is running")
        self._set_state(studio, "STOPPING")
        return self._task("stop", user, studio)

    def delete_code_studio(self, user: str, project_key: str, studio_id: str) -> None:
        studio = self.get_code_studio(project_key, studio_id)
        self._require_operator(user, studio)
        if studio.state in ("STARTING", "STOPPING"):
            raise Conflict(f"Code studio {studio.id} is {studio.state.lower()}; delete it once it settles")
        self._throw_away_zones(studio)
        del self.state.code_studios[studio.id]

    def change_owner(self, user: str, project_key: str, studio_id: str, new_owner: str | None) -> CodeStudio:
        studio = self.get_code_studio(project_key, studio_id)
        if not new_owner:
            raise BadRequest("newOwner is required")
        if not (self.user(user).admin or studio.owner == user):
            raise Forbidden("Only an administrator or the owner can change the owner of a code studio")
        studio.owner = self.user(new_owner).login
        return studio

    def conflicts(self, project_key: str, studio_id: str, zone_id: str) -> dict[str, Any]:
        studio = self._running(project_key, studio_id, "check conflicts")
        zone = studio.zones.get(zone_id)
        if zone is None:
            return {"error": f"Zone {zone_id} is not synchronized in code studio {studio.id}"}
        found = zone.conflicts
        commits = {"commitFrom": "0" * 40, "commitTo": ("1" if found.files() else "0") * 40}
        return {zone_id: {**found.model_dump(), "count": len(found.files()), **commits}}

    def pull(self, project_key: str, studio_id: str, zone_id: str) -> dict[str, Any]:
        studio = self._running(project_key, studio_id, "pull")
        zone = self._zone(studio, zone_id)
        files = zone.unsynced()
        if files:
            studio.pulled[zone_id] = sorted({*studio.pulled.get(zone_id, []), *files})
        zone.changed = []
        zone.conflicts = Conflicts()
        return {zone_id: {"count": len(files), "files": files}}

    def push(self, project_key: str, studio_id: str, zone_id: str) -> dict[str, Any]:
        studio = self._running(project_key, studio_id, "push")
        self._zone(studio, zone_id)
        files = studio.pulled.get(zone_id, [])
        return {"count": len(files), "size": 1024 * len(files)}

    # ---- futures ------------------------------------------------------------------------------

    def get_future(self, job_id: str, peek: bool) -> Future:
        future = self._lookup(self.state.futures, job_id, f"Future {job_id} does not exist")
        self._advance(future)
        if not peek and future.error is not None:
            raise TaskFailed(future.error)
        if not peek and future.aborted:
            raise TaskFailed(f"Task {job_id} was aborted", error_type="com.dataiku.dip.futures.AbortedException")
        return future

    def abort_future(self, job_id: str) -> None:
        future = self._lookup(self.state.futures, job_id, f"Future {job_id} does not exist")
        if not future.finished():
            future.aborted = True
            studio = self.state.code_studios.get(future.target)
            if studio is not None and studio.job_id == job_id:
                studio.job_id = None
                self._set_state(studio, "STOPPED" if future.kind == "start" else "RUNNING")

    def list_futures(self, user: str) -> list[Future]:
        return [f for f in self.state.futures.values() if f.owner == user and not f.finished()]

    # ---- control plane ------------------------------------------------------------------------

    def put_zone(self, project_key: str, studio: str, zone_id: str, changed: list[str], conflicts: Conflicts) -> Zone:
        """Make work in a zone: files changed in the studio, and conflicts with DSS-side changes."""
        matches = [cs for cs in self.list_code_studios(project_key) if studio in (cs.id, cs.name)]
        if len(matches) != 1:
            raise BadRequest(f"expected one code studio named or with id {studio!r}, found {len(matches)}")
        target = matches[0]
        if target.state != "RUNNING":
            raise NotRunning(f"Code studio {target.id} is not running")
        zone = self._zone(target, zone_id)
        zone.changed = sorted({*zone.changed, *changed})
        zone.conflicts = Conflicts(
            **{k: sorted({*getattr(zone.conflicts, k), *getattr(conflicts, k)}) for k in Conflicts.model_fields}
        )
        return zone

    def configure(self, body: Mapping[str, Any]) -> Knobs:
        knobs = self.state.knobs.model_copy()
        if isinstance(body.get("inline_futures"), bool):
            knobs.inline_futures = body["inline_futures"]
        if body.get("not_found_status") in (404, 500):
            knobs.not_found_status = int(body["not_found_status"])
        zones = optional_str_list(body, "zones")
        if zones:
            knobs.zones = zones
        self.state.knobs = knobs
        return knobs

    # ---- helpers ------------------------------------------------------------------------------

    def _missing(self, message: str) -> NotFound:
        return NotFound(message, status=self.state.knobs.not_found_status)

    def now_ms(self) -> int:
        """The sandbox clock in milliseconds since the epoch, as DSS counts time."""
        return int(self.transitions.clock() * 1000)

    def _require_admin(self, user: str) -> None:
        if not self.user(user).admin:
            raise Forbidden("Action forbidden, you are not admin")

    def _require_operator(self, user: str, studio: CodeStudio) -> None:
        # The owner uses it; administrators and the project's owner may only start, stop and delete it.
        if user == studio.owner or self.user(user).admin or self.get_project(studio.project_key).owner == user:
            return
        raise Forbidden(f"You may not operate code studio {studio.id}: it belongs to {studio.owner}")

    def _template(self, template_id: str) -> Template:
        return self._lookup(self.state.templates, template_id, f"Code studio template {template_id} does not exist")

    def _lookup(self, table: Mapping[str, Found], key: str, missing: str) -> Found:
        return found(table, key, self._missing(missing))

    def _running(self, project_key: str, studio_id: str, action: str) -> CodeStudio:
        studio = self.code_studio_status(project_key, studio_id)
        if studio.state != "RUNNING":
            raise NotRunning(f"Cannot {action}: code studio {studio.id} is not running (state {studio.state})")
        return studio

    def _zone(self, studio: CodeStudio, zone_id: str) -> Zone:
        zone = studio.zones.get(zone_id)
        if zone is None:
            raise BadRequest(f"Zone {zone_id} is not synchronized in code studio {studio.id}")
        return zone

    def _set_state(self, studio: CodeStudio, state: str) -> None:
        studio.state = state
        studio.last_state_change = self.now_ms()
        if state == "STOPPED":
            studio.runtime = None

    def _throw_away_zones(self, studio: CodeStudio) -> None:
        for zone in studio.zones.values():
            files = zone.unsynced()
            if files:
                self.state.lost_work.append(
                    LostWork(
                        project_key=studio.project_key,
                        code_studio_id=studio.id,
                        name=studio.name,
                        zone=zone.id,
                        files=files,
                    )
                )
        studio.zones = {}

    def _future(self, kind: FutureKind, user: str, project_key: str | None, target: str) -> Future:
        future = Future(
            job_id=uuid.uuid4().hex[:12],
            kind=kind,
            owner=user,
            project_key=project_key,
            target=target,
            start_time=self.now_ms(),
        )
        self.state.futures[future.job_id] = future
        return future

    def _task(self, kind: FutureKind, user: str, studio: CodeStudio) -> Future:
        future = self._future(kind, user, studio.project_key, studio.id)
        future.fails_with = getattr(self.state.take_failure(kind, studio.name), "reason", None)
        studio.job_id = future.job_id
        if self.state.knobs.inline_futures:
            self._finish(future)
            if future.error is not None:
                raise TaskFailed(future.error)
        else:
            future.transition = self.transitions.start(PLATFORM, "DONE")
        return future

    def _advance(self, future: Future) -> None:
        if future.finished() or future.transition is None:
            return
        if self.transitions.reached(future.transition):
            self._finish(future)

    def _finish(self, future: Future) -> None:
        future.transition = None
        if future.kind == "delete-project":
            for studio in [cs for cs in self.state.code_studios.values() if cs.project_key == future.target]:
                self._throw_away_zones(studio)
                del self.state.code_studios[studio.id]
            self.state.projects.pop(future.target, None)
            future.result = {"messages": [], "anyMessage": False, "success": True, "error": False}
        elif future.kind == "build":
            template = self.state.templates.get(future.target)
            if future.fails_with is not None or template is None:
                future.error = future.fails_with or f"Template {future.target} was deleted"
            else:
                template.last_built = self.now_ms()
                self.state.images[f"dku-code-studio-{template.id}:{template.last_built}"] = template.id
                future.result = {"templateId": future.target, "success": True}
        else:
            self._finish_studio_task(future)
        future.has_result = future.error is None

    def _finish_studio_task(self, future: Future) -> None:
        studio = self.state.code_studios.get(future.target)
        if studio is None:
            future.error = f"Code studio {future.target} was deleted"
            return
        studio.job_id = None
        if future.fails_with is not None:
            future.error = future.fails_with
            self._set_state(studio, "STOPPED" if future.kind == "start" else "RUNNING")
            return
        template = self.state.templates.get(studio.template_id)
        if future.kind == "start" and (template is None or not template.last_built):
            future.error = f"Code studio template {studio.template_id} has no image: build it first"
            self._set_state(studio, "STOPPED")
            return
        if future.kind == "start" and template is not None:
            self._set_state(studio, "RUNNING")
            studio.zones = {zone: Zone(id=zone) for zone in self.state.knobs.zones}
            studio.runtime = f"dku-code-studio-{template.id}:{template.last_built}"
        else:
            self._throw_away_zones(studio)
            self._set_state(studio, "STOPPED")
        future.result = {"state": studio.state, "codeStudioId": studio.id}

    def exposed(self, studio: CodeStudio) -> list[dict[str, Any]]:
        """The ports the running pod exposes, each with the browser path DSS proxies it under."""
        template = self.state.templates.get(studio.template_id)
        ports = template.ports if template else []
        return [
            {
                "port": port,
                "label": template.label if template else str(port),
                "url": f"/code-studios/{studio.project_key}/{studio.id}/{port}/",
            }
            for port in ports
        ]

    def template_label(self, studio: CodeStudio) -> dict[str, str] | None:
        template = self.state.templates.get(studio.template_id)
        return {"label": template.label, "shortDesc": template.short_desc} if template else None
