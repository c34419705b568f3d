"""Pure functions behind check and diff: validation of engine inputs, and the field-by-field diff.

The engine hands inputs over as plain values where every number is a float, and during preview
some values are ``Unknown``. Nothing here touches the network.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .fields import ForceNew, ServerDefault, describe_default, has_marker

PROVIDER_KEY = "__provider"
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Failure:
    """One bad input: the dotted path of the field and why it is wrong."""

    path: str
    reason: str


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def _split_unknowns(value: Any, path: Path, unknown_paths: list[Path]) -> Any:
    """Copy of ``value`` without its unknown parts; their paths are collected.

    A list holding an unknown is treated as unknown whole: dropping one item would shift the
    indices of the rest and blame the wrong element.
    """
    if isinstance(value, Mapping):
        kept: dict[str, Any] = {}
        for key, item in value.items():
            if is_unknown(item) or (isinstance(item, list | tuple) and contains_unknown(item)):
                unknown_paths.append((*path, key))
            else:
                kept[key] = _split_unknowns(item, (*path, key), unknown_paths)
        return kept
    return value


def dotted(loc: Iterable[str | int]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts)


def _reason(error: ErrorDetails, model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        candidates = list(model.model_fields) if len(error["loc"]) == 1 else []
        close = difflib.get_close_matches(name, candidates, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown input{hint}"
    if kind == "missing":
        return "required input is missing"
    # pydantic messages name the expectation, never the offending value, so secrets stay out.
    return error["msg"]


def _under(loc: Path, prefixes: list[Path]) -> bool:
    return any(loc[: len(prefix)] == prefix for prefix in prefixes)


@dataclass(frozen=True)
class CheckOutcome:
    inputs: dict[str, Any]
    failures: list[Failure]


def check_inputs(model: type[BaseModel], news: Mapping[str, Any], ignored: Iterable[str] = ()) -> CheckOutcome:
    """Validate engine inputs against an Args model.

    Returns canonical inputs (defaults filled, floats turned into ints) when every value is
    known; during preview, unknown values pass through untouched and only the known ones are
    judged. ``ignored`` names keys the program sends that are not inputs (output placeholders).
    """
    ignored_keys = {PROVIDER_KEY, *ignored}
    props = {k: v for k, v in news.items() if k not in ignored_keys or k in model.model_fields}
    unknown_paths: list[Path] = []
    known = _split_unknowns(props, (), unknown_paths)
    failures: list[Failure] = []
    validated: BaseModel | None = None
    try:
        validated = _validate(model, known)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if not _under(loc, unknown_paths):
                failures.append(Failure(dotted(loc), _reason(error, model)))
    if validated is not None:
        failures.extend(Failure(path, reason) for path, reason in cross_checks(validated))
    if failures or validated is None or unknown_paths:
        return CheckOutcome(dict(props), failures)
    return CheckOutcome(validated.model_dump(mode="python"), failures)


def _validate(model: type[BaseModel], values: Mapping[str, Any]) -> BaseModel:
    validate = getattr(model, "validate_inputs", None)
    return validate(values) if callable(validate) else model.model_validate(values)


def cross_checks(args: BaseModel) -> list[tuple[str, str]]:
    checker = getattr(args, "cross_field_problems", None)
    return list(checker()) if callable(checker) else []


def normalize(value: Any) -> Any:
    """Compare-ready form: integral floats become ints (the engine turns every number into a float)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    return value


@dataclass(frozen=True)
class InputDiff:
    changed: tuple[str, ...]
    replaces: tuple[str, ...]
    delete_before_replace: bool


def diff_inputs(
    model: type[BaseModel],
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    identity_fields: Iterable[str] = (),
) -> InputDiff:
    """Field-by-field diff of prior outputs against new checked inputs.

    An unknown new value counts as changed (and as a replace on a ForceNew field). A
    ServerDefault field left unset keeps whatever the platform chose. A replace that keeps the
    object's unique identity (its name) must delete first, or the new object would collide with
    the old one.
    """
    changed: list[str] = []
    for name, field in model.model_fields.items():
        default = describe_default(field)
        new = news.get(name, default)
        if contains_unknown(new):
            changed.append(name)
            continue
        if has_marker(field, ServerDefault) and new is None:
            continue
        old = olds.get(name, default)
        if normalize(old) != normalize(new):
            changed.append(name)
    replaces = tuple(n for n in changed if has_marker(model.model_fields[n], ForceNew))
    identity = tuple(identity_fields)
    keeps_identity = bool(identity) and not any(n in changed for n in identity)
    return InputDiff(tuple(changed), replaces, bool(replaces) and keeps_identity)
