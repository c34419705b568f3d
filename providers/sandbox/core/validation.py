"""Readers for fields of a JSON request document, addressed by dotted path ("imageDetails.imageId").

Every reader returns None when the field (or one of its parents) is absent or null, and raises
`FieldError` (a 400) with a message that starts with the field's path when the value has the wrong
shape; the platform that serves the request renders it as its own error body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.sandbox.core.http import BadRequest

FieldError = BadRequest
"""A request field has a wrong value (400); the message starts with the field's path."""


def lookup(document: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or None; every parent that is present must be an object."""
    value: Any = document
    walked: list[str] = []
    for key in path.split("."):
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise FieldError.field(".".join(walked), "must be an object")
        value = value.get(key)
        walked.append(key)
    return value


def optional_int(
    document: Mapping[str, Any], path: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """An integer field (a JSON number without a fraction; booleans and strings are refused)."""
    value = lookup(document, path)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        # JSON has one number type: 2.0 is the integer 2 to most servers.
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError.field(path, "must be an integer")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise FieldError.field(path, f"must be {_range_text(minimum, maximum)}")
    return value


def optional_str(document: Mapping[str, Any], path: str) -> str | None:
    """A string field."""
    value = lookup(document, path)
    if value is not None and not isinstance(value, str):
        raise FieldError.field(path, "must be a string")
    return value


def optional_bool(document: Mapping[str, Any], path: str) -> bool | None:
    """A boolean field (JSON true/false only)."""
    value = lookup(document, path)
    if value is not None and not isinstance(value, bool):
        raise FieldError.field(path, "must be a boolean")
    return value


def optional_choice(document: Mapping[str, Any], path: str, choices: Iterable[str]) -> str | None:
    """A string field restricted to a set of values."""
    value = optional_str(document, path)
    allowed = list(choices)
    if value is not None and value not in allowed:
        raise FieldError.field(path, f"must be one of {', '.join(allowed)}")
    return value


def optional_str_map(document: Mapping[str, Any], path: str) -> dict[str, str] | None:
    """An object whose values are all strings."""
    value = lookup(document, path)
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(isinstance(item, str) for item in value.values()):
        raise FieldError.field(path, "must be an object of string values")
    return dict(value)


def optional_object(document: Mapping[str, Any], path: str) -> dict[str, Any] | None:
    """An object field."""
    value = lookup(document, path)
    if value is not None and not isinstance(value, Mapping):
        raise FieldError.field(path, "must be an object")
    return None if value is None else dict(value)


def optional_str_list(document: Mapping[str, Any], path: str) -> list[str] | None:
    """A list of strings."""
    value = lookup(document, path)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldError.field(path, "must be a list of strings")
    return list(value)


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer between {minimum} and {maximum}"
    if minimum is not None:
        return f"an integer >= {minimum}"
    return f"an integer <= {maximum}"
