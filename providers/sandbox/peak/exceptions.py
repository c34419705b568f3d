"""Peak's error answers: `{"detail": "<message>"}` with the status (the only body field the SDK reads)."""

from __future__ import annotations

from providers.sandbox.core.http import HttpError


def error_body(error: HttpError) -> dict[str, str]:
    """The body Peak sends with an error status."""
    return {"detail": error.message}


class BadRequest(HttpError):
    """400: a field or parameter has a wrong value."""

    status = 400


class NotFound(HttpError):
    """404: no such object in the caller's tenant."""

    status = 404


class Conflict(HttpError):
    """409: the object exists already, or its state does not allow the operation now."""

    status = 409


class Unprocessable(HttpError):
    """422: the request is well formed but the object cannot serve it in its state."""

    status = 422
