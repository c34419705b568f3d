"""Peak Press's readers of request fields: each returns the field's value or raises a 400 naming it,
as `path` (the field's place in the body)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from providers.sandbox.peak.exceptions import BadRequest
from providers.sandbox.peak.press_state import METADATA_KEYS

NAME_PATTERN = r"[a-z][a-z0-9-]{0,63}"
VERSION_PATTERN = r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?"
SORT_FIELDS = ("createdAt", "createdBy", "name", "title")


def decoded(value: Any, path: str) -> Any:
    """A field the SDK may send JSON-encoded inside a string ("null", "true", "{...}"), decoded."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise BadRequest(f"{path} must be JSON (got a string that does not parse)") from None


def optional_bool(value: Any, path: str) -> bool | None:
    value = decoded(value, path)
    if value is not None and not isinstance(value, bool):
        raise BadRequest(f"{path} must be true, false or null")
    return value


def obj(value: Any, path: str) -> dict[str, Any]:
    """An object (`{}` when absent or null)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise BadRequest(f"{path} must be an object")
    return dict(value)


def text(document: Mapping[str, Any], key: str, path: str, required: bool = False) -> str | None:
    value = document.get(key)
    if value is None:
        if required:
            raise BadRequest(f"{path} is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{path} must be a string")
    return value


def metadata(document: Mapping[str, Any], path: str, partial: bool = False) -> dict[str, Any]:
    """The known metadata keys of a body, validated; name and summary are required unless `partial`."""
    found: dict[str, Any] = {}
    for key in (k for k in METADATA_KEYS if k in document):
        value = document[key]
        if key != "tags":
            found[key] = text(document, key, f"{path}{key}")
            continue
        if value is not None and (
            not isinstance(value, list)
            or not all(isinstance(t, Mapping) and isinstance(t.get("name"), str) for t in value)
        ):
            raise BadRequest(f"{path}tags must be a list of {{name}} objects")
        found[key] = [{"name": t["name"]} for t in value or []]
    for key in () if partial else ("name", "summary"):
        if not found.get(key):
            raise BadRequest(f"{path}{key} is required")
    name = found.get("name")
    if name is not None and not re.fullmatch(NAME_PATTERN, name):
        raise BadRequest(f"{path}name must be 1-64 lowercase letters, digits or hyphens, starting with a letter")
    return found


def params(value: Any, path: str) -> dict[str, Any]:
    """A `{build: {...}, run: {...}}` object of parameter values."""
    document = obj(value, path)
    unknown = set(document) - {"build", "run"}
    if unknown:
        raise BadRequest(f"{path} may only hold build and run (got {', '.join(sorted(unknown))})")
    return {part: obj(document.get(part), f"{path}.{part}") for part in ("build", "run")}


def block_params(value: Any) -> dict[str, Any]:
    """App parameters per block spec name: `{<name>: {build, run}}`."""
    return {name: params(values, f"parameters.{name}") for name, values in obj(value, "parameters").items()}


def swaps(value: Any, path: str) -> list[dict[str, Any]]:
    """Block specs an app deployment includes or excludes: `[{id, releaseVersion}]`."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, Mapping) and isinstance(i.get("id"), str) for i in value):
        raise BadRequest(f"{path} must be a list of {{id, releaseVersion}} objects")
    return [{"id": item["id"], "releaseVersion": item.get("releaseVersion")} for item in value]


def check_choices(name: str, values: tuple[str, ...], choices: tuple[str, ...]) -> None:
    unknown = [value for value in values if value not in choices]
    if unknown:
        raise BadRequest(f"{name} must be one of {', '.join(choices)} (got {', '.join(unknown)})")


def sort_items(items: list[Any], sort: tuple[str, ...], metadata_of: Callable[[Any], Mapping[str, Any]]) -> list[Any]:
    """Items in creation order, then by each `<field>[:asc|desc]` of `sort` (the first one wins)."""
    ordered = sorted(items, key=lambda item: item.created_at)
    for key in reversed(sort):
        field_name, _, direction = key.partition(":")
        if field_name not in SORT_FIELDS or direction not in ("", "asc", "desc"):
            raise BadRequest(f"sort must be <field>[:asc|desc] with field one of {', '.join(SORT_FIELDS)}")

        def value(item: Any, name: str = field_name) -> str:
            if name in ("createdAt", "createdBy"):
                return str(item.created_at if name == "createdAt" else item.created_by)
            return str(metadata_of(item).get(name) or "")

        ordered.sort(key=value, reverse=direction == "desc")
    return ordered
