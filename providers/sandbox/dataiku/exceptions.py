"""Dataiku DSS error answers: `{"errorType", "message"}` with the status.

DSS names the Java exception class in `errorType`; the official client raises
`DataikuException("<errorType>: <detailedMessage or message>")`. `detailedMessage` is left out rather
than sent as null, or the client would print "None".
"""

from __future__ import annotations

from typing import Any

from providers.sandbox.core.http import HttpError
from providers.sandbox.core.validation import FieldError

EXCEPTIONS = "com.dataiku.dip.exceptions."
UNAUTHORIZED = EXCEPTIONS + "UnauthorizedException"
UNKNOWN_OBJECT = EXCEPTIONS + "UnknownObjectException"
GENERIC = EXCEPTIONS + "CodedException"


class DssError(HttpError):
    """An error with DSS's exception class; rendered by `body()` with the status."""

    status = 500
    error_type = GENERIC

    def __init__(self, message: str, status: int | None = None, error_type: str | None = None) -> None:
        super().__init__(message, status)
        if error_type is not None:
            self.error_type = error_type

    def body(self) -> dict[str, Any]:
        """DSS's error JSON."""
        return {"errorType": self.error_type, "message": self.message}


class BadRequest(DssError):
    """400: a body field or parameter is missing or wrong."""

    status = 400
    error_type = EXCEPTIONS + "InvalidParameterException"


class Forbidden(DssError):
    """403: the caller may not do this (not admin, not the owner)."""

    status = 403
    error_type = UNAUTHORIZED


class NotFound(DssError):
    """Unknown project, code studio, template, user or future (404 unless the sandbox is told 500)."""

    status = 404
    error_type = UNKNOWN_OBJECT


class Conflict(DssError):
    """409: the object exists already, or is starting or stopping and refuses the call now."""

    status = 409
    error_type = EXCEPTIONS + "ConflictException"


class NotRunning(DssError):
    """400: zones (conflicts, pull, push) exist only while the code studio runs."""

    status = 400
    error_type = EXCEPTIONS + "CodedIOException"


class TaskFailed(DssError):
    """500: what the non-peek poll of a failed or aborted future answers, so the official client stops."""

    status = 500
    error_type = EXCEPTIONS + "TaskFailedException"


def error_body(error: HttpError) -> dict[str, str]:
    """DSS's error JSON for any error: the emulator's own carry their class; a bad field is an
    InvalidParameterException, a missing credential an UnauthorizedException."""
    if isinstance(error, DssError):
        return error.body()
    if isinstance(error, FieldError):
        return BadRequest(error.message).body()
    if error.message.startswith(("missing credentials", "invalid credentials")):
        return {"errorType": UNAUTHORIZED, "message": error.message}
    return {"errorType": GENERIC, "message": error.message}


def missing_as_500(body: Any) -> dict[str, Any]:
    """How DSS often answers a missing object: a 500 whose message says it does not exist."""
    return {"errorType": "java.lang.IllegalArgumentException", "message": body.get("message", "it does not exist")}
