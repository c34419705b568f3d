"""One error tree for every platform: messages read "<verb-ing> <Platform> <Resource> (<id or name>):
<cause>", and pass the one redaction (``redaction.scrub``), so no credential or ``Secret`` input shows."""

from __future__ import annotations

from typing import NamedTuple

from .redaction import scrub

# ``redact(text, secrets)``: the one redaction, ``secrets`` hidden as well as every remembered value.
redact = scrub


class Operation(NamedTuple):
    """What is being done, to what: the context every error message and progress line carries."""

    action: str
    platform: str
    resource: str
    ident: str

    def describe(self) -> str:
        return f"{self.action} {self.platform} {self.resource} ({self.ident})"


class ProviderError(Exception):
    """Base of every error our providers raise."""

    def __init__(self, cause: str, operation: Operation | None = None) -> None:
        self.cause = scrub(cause)
        self.operation = operation
        super().__init__(self._render())

    def _render(self) -> str:
        # Scrubbed again when shown: a value remembered after the error was made is hidden too.
        return scrub(f"{self.operation.describe()}: {self.cause}" if self.operation else self.cause)

    def __str__(self) -> str:
        return self._render()

    def add_cause(self, text: str) -> None:
        """``text`` appended to the cause, the message (``args``) kept in step with it."""
        self.cause += text
        self.args = (str(self),)


class ConfigError(ProviderError):
    """Provider configuration is missing or invalid (endpoint, credentials)."""


class TransportError(ProviderError):
    """The platform could not be reached, or did not answer in time. ``sent`` is False when no byte
    of the request reached the platform (no connection), so even a create may be sent again."""

    def __init__(self, cause: str, operation: Operation | None = None, sent: bool = True) -> None:
        self.sent = sent
        super().__init__(cause, operation)


class ApiError(ProviderError):
    """The platform answered with an error status; ``retry_after`` is its Retry-After, in seconds."""

    retry_after: float | None = None

    def __init__(self, cause: str, operation: Operation | None = None, status: int | None = None) -> None:
        self.status = status
        super().__init__(cause, operation)


class BadRequestError(ApiError):
    """400 / 422: the platform rejected the request's content."""


class AuthError(ApiError):
    """401 / 403: credentials missing, invalid or not allowed."""


class NotFoundError(ApiError):
    """404, or a finder that found nothing."""


class ConflictError(ApiError):
    """409: the object exists already, or is in a state that forbids the call."""


class RateLimitError(ApiError):
    """429: the platform refused the request without processing it."""


class ServerError(ApiError):
    """5xx: the platform failed (a write may or may not have been applied)."""


class OutcomeUnknownError(ProviderError):
    """A write that is not idempotent got no usable answer (5xx, reset, read timeout after sending):
    the platform may or may not have applied it. Look before sending it again."""

    def __init__(self, cause: str, operation: Operation | None = None, original: ProviderError | None = None) -> None:
        self.original = original
        super().__init__(cause, operation)

    @classmethod
    def after(cls, error: ProviderError) -> OutcomeUnknownError:
        return cls(error.cause, error.operation, error)


class AnswerError(ProviderError):
    """The platform answered, but not in the shape its reference documents (a field missing or of
    another type). Not transient: asking again gets the same answer."""


class FailedStateError(ProviderError):
    """The object reached a failed state; the cause is the platform's reason."""


class WaitTimeoutError(ProviderError):
    """The object did not reach the wanted state before the deadline."""


STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
    422: BadRequestError,
    429: RateLimitError,
}


def error_for_status(status: int) -> type[ApiError]:
    return STATUS_ERRORS.get(status) or (ServerError if status >= 500 else ApiError)
