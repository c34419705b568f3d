"""Readers for fields of a JSON request document, addressed by dotted path ("imageDetails.imageId").

Every reader returns None when the field (or one of its parents) is absent or null, and raises
`FieldError` (a 400) with a message that starts with the field's path when the value has the wrong
shape; the platform that serves the request renders it as its own error body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

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


def _typed(document: Mapping[str, Any], path: str, fits: Callable[[Any], bool], what: str) -> Any:
    """The value at `path` when absent or when it `fits`; a 400 "<path> must be <what>" otherwise."""
    value = lookup(document, path)
    if value is not None and not fits(value):
        raise FieldError.field(path, f"must be {what}")
    return value


def optional_str(document: Mapping[str, Any], path: str) -> str | None:
    """A string field."""
    return cast("str | None", _typed(document, path, lambda v: isinstance(v, str), "a string"))


def optional_bool(document: Mapping[str, Any], path: str) -> bool | None:
    """A boolean field (JSON true/false only)."""
    return cast("bool | None", _typed(document, path, lambda v: isinstance(v, bool), "a boolean"))


def optional_choice(document: Mapping[str, Any], path: str, choices: Iterable[str]) -> str | None:
    """A string field restricted to a set of values."""
    allowed = list(choices)
    return cast("str | None", _typed(document, path, lambda v: v in allowed, f"one of {', '.join(allowed)}"))


def optional_str_map(document: Mapping[str, Any], path: str) -> dict[str, str] | None:
    """An object whose values are all strings."""
    strings = lambda v: isinstance(v, Mapping) and all(isinstance(i, str) for i in v.values())  # noqa: E731
    value = _typed(document, path, strings, "an object of string values")
    return None if value is None else dict(value)


def optional_object(document: Mapping[str, Any], path: str) -> dict[str, Any] | None:
    """An object field."""
    value = _typed(document, path, lambda v: isinstance(v, Mapping), "an object")
    return None if value is None else dict(value)


def optional_str_list(document: Mapping[str, Any], path: str) -> list[str] | None:
    """A list of strings."""
    strings = lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v)  # noqa: E731
    value = _typed(document, path, strings, "a list of strings")
    return None if value is None else list(value)


def optional_regex(document: Mapping[str, Any], path: str) -> str | None:
    """A regular expression field."""
    value = optional_str(document, path)
    try:
        return None if value is None else re.compile(value).pattern
    except re.error as error:
        raise FieldError(f"{path} is not a valid regex: {error}", path) from None


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer between {minimum} and {maximum}"
    if minimum is not None:
        return f"an integer >= {minimum}"
    return f"an integer <= {maximum}"
