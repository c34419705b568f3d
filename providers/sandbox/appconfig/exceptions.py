"""AppConfig's error answers: `{"__type", "message"}` with the code in `x-amzn-ErrorType` and the
modelled HTTP status (moto's own AppConfig errors answer 400 even for not-found)."""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError

# Codes for statuses a fault injects, so botocore sees what AWS would send.
CODES_BY_STATUS = {
    400: "BadRequestException",
    402: "ServiceQuotaExceededException",
    404: "ResourceNotFoundException",
    409: "ConflictException",
    413: "PayloadTooLargeException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}


class BadRequest(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("BadRequestException", message)


class NotFound(JsonRESTError):
    code = 404

    def __init__(self, message: str, resource_name: str | None = None) -> None:
        super().__init__("ResourceNotFoundException", message)
        if resource_name:
            self.description = json.dumps(
                {"__type": self.error_type, "message": message, "ResourceName": resource_name}
            )


class Conflict(JsonRESTError):
    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ConflictException", message)


def error_code(status: int) -> str:
    if status in CODES_BY_STATUS:
        return CODES_BY_STATUS[status]
    return "InternalServerException" if status >= 500 else "BadRequestException"


def error_body(message: str, status: int = 500) -> dict[str, Any]:
    """AppConfig's error body for a message (the code follows the status)."""
    return {"__type": error_code(status), "message": message}
