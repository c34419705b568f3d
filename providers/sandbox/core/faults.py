"""Injected faults: the next N requests matching a method and path regex fail, or are slow."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from providers.sandbox.core.http import HttpError, Response
from providers.sandbox.core.validation import (
    FieldError,
    lookup,
    optional_choice,
    optional_int,
    optional_regex,
    optional_str,
)

if TYPE_CHECKING:
    from providers.sandbox.core.platform import Platform

When = Literal["before", "after"]


@dataclass
class Fault:
    """One armed fault.

    `when="before"`: the request is not processed. `when="after"`: it is processed (its state change
    happens) and the fault replaces the real answer, as when a response is lost on the way back.
    `status=None` only delays the request. `body=None` sends the platform's own error body
    for the message "injected fault".
    """

    id: str
    path: str
    method: str = "*"
    status: int | None = 503
    count: int = 1
    delay_seconds: float = 0
    retry_after: float | None = None
    body: Any = None
    when: When = "before"
    platform: str | None = None
    """Only requests to this platform (None: any); lets one fault plan cover a whole platform."""

    def matches(self, method: str, path: str, platform: str | None = None) -> bool:
        """Whether a request is one this fault is armed for."""
        if self.platform is not None and self.platform != platform:
            return False
        return self.method in ("*", method) and re.search(self.path, path) is not None

    def response(self, platform: Platform) -> Response:
        """The answer this fault sends instead of the real one, in the platform's error format."""
        response = platform.error_response(HttpError("injected fault", self.status or 200))
        if self.body is not None:
            response.body = self.body
        if self.retry_after is not None:
            response.headers["Retry-After"] = _header_number(self.retry_after)
        return response


def parse_fault(fault_id: str, document: dict[str, Any]) -> Fault:
    """A Fault from a control-plane request body; FieldError on a bad field."""
    path = optional_regex(document, "path")
    if not path:
        raise FieldError("path is required (a regex searched in the request path)")
    status: int | None = 503
    if "status" in document:
        status = optional_int(document, "status", minimum=100, maximum=599)
    return Fault(
        id=fault_id,
        path=path,
        method=(optional_str(document, "method") or "*").upper(),
        status=status,
        count=optional_int(document, "count", minimum=1) or 1,
        delay_seconds=_optional_seconds(document, "delay_seconds") or 0,
        retry_after=_optional_seconds(document, "retry_after"),
        body=lookup(document, "body"),
        when=cast(When, optional_choice(document, "when", ("before", "after")) or "before"),
        platform=optional_str(document, "platform"),
    )


class Faults:
    """The armed faults, in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, document: dict[str, Any]) -> Fault:
        """Arm a fault described by a control-plane body."""
        fault = parse_fault(f"fault-{self._next_id}", document)
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def take(self, method: str, path: str, platform: str | None = None) -> Fault | None:
        """The first fault armed for this request, used up by one."""
        for fault in self._faults:
            if fault.matches(method, path, platform):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def list(self) -> list[dict[str, Any]]:
        """The armed faults with their remaining counts."""
        return [asdict(fault) for fault in self._faults]

    def clear(self) -> None:
        """Disarm every fault."""
        self._faults.clear()


def _optional_seconds(document: dict[str, Any], name: str) -> float | None:
    value = lookup(document, name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FieldError(f"{name} must be a number of seconds >= 0")
    return float(value)


def _header_number(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)
