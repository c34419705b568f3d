"""ABEJA Platform's error answers: a JSON object `{error, error_description, error_detail}`.

The SDK reads all three keys (and crashes on an error body that is JSON but not an object), so
every error the emulator sends, the app's own 401/404/405 included, has this shape.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from providers.sandbox.core.http import BadRequest, Forbidden, HttpError, NotFound

__all__ = ["BadRequest", "Forbidden", "NotFound", "error_body"]


def error_body(error: HttpError) -> dict[str, Any]:
    """The platform's body for any error: the code its status stands for, and per-field details (a
    bad field's message as the SDK's tests show it)."""
    code = "injected_fault" if error.message == "injected fault" else _code(error.status)
    if isinstance(error, BadRequest) and error.path:
        return {
            "error": code,
            "error_description": f"parameters is insufficient or invalid: {error.message}",
            "error_detail": error.detail,
        }
    return {"error": code, "error_description": error.message, "error_detail": {}}


def _code(status: int) -> str:
    """The platform's `error` for a status: its reason phrase in snake case (`not_found`)."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_")
    except ValueError:
        return "bad_request"
