"""One engine call's context, handed to every hook: the client, what is being done, the deadline
(hooks read it here; the thread's, ``retry.operation_deadline``, is only the transport's view of it)."""

from __future__ import annotations

from typing import Generic, TypeVar

from .errors import Operation
from .waiter import Deadline, progress

ClientT = TypeVar("ClientT")


class Step(Generic[ClientT]):
    """``client``, ``operation`` (for messages), ``deadline``, and ``owner``: the ownership mark of
    the resource being created or updated (None where the engine does not say, e.g. a read)."""

    __slots__ = ("client", "deadline", "operation", "owner")

    def __init__(self, client: ClientT, operation: Operation, deadline: Deadline, owner: str | None = None) -> None:
        self.client = client
        self.operation = operation
        self.deadline = deadline
        self.owner = owner

    def doing(self, action: str, ident: str | None = None) -> Step[ClientT]:
        """The same step described as another action (or on another id): for messages and errors."""
        operation = Operation(action, *self.operation[1:3], self.operation.ident if ident is None else ident)
        return Step(self.client, operation, self.deadline, self.owner)

    def on(self, ident: str) -> Step[ClientT]:
        """The same step, now about the object with this id."""
        return self.doing(self.operation.action, ident)

    def say(self, message: str) -> None:
        """A progress line the engine shows during `up`, prefixed with what is being done to what."""
        progress(f"{self.operation.describe()}: {message}")
