"""Dataiku DSS code studio: a per-user development pod (VS Code, JupyterLab...) in a DSS project.

Lifecycle on DSS: create -> STOPPED; restart -> STARTING -> RUNNING (a future); stop -> STOPPING ->
STOPPED (a future); delete -> gone. While RUNNING the studio holds files in synchronised zones
that are not in DSS until pulled back; stopping throws away what was not pulled. So every stop
this provider makes (delete, replace, desired_state `stopped`) first checks each zone for
conflicts, pulls the clean zones back to DSS, and refuses to go on while conflicts would be lost
unless ``discard_conflicting_files`` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pulumi

from ..core.errors import ConflictError, FailedStateError, NotFoundError, Operation, ProviderError
from ..core.fields import Field, ForceNew, ServerDefault, WriteOnly
from ..core.lifecycle import create_or_take_over, delete_riding_conflicts, write_once
from ..core.provider import Observed
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.waiter import Deadline, WaitFor, progress
from .base import PLATFORM, DataikuProvider

if TYPE_CHECKING:
    # Wire models and the HTTP client load only where requests are sent, never in a program or
    # a preview's check and diff.
    from .client import DataikuClient
    from .models import CodeStudioItem, CodeStudioStatus, FutureState, ZoneConflicts

RESOURCE = "CodeStudio"
TRANSITIONAL_STATES = frozenset({"STARTING", "STOPPING"})
DesiredState = Literal["running", "stopped"]


class UnsyncedWorkError(ProviderError):
    """Stopping the code studio would lose files that conflict with changes made in DSS."""


class CodeStudioArgs(ResourceArgs):
    """Inputs of a Dataiku DSS code studio."""

    project_key: Annotated[str, ForceNew()] = Field(
        description="Key of the DSS project the code studio lives in. Changing it replaces the code studio.",
        pattern=r"^[A-Za-z0-9_]+$",
        max_length=100,
    )
    name: Annotated[str, ForceNew()] = Field(
        description="Name of the code studio; this provider keeps it unique in the project (DSS does not). "
        "DSS cannot rename a code studio: changing it replaces the code studio.",
        min_length=1,
        max_length=200,
    )
    template_id: Annotated[str, ForceNew()] = Field(
        description="Id of the code studio template it runs. DSS cannot change it: changing it replaces "
        "the code studio (the old one is stopped safely and deleted first).",
        min_length=1,
    )
    owner: Annotated[str | None, ServerDefault()] = Field(
        default=None,
        min_length=1,
        description="Login of the user who owns (and alone may use) the code studio. Unset: the user behind "
        "the API key. Changed in place (change-owner); needs an administrator's key or the owner's.",
    )
    desired_state: DesiredState = Field(
        default="running",
        description="`running` or `stopped`. Changed in place: a start follows DSS's task to the end; a "
        "stop first pulls every synchronised zone back to DSS (see `discard_conflicting_files`).",
    )
    discard_conflicting_files: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="Whether a stop (for desired_state `stopped`, a replacement or a delete) may go on when "
        "files changed in the code studio conflict with changes made in DSS. False: it fails, lists the "
        "files and leaves the studio running. True: zones without conflicts are pulled back, and the "
        "conflicting zones' changes in the code studio are lost. A destroy or replacement reads the value "
        "the stack recorded: set it and run `pulumi up` first.",
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=900.0,
        gt=0,
        le=86400,
        description="How long create, update and delete wait for DSS's tasks (start, stop) to finish, in "
        "seconds (Pulumi's customTimeouts do not reach dynamic providers).",
    )
    adopt_existing: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="When a code studio of this name exists in the project from another template, take it "
        "over anyway instead of failing (one from the same template is always taken over).",
    )


class CodeStudioOutputs(OutputsModel):
    """What DSS reports about a code studio beyond its inputs."""

    code_studio_id: str | None = Field(default=None, description="The id DSS gave the code studio.")
    state: str | None = Field(default=None, description="STOPPED, STARTING, RUNNING or STOPPING.")
    last_state_change: str | None = Field(
        default=None, description="When the state last changed, ISO-8601 UTC; null if it never started."
    )
    lib_name: str | None = Field(
        default=None,
        description="Folder of the code studio's resource files, "
        "`<DSS data dir>/lib/code_studio/<project>/<lib_name>/`.",
    )
    template_label: str | None = Field(default=None, description="Label of the template it runs.")
    synced_zones: list[str] = Field(
        default_factory=list, description="Ids of the zones synchronised with DSS; empty unless running."
    )
    exposed_ports: list[int] = Field(
        default_factory=list, description="Ports the running pod exposes through DSS; empty unless running."
    )


# ---- ids and wire mapping ------------------------------------------------------------------------


def studio_ident(project_key: str, studio_id: str) -> str:
    return f"{project_key}/{studio_id}"


def split_ident(ident: str) -> tuple[str, str]:
    project_key, _, studio_id = ident.partition("/")
    if not studio_id:
        raise ProviderError(f"{ident!r} is not a code studio id of the form PROJECT_KEY/code_studio_id")
    return project_key, studio_id


def iso_millis(millis: int | None) -> str | None:
    if not millis or millis <= 0:
        return None  # DSS: 0 or missing means "never"
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def observe(project_key: str, item: CodeStudioItem, status: CodeStudioStatus, lib_name: str | None) -> Observed:
    """The code studio as Args and Outputs field names."""
    running = status.state == "RUNNING"
    return {
        "project_key": project_key,
        "name": item.name,
        "template_id": item.template_id,
        "owner": item.owner,
        # Someone stopping it by hand shows as desired_state drift, so the next `up` starts it again.
        "desired_state": "running" if status.state in ("RUNNING", "STARTING") else "stopped",
        "code_studio_id": item.id,
        "state": status.state,
        "last_state_change": iso_millis(status.last_state_change),
        "lib_name": lib_name,
        "template_label": item.template_label,
        "synced_zones": status.zone_ids() if running else [],
        "exposed_ports": [p.port for p in status.exposed if p.port is not None] if running else [],
    }


# ---- finders and waiters -------------------------------------------------------------------------


def find_code_studio_by_name(client: DataikuClient, project_key: str, name: str) -> CodeStudioItem:
    """The code studio of this name in the project; DSS allows twins, which this provider refuses to guess between."""
    op = Operation("finding", PLATFORM, RESOURCE, f"{project_key}/{name}")
    found = [item for item in client.iter_code_studios(project_key) if item.name == name]
    if not found:
        raise NotFoundError(f"no code studio named {name!r}", op)
    if len(found) > 1:
        ids = ", ".join(item.id for item in found)
        raise ConflictError(f"{len(found)} code studios are named {name!r} ({ids}); rename or delete all but one", op)
    return found[0]


def find_code_studio(client: DataikuClient, project_key: str, studio_id: str) -> CodeStudioItem:
    """The list item of a code studio by id (it carries the template's label), or NotFoundError."""
    for item in client.iter_code_studios(project_key):
        if item.id == studio_id:
            return item
    ident = studio_ident(project_key, studio_id)
    raise NotFoundError("no such code studio", Operation("finding", PLATFORM, RESOURCE, ident))


def get_status_or_none(client: DataikuClient, project_key: str, studio_id: str) -> CodeStudioStatus | None:
    try:
        return client.get_code_studio_status(project_key, studio_id)
    except NotFoundError:
        return None


def _state(status: CodeStudioStatus | None) -> str:
    return status.state if status else "GONE"


def wait_code_studio_settled(
    client: DataikuClient, project_key: str, studio_id: str, deadline: Deadline, operation: Operation
) -> CodeStudioStatus | None:
    """Until the studio is neither starting nor stopping (None: gone)."""
    return WaitFor(
        operation,
        "a settled state",
        lambda: get_status_or_none(client, project_key, studio_id),
        lambda s: s is None or s.state not in TRANSITIONAL_STATES,
        _state,
    ).run(deadline)


def wait_code_studio_deleted(
    client: DataikuClient, project_key: str, studio_id: str, deadline: Deadline, operation: Operation
) -> None:
    WaitFor(
        operation, "deletion", lambda: get_status_or_none(client, project_key, studio_id), lambda s: s is None, _state
    ).run(deadline)


def wait_future_result(client: DataikuClient, future: FutureState, deadline: Deadline, operation: Operation) -> Any:
    """Follow a DSS task to its result within the deadline (DSS's own client would wait forever).

    Both answer shapes: finished inline (``hasResult``, no ``jobId``) or running (poll the job).
    A task that failed raises with DSS's message; one aborted, unknown or dead without a result
    fails too, instead of being polled forever.
    """
    if future.has_result:
        return future.result
    if not future.job_id:
        raise FailedStateError("DSS answered neither a task id nor a result", operation)
    job_id = future.job_id

    def state_of(current: FutureState | None) -> str:
        if current is None:
            return "GONE"
        return "DONE" if current.has_result else ("RUNNING" if current.alive is not False else "ENDED")

    finished = WaitFor(
        operation,
        f"DSS task {job_id}",
        lambda: client.get_future(job_id, operation),
        lambda current: current is not None and current.has_result,
        state_of,
        lambda current: "the task disappeared" if current is None else current.dead_without_result(),
    ).run(deadline)
    return finished.result if finished else None


# ---- starting and stopping -----------------------------------------------------------------------


def start_code_studio(
    client: DataikuClient, project_key: str, studio_id: str, deadline: Deadline, operation: Operation
) -> CodeStudioStatus:
    """Start a stopped studio and wait until RUNNING. The restart is sent once in effect: after a lost
    answer the studio's state tells whether it landed (a second restart would throw work away)."""
    from .models import FutureState

    def landed() -> FutureState | None:
        status = client.get_code_studio_status(project_key, studio_id)
        return FutureState(has_result=True) if status.state in ("STARTING", "RUNNING") else None

    progress(f"{operation.describe()}: starting the code studio")
    future = write_once(operation, lambda: client.create_code_studio_start(project_key, studio_id), landed, deadline)
    wait_future_result(client, future, deadline, operation)
    status = wait_code_studio_settled(client, project_key, studio_id, deadline, operation)
    if status is None or status.state != "RUNNING":
        raise FailedStateError(f"the start finished but the code studio is {_state(status)}", operation)
    return status


def unsynced_work_message(conflicting: list[ZoneConflicts]) -> str:
    listed = "\n  ".join(zone.describe() for zone in conflicting)
    return (
        "stopping the code studio would lose work: files changed in it conflict with changes made in DSS "
        f"since it started:\n  {listed}\n"
        "The code studio was left running and nothing was pulled. Resolve the conflicts in the code studio "
        "(Synchronize files) and run again; or, to stop it anyway, set discard_conflicting_files=True on it "
        "and run `pulumi up` alone first (a stop uses the setting the stack recorded), then run again: the "
        "zones without conflicts are pulled back to DSS, the conflicting changes listed above are lost."
    )


def stop_code_studio_safely(
    client: DataikuClient,
    project_key: str,
    studio_id: str,
    discard_conflicting: bool,
    deadline: Deadline,
    operation: Operation,
) -> CodeStudioStatus | None:
    """Stop without losing work: check every zone for conflicts, pull the zones back, then stop.

    Conflicts fail the stop (listing the files per zone) and leave the studio running, unless
    ``discard_conflicting``. Returns the stopped status, or None when the studio is gone.
    """
    status = wait_code_studio_settled(client, project_key, studio_id, deadline, operation)
    if status is None or status.state == "STOPPED":
        return status
    zones = status.zone_ids()
    conflicts = [client.get_zone_conflicts(project_key, studio_id, zone) for zone in zones]
    conflicting = [found for found in conflicts if found.any()]
    if conflicting and not discard_conflicting:
        raise UnsyncedWorkError(unsynced_work_message(conflicting), operation)
    skipped = {found.zone for found in conflicting}
    if skipped:
        progress(f"{operation.describe()}: discarding conflicting changes in {', '.join(sorted(skipped))}")
    for zone in zones:
        if zone not in skipped:
            client.update_dss_from_zone(project_key, studio_id, zone)
    progress(f"{operation.describe()}: {len(zones) - len(skipped)} zone(s) pulled back to DSS; stopping")
    future = client.create_code_studio_stop(project_key, studio_id)
    wait_future_result(client, future, deadline, operation)
    stopped = wait_code_studio_settled(client, project_key, studio_id, deadline, operation)
    if stopped is not None and stopped.state != "STOPPED":
        raise FailedStateError(f"the stop finished but the code studio is {stopped.state}", operation)
    return stopped


# ---- provider ------------------------------------------------------------------------------------


class CodeStudioProvider(DataikuProvider[CodeStudioArgs]):
    args_model = CodeStudioArgs
    outputs_model = CodeStudioOutputs
    resource_label = RESOURCE
    # Code studios are found (and taken over) by project and name: a replacement that keeps both
    # must delete the old one first.
    identity_fields = ("project_key", "name")

    def create_remote(self, client: DataikuClient, args: CodeStudioArgs, deadline: Deadline) -> tuple[str, Observed]:
        pk = args.project_key
        op = self.operation("creating", f"{pk}/{args.name}")
        created: list[str] = []

        def find() -> CodeStudioItem | None:
            try:
                return find_code_studio_by_name(client, pk, args.name)
            except NotFoundError:
                return None

        def create() -> str:
            studio_id = client.create_code_studio(pk, args.name, args.template_id).id
            created.append(studio_id)
            return studio_id

        studio_id = create_or_take_over(
            op,
            find=find,
            same=lambda item: item.template_id == args.template_id,
            adopt=args.adopt_existing,
            ident=lambda item: item.id,
            create=create,
            what="code studio",
            deadline=deadline,
        )
        op = self.operation("creating", studio_ident(pk, studio_id))
        try:
            self._converge(client, pk, studio_id, args, deadline, op)
        except FailedStateError:
            if studio_id in created:
                # A code studio that cannot start is useless, and the failed create leaves no state:
                # delete it so nothing is orphaned.
                progress(f"{op.describe()}: the start failed; deleting the new code studio")
                self._delete(client, pk, studio_id, True, deadline, op.with_action("cleaning up"))
            raise
        return studio_ident(pk, studio_id), self._observe(client, pk, studio_id, None, op)

    def read_remote(self, client: DataikuClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        pk, studio_id = split_ident(ident)
        try:
            return self._observe(client, pk, studio_id, prior.get("lib_name"), self.operation("reading", ident))
        except NotFoundError:
            return None

    def update_remote(
        self, client: DataikuClient, ident: str, prior: Mapping[str, Any], args: CodeStudioArgs, deadline: Deadline
    ) -> Observed:
        pk, studio_id = split_ident(ident)
        op = self.operation("updating", ident)
        if wait_code_studio_settled(client, pk, studio_id, deadline, op) is None:
            raise NotFoundError("the code studio no longer exists; run `pulumi refresh` to recreate it", op)
        # Converge against the live studio, not state, so changes made out of band are put back too.
        self._converge(client, pk, studio_id, args, deadline, op)
        return self._observe(client, pk, studio_id, prior.get("lib_name"), op)

    def delete_remote(self, client: DataikuClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        pk, studio_id = split_ident(ident)
        discard = bool(prior.get("discard_conflicting_files"))
        self._delete(client, pk, studio_id, discard, deadline, self.operation("deleting", ident))

    # ---- helpers -----------------------------------------------------------------------------

    def _converge(
        self,
        client: DataikuClient,
        pk: str,
        studio_id: str,
        args: CodeStudioArgs,
        deadline: Deadline,
        op: Operation,
    ) -> None:
        """Bring the owner and the state of a live code studio to the inputs."""
        if args.owner is not None and find_code_studio(client, pk, studio_id).owner != args.owner:
            client.update_code_studio_owner(pk, studio_id, args.owner)
        status = wait_code_studio_settled(client, pk, studio_id, deadline, op)
        if status is None:
            raise NotFoundError("the code studio disappeared", op)
        if args.desired_state == "running" and status.state != "RUNNING":
            start_code_studio(client, pk, studio_id, deadline, op.with_action("starting"))
        elif args.desired_state == "stopped" and status.state != "STOPPED":
            stop_code_studio_safely(
                client, pk, studio_id, args.discard_conflicting_files, deadline, op.with_action("stopping")
            )

    def _observe(self, client: DataikuClient, pk: str, studio_id: str, lib_name: str | None, op: Operation) -> Observed:
        item = find_code_studio(client, pk, studio_id)
        status = client.get_code_studio_status(pk, studio_id)
        if not lib_name:
            lib_name = client.get_code_studio(pk, studio_id).lib_name
        return observe(pk, item, status, lib_name)

    def _delete(
        self, client: DataikuClient, pk: str, studio_id: str, discard: bool, deadline: Deadline, op: Operation
    ) -> None:
        """Stop safely (pull first), then delete; ride out a studio another hand started meanwhile."""
        delete_riding_conflicts(
            op,
            settle=lambda: stop_code_studio_safely(client, pk, studio_id, discard, deadline, op),
            delete=lambda: client.delete_code_studio(pk, studio_id),
            wait_gone=lambda: wait_code_studio_deleted(client, pk, studio_id, deadline, op),
            deadline=deadline,
        )


class CodeStudio(PlatformResource[CodeStudioArgs], module="dataiku", name="CodeStudio"):
    """A Dataiku DSS code studio that never loses work on stop, replace or destroy."""

    provider_type = CodeStudioProvider

    project_key: pulumi.Output[str]
    name: pulumi.Output[str]
    template_id: pulumi.Output[str]
    owner: pulumi.Output[str]
    desired_state: pulumi.Output[str]
    discard_conflicting_files: pulumi.Output[bool]
    timeout_seconds: pulumi.Output[float]
    adopt_existing: pulumi.Output[bool]
    code_studio_id: pulumi.Output[str]
    state: pulumi.Output[str]
    last_state_change: pulumi.Output[str | None]
    lib_name: pulumi.Output[str | None]
    template_label: pulumi.Output[str | None]
    synced_zones: pulumi.Output[list[str]]
    exposed_ports: pulumi.Output[list[int]]
