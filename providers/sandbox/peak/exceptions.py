"""Peak's error answers: `{"detail": "<message>"}` with the status (the only body field the SDK reads)."""

from __future__ import annotations

from providers.sandbox.core.http import BadRequest, Conflict, HttpError, NotFound, Unprocessable

__all__ = ["BadRequest", "Conflict", "NotFound", "Unprocessable", "error_body"]


def error_body(error: HttpError) -> dict[str, str]:
    """The body Peak sends with an error status."""
    return {"detail": error.message}
