"""Every resource's lifecycle, written once: the primitives (a write sent once in effect,
create-or-take-over by identity, a delete or call riding out "busy"), and ``Lifecycle``, what a type
declares about its objects, from which the waits, take-over, delete-and-wait, cleanup after a failed
create and the "gone; run refresh" error are derived.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, ClassVar, Generic

from typing_extensions import TypeVar

from .errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    FailedStateError,
    NotFoundError,
    Operation,
    OutcomeUnknownError,
    ProviderError,
)
from .resource import ResourceArgs
from .retry import RetryLoop, call_with_retries, operation_deadline
from .step import ClientT, Step
from .waiter import Deadline, WaitFor, progress

# How long cleaning up after a failed create may take when the step's own deadline is spent.
CLEANUP_SECONDS = 300.0
R = TypeVar("R")
W = TypeVar("W")
ArgsT = TypeVar("ArgsT", bound="ResourceArgs")
WireT = TypeVar("WireT", default=Any)
# An object's recorded or desired values (inputs, and outputs once recorded), by field name.
Known = Mapping[str, Any]


class InUseError(ConflictError):
    """A delete refused because other objects still use this one: it does not clear by itself."""


def is_conflict(error: ApiError) -> bool:
    return isinstance(error, ConflictError)


def write_once(
    operation: Operation, send: Callable[[], R], landed: Callable[[], R | None], deadline: Deadline | None = None
) -> R:
    """Send a write that is not idempotent so that it takes effect once, whatever is lost on the way:
    after a lost answer, ``landed()`` returns the write's result if it took effect, or None to send
    it again (with backoff, until the deadline)."""
    loop = RetryLoop(operation, deadline)
    while True:
        loop.attempts += 1
        try:
            return call_with_retries(operation, send, idempotent=False, deadline=loop.deadline)
        except OutcomeUnknownError as unknown:
            found = call_with_retries(operation, landed, idempotent=True, deadline=loop.deadline)
            if found is not None:
                progress(f"{operation.describe()}: the answer was lost but the write took effect; going on")
                return found
            loop.pause_or_give_up(unknown.original or unknown, f"the answer was lost ({unknown.cause}), nothing landed")


def create_or_take_over(
    operation: Operation,
    *,
    find: Callable[[], W | None],
    same: Callable[[W], bool],
    adopt: bool,
    ident: Callable[[W], str],
    create: Callable[[], str],
    failed: Callable[[W], bool] = lambda _: False,
    discard: Callable[[W], None] | None = None,
    converge: Callable[[W], None] | None = None,
    what: str = "object",
    hint: str = "",
    deadline: Deadline | None = None,
) -> str:
    """The id of the object this resource now manages: an existing one taken over, or a new one.

    What ``same`` recognises as this resource's own (left by an interrupted run) is taken over, so a
    retry neither duplicates nor orphans it; another object only when the user set ``adopt`` (then
    ``converge`` brings it to the inputs). A leftover in a failed state is discarded and made anew.
    """

    def take_over(found: W) -> str | None:
        matches = same(found)
        if failed(found) and (matches or adopt) and discard is not None:
            progress(f"{operation.describe()}: removing failed {what} {ident(found)} left by an earlier run")
            discard(found)
            return None
        if not (matches or adopt):
            raise ConflictError(
                f"a {what} with this identity already exists ({ident(found)}) and this resource did not "
                f"create it{hint}; set adopt_existing=True to manage it (destroy then deletes it), or choose "
                "another name",
                operation,
            )
        progress(f"{operation.describe()}: taking over existing {what} {ident(found)}")
        if not matches and converge is not None:
            converge(found)
        return ident(found)

    existing = find()
    if existing is not None:
        taken = take_over(existing)
        if taken is not None:
            return taken

    def landed() -> str | None:
        found = find()
        if found is None:
            return None
        if not same(found) and not adopt:
            raise ConflictError(
                f"the create's answer was lost, and a {what} with this identity that this resource did "
                f"not create exists ({ident(found)}); set adopt_existing=True to manage it",
                operation,
            )
        if not same(found) and converge is not None:
            converge(found)
        return ident(found)

    return write_once(operation, create, landed, deadline)


def delete_riding_conflicts(
    operation: Operation,
    *,
    settle: Callable[[], W | None],
    delete: Callable[[], object],
    wait_gone: Callable[[], object],
    deadline: Deadline | None = None,
    busy: Callable[[ApiError], bool] = is_conflict,
) -> None:
    """Delete and wait until gone; gone already is success. A refusal ``busy`` recognises (409 by
    default) means the object moved into a transitional state after ``settle`` read it: settle again
    and retry until the deadline. A lost answer is safe: sent again, a 404 means it took effect."""
    loop = RetryLoop(operation, deadline)
    while True:
        loop.attempts += 1
        if settle() is None:
            return
        try:
            delete()
        except NotFoundError:
            return
        except ApiError as refused:
            if not busy(refused):
                raise
            loop.pause_or_give_up(refused, f"busy ({refused.cause})")
            continue
        wait_gone()
        return


def retry_conflicts(
    operation: Operation,
    call: Callable[[], R],
    *,
    settle: Callable[[], object] = lambda: None,
    deadline: Deadline | None = None,
    busy: Callable[[ApiError], bool] = is_conflict,
) -> R:
    """Run ``call``; while the platform refuses it as busy (``busy``: 409 by default), ``settle`` and
    run it again: several resources (or stacks) writing to one busy object queue up instead of failing."""
    loop = RetryLoop(operation, deadline)
    while True:
        loop.attempts += 1
        try:
            return call()
        except ApiError as refused:
            if not busy(refused):
                raise
            settle()
            loop.pause_or_give_up(refused, f"busy ({refused.cause})")


# ---- the lifecycle a type declares, and what core derives from it --------------------------------


def present(obj: Any, paths: Mapping[str, str]) -> dict[str, Any]:
    """The fields the answer carries, by field name, from dotted wire attribute paths. A path the
    answer lacks (never sent, as opposed to null: ``model_fields_set``, or a dict's keys) is left out,
    so the recorded input stands for it (the tolerant reader)."""
    found: dict[str, Any] = {}
    for name, path in paths.items():
        value: Any = obj
        for part in path.split("."):
            if isinstance(value, Mapping):
                if part not in value:
                    break
                value = value[part]
            elif value is not None and part in getattr(value, "model_fields_set", ()):
                value = getattr(value, part)
            else:
                break
        else:
            found[name] = value
    return found


def attribute(obj: Any, path: str) -> Any:
    """The value at a dotted attribute path; None from the first step that is None."""
    for part in path.split("."):
        obj = None if obj is None else getattr(obj, part)
    return obj


class Lifecycle(Generic[ArgsT, ClientT, WireT]):
    """A type's lifecycle, declared once (the hooks and class variables below); the waits, take-over,
    delete and their errors derive from it."""

    resource_label: ClassVar[str]
    platform: ClassVar[str]
    # Inputs that make the remote object unique (its name): found by them, and a replace keeping
    # them deletes first.
    identity_fields: ClassVar[tuple[str, ...]] = ()
    # A composite id's parts (`project/code_studio_id`); a part named `*_number` is an integer.
    id_fields: ClassVar[tuple[str, ...]] = ()
    pending: ClassVar[frozenset[str]] = frozenset()
    target: ClassVar[frozenset[str]] = frozenset()
    failed: ClassVar[frozenset[str]] = frozenset()
    delete_failed: ClassVar[frozenset[str]] = frozenset()
    # What a refused delete (409) of a settled object means, as advice; None: it is busy, ride it out.
    in_use: ClassVar[str | None] = None
    # Where on the object this provider leaves its owner mark (a phrase for the docs), when the platform
    # has a place for one; without one a found object is never taken as this resource's own, only adopted.
    mark_place: ClassVar[str | None] = None
    # Flat wire-to-field mappings read by `present`: field name -> dotted attribute path.
    wire_fields: ClassVar[Mapping[str, str]] = {}
    # Dotted attribute paths on the wire object (read by `attribute`): the parts of its id (joined by
    # `join_id`), its status (None: it has none, always PRESENT), the platform's reason for a failed status.
    ident_attributes: ClassVar[tuple[str, ...]] = ("id",)
    status_attribute: ClassVar[str | None] = None
    failure_attribute: ClassVar[str | None] = None
    # The platform cannot change the object (every input it receives replaces it): `converge` leaves it as is.
    immutable: ClassVar[bool] = False
    # When the create call cannot carry every input (DSS makes a code studio stopped, a template unbuilt),
    # a new object is brought to the inputs by ``converge`` too (``prior`` empty), as one taken over is.
    converge_new: ClassVar[bool] = False

    # ---- declared per type ---------------------------------------------------------------------

    def fetch(self, step: Step[ClientT], ident: str, known: Known) -> WireT:
        """The object by id (``known``: its recorded or desired inputs); ``NotFoundError`` when gone."""
        raise NotImplementedError

    def find(self, step: Step[ClientT], args: ArgsT) -> WireT | None:
        """The object with this identity, or None (``NotFoundError`` counts as None)."""
        return None

    def ident_of(self, found: WireT) -> str:
        return self.join_id(*(attribute(found, path) for path in self.ident_attributes))

    def status_of(self, obj: WireT) -> str:
        return "PRESENT" if self.status_attribute is None else str(attribute(obj, self.status_attribute))

    def failure_of(self, obj: WireT) -> str | None:
        """The platform's reason for a failed status."""
        return None if self.failure_attribute is None else attribute(obj, self.failure_attribute)

    def owner_of(self, obj: WireT) -> str | None:
        """The owner mark on the object, if it carries one."""
        return None

    def send_create(self, step: Step[ClientT], args: ArgsT) -> str:
        """Send the create (marked with ``step.owner`` where the platform has a place); the new id."""
        raise NotImplementedError

    def converge(self, step: Step[ClientT], ident: str, current: WireT, args: ArgsT, prior: Known) -> WireT | None:
        """Bring the live object ``current`` to the inputs (an update, or an object taken over; ``prior``
        holds the recorded inputs, empty after a take-over). Returns the object once it reached a
        target status (an ``immutable`` one as it is), or None to have core wait for one."""
        return current if self.immutable else None

    def send_delete(self, step: Step[ClientT], ident: str, known: Known) -> None:
        raise NotImplementedError

    def observe(self, step: Step[ClientT], ident: str, obj: WireT, known: Known) -> dict[str, Any]:
        """What the answer says, by Args and Outputs field names; fields it lacks are left out."""
        return present(obj, self.wire_fields)

    def turn(self, step: Step[ClientT], values: Known) -> contextlib.AbstractContextManager[None]:
        """What a step waits for before it takes a slot under the concurrency cap: a type whose platform
        takes one write at a time to some object (an AppConfig environment) queues its steps here."""
        return contextlib.nullcontext()

    def prepare_delete(self, step: Step[ClientT], ident: str, known: Known) -> object:
        """Bring the object to where it may be deleted (None: gone already); settled by default."""
        return self.wait_settled(step, ident, known) if self.pending else self.get_or_none(step, ident, known)

    # ---- derived -------------------------------------------------------------------------------

    @property
    def what(self) -> str:
        """`CodeStudioTemplate` -> `code studio template`: how messages name a type's objects."""
        return re.sub(r"(?<!^)(?=[A-Z])", " ", self.resource_label).lower()

    @property
    def marks_owner(self) -> bool:
        return self.mark_place is not None

    def split_id(self, ident: str) -> tuple[Any, ...]:
        """A composite id's parts (integers where the part is a number)."""
        parts = ident.split("/")
        numbers = [name.endswith("_number") for name in self.id_fields]
        if len(parts) != len(self.id_fields) or any(
            is_number and not part.isdigit() for part, is_number in zip(parts, numbers, strict=True)
        ):
            raise ProviderError(
                f"{ident!r} is not a {self.platform} {self.resource_label} id of the form {'/'.join(self.id_fields)}"
            )
        return tuple(int(part) if is_number else part for part, is_number in zip(parts, numbers, strict=True))

    def join_id(self, *parts: Any) -> str:
        return "/".join(str(part) for part in parts)

    def get_or_none(self, step: Step[ClientT], ident: str, known: Known) -> WireT | None:
        try:
            return self.fetch(step, ident, known)
        except NotFoundError:
            return None

    def state(self, obj: WireT | None) -> str:
        return "GONE" if obj is None else self.status_of(obj)

    def gone_error(self, step: Step[ClientT]) -> NotFoundError:
        return NotFoundError(f"the {self.what} no longer exists; run `pulumi refresh` to recreate it", step.operation)

    def wait_for(
        self,
        step: Step[ClientT],
        ident: str,
        known: Known,
        goal: str,
        reached: Callable[[WireT | None], bool],
        failure: Callable[[WireT | None], str | None] = lambda _: None,
    ) -> WireT | None:
        """Poll the object (None: gone) until ``reached``, or until ``failure`` names a reason to stop."""

        fetch = partial(self.get_or_none, step, ident, known)
        return WaitFor(step.operation, goal, fetch, reached, self.state, failure).run(step.deadline)

    def reason_if(self, obj: WireT | None, statuses: frozenset[str]) -> str | None:
        """The platform's reason when the object is in one of ``statuses``."""
        if obj is not None and self.status_of(obj) in statuses:
            return self.failure_of(obj) or "the platform gave no reason"
        return None

    def wait_settled(self, step: Step[ClientT], ident: str, known: Known) -> WireT | None:
        """Until the object is in no pending status (None: gone); writes are refused meanwhile."""
        return self.wait_for(
            step, ident, known, "a settled status", lambda obj: obj is None or self.status_of(obj) not in self.pending
        )

    def live(self, step: Step[ClientT], ident: str, known: Known) -> WireT:
        """The settled object, or the error that tells the user to refresh."""
        found = self.wait_settled(step, ident, known)
        if found is None:
            raise self.gone_error(step)
        return found

    def wait_target(
        self, step: Step[ClientT], ident: str, known: Known, done: Callable[[WireT], bool] | None = None
    ) -> WireT:
        """Until a target status (and ``done``, a documented signal such as a revision); a failed
        status raises with the platform's reason."""

        def signalled(obj: WireT) -> bool:
            return done is None or done(obj)

        def reached(obj: WireT | None) -> bool:
            if obj is None or not signalled(obj):
                return False
            return self.status_of(obj) in self.target if self.target else self.status_of(obj) not in self.pending

        def failure(obj: WireT | None) -> str | None:
            if obj is None:
                return f"the {self.what} disappeared"
            return self.reason_if(obj, self.failed) if signalled(obj) else None

        goal = " or ".join(sorted(self.target)) or "a settled status"
        waited = self.wait_for(step, ident, known, goal, reached, failure)
        assert waited is not None
        return waited

    def wait_deleted(self, step: Step[ClientT], ident: str, known: Known) -> None:
        self.wait_for(
            step, ident, known, "deletion", lambda obj: obj is None, lambda obj: self.reason_if(obj, self.delete_failed)
        )

    def busy(self, step: Step[ClientT], ident: str, known: Known, error: ApiError) -> bool:
        """Whether a refusal clears by itself: a 409, or a 422 while the object is in a pending status
        (Peak documents 422 for writes to a busy object)."""
        if isinstance(error, ConflictError):
            return True
        if isinstance(error, BadRequestError) and error.status == 422 and self.pending:
            current = self.get_or_none(step, ident, known)
            return current is not None and self.status_of(current) in self.pending
        return False

    def write_riding_busy(
        self, step: Step[ClientT], ident: str, known: Known, send: Callable[[], R], landed: Callable[[], R | None]
    ) -> R:
        """A write to a live object, sent once in effect (``landed`` looks after a lost answer), queued
        behind the object's pending statuses and other writers until the deadline."""
        return retry_conflicts(
            step.operation,
            lambda: write_once(step.operation, send, landed, step.deadline),
            settle=lambda: self.wait_settled(step, ident, known),
            deadline=step.deadline,
            busy=lambda error: self.busy(step, ident, known, error),
        )

    def delete_and_wait(self, step: Step[ClientT], ident: str, known: Known) -> None:
        """Delete and wait until gone, riding out busy states; gone already is success. A refused
        delete of an object in use fails at once with the type's advice."""

        def delete() -> None:
            try:
                self.send_delete(step, ident, known)
            except ConflictError as refused:
                if self.in_use is None:
                    raise
                raise InUseError(f"{refused.cause}; {self.in_use}", step.operation) from None

        delete_riding_conflicts(
            step.operation,
            settle=lambda: self.prepare_delete(step, ident, known),
            delete=delete,
            # Without pending statuses a delete takes effect at once: nothing to wait for.
            wait_gone=lambda: self.wait_deleted(step, ident, known) if self.pending else None,
            deadline=step.deadline,
            busy=lambda error: not isinstance(error, InUseError) and self.busy(step, ident, known, error),
        )

    def take_over_or_create(self, step: Step[ClientT], args: ArgsT) -> tuple[str, bool]:
        """(id, created): this resource's own leftover taken over, an object adopted, or a new one. Own
        means carrying its owner mark; without a place for one, only an object that appeared after our
        create's answer was lost is ours, anything else is only adopted (``adopt_existing``)."""
        adopt = bool(getattr(args, "adopt_existing", False))
        sent: list[bool] = []

        def find() -> WireT | None:
            try:
                found = self.find(step, args)
            except NotFoundError:
                return None
            if found is not None and self.pending:
                return self.wait_settled(step, self.ident_of(found), args.to_dict())
            return found

        def ours(found: WireT) -> bool:
            if self.marks_owner:
                return step.owner is not None and self.owner_of(found) == step.owner
            return bool(sent)

        def create() -> str:
            sent.append(True)
            return self.send_create(step, args)

        hint = "" if self.marks_owner else f" ({self.platform} keeps no mark of which stack made it)"
        ident = create_or_take_over(
            step.operation,
            find=find,
            same=ours,
            adopt=adopt,
            ident=self.ident_of,
            create=create,
            failed=lambda found: self.status_of(found) in self.failed,
            discard=lambda found: self.delete_and_wait(
                step.doing("replacing failed"), self.ident_of(found), args.to_dict()
            ),
            what=self.what,
            hint=hint,
            deadline=step.deadline,
        )
        # After a create was sent, the id is the new object's (answered, or found after a lost answer).
        return ident, bool(sent)

    @contextlib.contextmanager
    def cleaned_up_on_failure(self, step: Step[ClientT], ident: str, known: Known, created: bool) -> Iterator[None]:
        """A create that fails after its object exists leaves nothing the next run cannot account for: a
        new object in a failed status is deleted; one that ran out of time stays when it carries our mark
        (the next `up` takes it over), else it is deleted too, as Terraform does after a create timeout."""
        try:
            yield
        except ProviderError as failure:
            if not created or not (isinstance(failure, FailedStateError) or not self.marks_owner):
                raise
            cleanup = step.doing("cleaning up")
            cleanup.say(f"the create failed; deleting the new {self.what} so nothing is left behind")
            grace = Step(step.client, cleanup.operation, Deadline.after(CLEANUP_SECONDS), step.owner)
            try:
                with operation_deadline(grace.deadline):
                    self.delete_and_wait(grace, ident, known)
            except ProviderError as left:
                failure.add_cause(
                    f"; deleting the new {self.what} failed too ({left.cause}): it is left as {ident}; delete it, "
                    "or set adopt_existing=True to take it over"
                )
            raise
