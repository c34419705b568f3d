"""ABEJA Platform's error answers: a JSON object `{error, error_description, error_detail}`.

The SDK reads all three keys (and crashes on an error body that is JSON but not an object), so
every error the emulator sends, the app's own 401/404/405 included, has this shape.
"""

from __future__ import annotations

from typing import Any

from providers.sandbox.core.http import HttpError
from providers.sandbox.core.validation import FieldError

# Messages the shared app produces before a platform handler runs (routing, auth, faults).
_APP_CODES = {
    "Not Found": "not_found",
    "Method Not Allowed": "method_not_allowed",
    "injected fault": "injected_fault",
}


class AbejaError(HttpError):
    """An error with the platform's `error` code and, optionally, per-field details."""

    code = "bad_request"

    def __init__(self, message: str, detail: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.detail = detail or {}

    def body(self) -> dict[str, Any]:
        """The JSON object the platform answers with."""
        return {"error": self.code, "error_description": self.message, "error_detail": self.detail}


class BadRequest(AbejaError):
    """400: a body field is invalid or refers to something missing (the SDK's `BadRequest`)."""

    status = 400
    code = "bad_request"

    @classmethod
    def field(cls, name: str, message: str) -> BadRequest:
        """A 400 about one body field, named in `error_detail` as the SDK's tests show it."""
        return cls(f"parameters is insufficient or invalid: {name} {message}", {name: [message]})


class Forbidden(AbejaError):
    """403: valid credentials, but not for this organization."""

    status = 403
    code = "forbidden"


class NotFound(AbejaError):
    """404: an object named in the path does not exist."""

    status = 404
    code = "not_found"


def error_body(error: HttpError) -> dict[str, Any]:
    """The platform's body for any error: its own carry their code and details; the sandbox's (routing,
    auth, faults, request bodies) get the code their message or status stands for."""
    if isinstance(error, AbejaError):
        return error.body()
    if isinstance(error, FieldError):
        return BadRequest(error.message).body()
    if error.message.startswith(("missing credentials", "invalid credentials")):
        code = "unauthorized"
    elif error.message.startswith("internal error"):
        code = "internal_server_error"
    else:
        code = _APP_CODES.get(error.message, "bad_request")
    return {"error": code, "error_description": error.message, "error_detail": {}}
