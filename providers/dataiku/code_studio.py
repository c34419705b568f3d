"""Dataiku DSS code studio: a per-user development pod (VS Code, JupyterLab...) in a DSS project.

Lifecycle on DSS: create -> STOPPED; restart -> STARTING -> RUNNING (a future); stop -> STOPPING ->
STOPPED (a future); delete -> gone. While RUNNING the studio holds files in synchronised zones that
are not in DSS until pulled back; stopping throws away what was not pulled. So every stop this
provider makes (delete, replace, desired_state `stopped`) first checks each zone for conflicts, pulls
the clean zones back to DSS, and refuses to go on while conflicts would be lost (or a zone's cannot
be read) unless ``discard_conflicting_files`` says so. Its DSS owner (the one user who may use it) is
changed only on a studio this stack created or that belongs to the user behind the API key: never
taken from another user silently. DSS keeps no mark of which stack made a studio: one found with this
name is left alone unless adopted, and a create that fails or times out deletes the studio it made.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated, Literal

from ..core.errors import ConflictError, FailedStateError, ProviderError
from ..core.fields import Field, ForceNew, ServerDefault, WriteOnly
from ..core.lifecycle import Known, present, write_once
from ..core.provider import Observed
from ..core.resource import OutputsModel, PlatformResource, ResourceArgs
from ..core.step import Step
from ..generated.attributes import DataikuCodeStudioAttributes
from .base import DataikuProvider, follow, iso_millis

if TYPE_CHECKING:
    # Wire models and the HTTP client load only where requests are sent, never in a program or
    # a preview's check and diff.
    from .client import DataikuClient
    from .models import CodeStudioWire, FutureState


class UnsyncedWorkError(ProviderError):
    """Stopping the code studio would lose files that conflict with changes made in DSS."""


class CodeStudioArgs(ResourceArgs, timeout=900, waits_for="starts and stops", adoptable="a code studio of this name"):
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
        "the API key. Changed in place (change-owner; an administrator's key or the owner's), but only for a "
        "code studio this stack created or one that belongs to the user behind the API key: one that "
        "belongs to another user (adopted, or given away outside Pulumi) is never taken from them; the "
        "step fails naming them (set `owner` to them to keep it as it is).",
    )
    desired_state: Literal["running", "stopped"] = Field(
        default="running",
        description="`running` or `stopped`. Changed in place: a start follows DSS's task to the end; a "
        "stop first pulls every synchronised zone back to DSS (see `discard_conflicting_files`).",
    )
    discard_conflicting_files: Annotated[bool, WriteOnly()] = Field(
        default=False,
        description="Whether a stop (for desired_state `stopped`, a replacement or a delete) may go on when "
        "files changed in the code studio conflict with changes made in DSS, or when DSS cannot say whether "
        "a zone's do. False: it fails, lists the files (and the zones it could not check) and leaves the "
        "studio running. True: zones without conflicts are pulled back; the changes in the code studio of "
        "the other zones are lost. A destroy or replacement reads the value the stack recorded: set it and "
        "run `pulumi up` first.",
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
        default_factory=list,
        description="Ports the running pod exposes through DSS; empty unless running (DSS does not document "
        "the shape of its `exposed` items: one without a port number is left out).",
    )


def unsynced_work_message(blocked: list[str]) -> str:
    return (
        "stopping the code studio would lose work: files changed in it conflict with changes made in DSS "
        "since it started, or DSS could not say whether they do:\n  " + "\n  ".join(blocked) + "\n"
        "The code studio was left running and nothing was pulled. Resolve the conflicts in the code studio "
        "(Synchronize files) and run again; or, to stop it anyway, set discard_conflicting_files=True on it "
        "and run `pulumi up` alone first (a stop uses the setting the stack recorded), then run again: the "
        "zones without conflicts are pulled back to DSS, the changes in the zones listed above are lost."
    )


class CodeStudioProvider(DataikuProvider[CodeStudioArgs, "CodeStudioWire"]):
    outputs_model = CodeStudioOutputs
    # Found by project and name: a replacement that keeps both deletes (stopping safely) first.
    identity_fields = ("project_key", "name")
    id_fields = ("project_key", "code_studio_id")
    pending = frozenset({"STARTING", "STOPPING"})
    # Either resting state may be the one the inputs ask for; a failed start or stop is told by its task.
    target = frozenset({"RUNNING", "STOPPED"})
    ident_attributes = ("project_key", "definition.id")
    status_attribute = "status.state"
    # What DSS documents of a code studio's definition (§5d) and status (§5e), by field.
    wire_fields = {
        **{name: f"definition.{name}" for name in ("name", "template_id", "owner", "lib_name")},
        "code_studio_id": "definition.id",
        "state": "status.state",
    }
    # No `mark_place`: DSS documents no place on a code studio to write a mark and read it back (no save,
    # §5a, §9.16).

    def fetch(self, step: Step[DataikuClient], ident: str, known: Known) -> CodeStudioWire:
        from .models import CodeStudioWire

        project_key, studio_id = self.split_id(ident)
        status = step.client.get_code_studio_status(project_key, studio_id)
        definition = step.client.get_code_studio(project_key, studio_id)
        return CodeStudioWire(project_key=project_key, definition=definition, status=status)

    def find(self, step: Step[DataikuClient], args: CodeStudioArgs) -> CodeStudioWire | None:
        # DSS allows twins; this provider refuses to guess between them.
        found = [item for item in step.client.iter_code_studios(args.project_key) if item.name == args.name]
        if len(found) > 1:
            twins = f"{len(found)} code studios are named {args.name!r} ({', '.join(item.id for item in found)})"
            raise ConflictError(f"{twins}; rename or delete all but one", step.operation)
        return self.fetch(step, self.join_id(args.project_key, found[0].id), {}) if found else None

    def send_create(self, step: Step[DataikuClient], args: CodeStudioArgs) -> str:
        # DSS takes no owner: the user behind the API key owns the new code studio.
        created = step.client.create_code_studio(args.project_key, args.name, args.template_id)
        return self.join_id(args.project_key, created.id)

    def send_delete(self, step: Step[DataikuClient], ident: str, known: Known) -> None:
        step.client.delete_code_studio(*self.split_id(ident))

    def prepare_delete(self, step: Step[DataikuClient], ident: str, known: Known) -> CodeStudioWire | None:
        return self.stop_safely(step, ident, known, bool(known.get("discard_conflicting_files")))

    def observe(self, step: Step[DataikuClient], ident: str, obj: CodeStudioWire, known: Known) -> Observed:
        status = obj.status
        running = status.state == "RUNNING"
        # The template's label is documented on the list item only (§5c).
        items = step.client.iter_code_studios(obj.project_key)
        label = next((item.template_label for item in items if item.id == obj.definition.id), None)
        return {
            **present(obj, self.wire_fields),
            "project_key": obj.project_key,
            # Someone stopping it by hand shows as desired_state drift, so the next `up` starts it again.
            "desired_state": "running" if status.state in ("RUNNING", "STARTING") else "stopped",
            "last_state_change": iso_millis(status.last_state_change),
            "template_label": label,
            "synced_zones": status.zone_ids() if running else [],
            "exposed_ports": status.ports() if running else [],
        }

    def converge(
        self, step: Step[DataikuClient], ident: str, current: CodeStudioWire, args: CodeStudioArgs, prior: Known
    ) -> CodeStudioWire:
        """State and owner to the inputs: the owner checked first (nothing happens to a studio that may not
        be taken from its user), changed last (the caller may not start or stop another's studio)."""
        known = args.to_dict()
        owner = current.definition.owner
        transfer = args.owner is not None and owner != args.owner
        if transfer:
            self.check_transfer(step, owner, args, prior)
        state = current.status.state
        if args.desired_state == "running" and state != "RUNNING":
            self.start(step.doing("starting"), ident, known)
        elif args.desired_state == "stopped" and state != "STOPPED":
            self.stop_safely(step.doing("stopping"), ident, known, args.discard_conflicting_files)
        if transfer:
            step.say(f"changing the owner from {owner} to {args.owner}")
            project_key, studio_id = self.split_id(ident)
            step.client.update_code_studio_owner(project_key, studio_id, str(args.owner))
        return self.fetch(step, ident, known)

    # ---- what is truly DSS's -----------------------------------------------------------------

    def check_transfer(self, step: Step[DataikuClient], owner: str | None, args: CodeStudioArgs, prior: Known) -> None:
        """A code studio changes owner only when this stack made it or recorded its owner (on update), or
        when it belongs to the user behind the API key; never silently from another user."""
        if prior.get("owner") == owner if prior else not getattr(args, "adopt_existing", False):
            return
        caller = step.client.get_auth_info().get("authIdentifier")
        if owner == caller:
            return
        how = "set to them outside this stack" if prior else "adopted"
        raise ProviderError(
            f"the code studio belongs to {owner} ({how}), not to {caller}, the user behind the API key; this "
            f"provider does not take it from them: set owner={owner!r} to keep it as it is, or have {owner} "
            f"(or an administrator, in DSS) give it to {args.owner} first",
            step.operation,
        )

    def start(self, step: Step[DataikuClient], ident: str, known: Known) -> None:
        """Start a stopped studio and wait until RUNNING. The restart is sent once in effect: after a lost
        answer the studio's state tells whether it landed (a second restart would throw work away)."""
        from .models import FutureState

        project_key, studio_id = self.split_id(ident)

        def landed() -> FutureState | None:
            state = step.client.get_code_studio_status(project_key, studio_id).state
            return FutureState(has_result=True) if state in ("STARTING", "RUNNING") else None

        step.say("starting the code studio")
        send = partial(step.client.create_code_studio_start, project_key, studio_id)
        follow(step, write_once(step.operation, send, landed, step.deadline))
        started = self.wait_settled(step, ident, known)
        if started is None or started.status.state != "RUNNING":
            raise FailedStateError(f"the start finished but the code studio is {self.state(started)}", step.operation)

    def stop_safely(self, step: Step[DataikuClient], ident: str, known: Known, discard: bool) -> CodeStudioWire | None:
        """Stop without losing work: check every zone for conflicts, pull the clean zones back, then stop.
        Conflicts, or a zone whose conflicts cannot be read, fail the stop (listing the files per zone) and
        leave the studio running, unless ``discard``. Returns the stopped studio, or None when gone."""
        current = self.wait_settled(step, ident, known)
        if current is None or current.status.state == "STOPPED":
            return current
        project_key, studio_id = self.split_id(ident)
        zones = current.status.zone_ids()
        blocked: dict[str, str] = {}  # zone -> why pulling it back could lose work
        for zone in zones:
            try:
                found = step.client.get_zone_conflicts(project_key, studio_id, zone)
            except FailedStateError as failed:
                blocked[zone] = f"zone {zone}: its conflicts could not be read ({failed.cause})"
                continue
            if found.any():
                blocked[zone] = found.describe()
        if blocked and not discard:
            raise UnsyncedWorkError(unsynced_work_message(list(blocked.values())), step.operation)
        if blocked:
            step.say(f"discarding the code studio's changes in {', '.join(sorted(blocked))}")
        for zone in zones:
            if zone not in blocked:
                step.client.update_dss_from_zone(project_key, studio_id, zone)
        step.say(f"{len(zones) - len(blocked)} zone(s) pulled back to DSS; stopping")
        follow(step, step.client.create_code_studio_stop(project_key, studio_id))
        stopped = self.wait_settled(step, ident, known)
        if stopped is not None and stopped.status.state != "STOPPED":
            raise FailedStateError(f"the stop finished but the code studio is {stopped.status.state}", step.operation)
        return stopped


class CodeStudio(DataikuCodeStudioAttributes, PlatformResource[CodeStudioArgs], module="dataiku", name="CodeStudio"):
    """A Dataiku DSS code studio that never loses work on stop, replace or destroy."""

    provider_type = CodeStudioProvider
