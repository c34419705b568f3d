"""Patterns every resource's lifecycle shares, written once: writes sent exactly once in effect,
create-or-take-over by identity, delete that rides out "busy", and calls queued behind a busy object.

Each takes small callables that hold the platform's specifics (how to find the object, whether
it matches the inputs, how to create it), so a resource file stays its declarations plus those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .errors import ConflictError, NotFoundError, Operation, OutcomeUnknownError
from .retry import RetryLoop, call_with_retries
from .waiter import Deadline, progress

R = TypeVar("R")
W = TypeVar("W")


def write_once(
    operation: Operation,
    send: Callable[[], R],
    landed: Callable[[], R | None],
    deadline: Deadline | None = None,
) -> R:
    """Send a write that is not idempotent so that it takes effect once, whatever is lost on the way.

    After an answer is lost (``OutcomeUnknownError``), ``landed()`` looks at the platform: a value
    means the write took effect (it is returned as the write's result); None means it did not,
    and the write is sent again, with backoff, until the deadline.
    """
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
    deadline: Deadline | None = None,
) -> str:
    """The id of the object this resource now manages: an existing one taken over, or a new one.

    An object with this identity and exactly these inputs is what an interrupted or failed earlier
    run left behind: it is taken over, so a retry neither duplicates nor orphans it. Another one is
    taken over (and brought to the inputs by ``converge``) only when the user set ``adopt``. A
    leftover in a failed state is discarded and created anew. The create itself goes through
    ``write_once``, looking again by identity after a lost answer.
    """

    def take_over(found: W) -> str | None:
        matches = same(found)
        if failed(found) and (matches or adopt) and discard is not None:
            progress(f"{operation.describe()}: removing failed {what} {ident(found)} left by an earlier run")
            discard(found)
            return None
        if not (matches or adopt):
            raise ConflictError(
                f"a {what} with this identity already exists ({ident(found)}) with other settings; "
                "set adopt_existing=True to manage it, or choose another name",
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
                f"the create's answer was lost, and a {what} with this identity but other settings "
                f"exists ({ident(found)}); set adopt_existing=True to manage it",
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
) -> None:
    """Delete and wait until gone; gone already is success.

    ``settle`` waits until the object is in no transitional state (None: gone). A 409 means it
    moved into one between our read and the delete: settle again and retry, until the deadline.
    A lost answer is safe here: the delete is sent again and a 404 then means it took effect.
    """
    loop = RetryLoop(operation, deadline)
    while True:
        loop.attempts += 1
        if settle() is None:
            return
        try:
            delete()
        except NotFoundError:
            return
        except ConflictError as busy:
            loop.pause_or_give_up(busy, f"busy ({busy.cause})")
            continue
        wait_gone()
        return


def retry_conflicts(
    operation: Operation,
    call: Callable[[], R],
    *,
    settle: Callable[[], object] = lambda: None,
    deadline: Deadline | None = None,
) -> R:
    """Run ``call``; while the platform refuses it as busy (409), wait with ``settle`` and run it again.

    This is how several resources (or stacks) writing to one busy object queue up and converge
    instead of failing. A 409 that outlasts the deadline fails with the attempts and time spent.
    """
    loop = RetryLoop(operation, deadline)
    while True:
        loop.attempts += 1
        try:
            return call()
        except ConflictError as busy:
            settle()
            loop.pause_or_give_up(busy, f"busy ({busy.cause})")
