"""Pure functions behind check and diff: validation of engine inputs, and the field-by-field diff.

The engine hands inputs over as plain values where every number is a float, and during preview
some values are ``Unknown``. Nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from pulumi.output import Unknown

from .fields import ForceNew, ServerDefault, describe_default, has_marker
from .resource import ResourceArgs

PROVIDER_KEY = "__provider"
Path = tuple[str | int, ...]


class Failure(NamedTuple):
    """One bad input: the dotted path of the field and why it is wrong."""

    path: str
    reason: str


def contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
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
            if isinstance(item, Unknown) or (isinstance(item, list | tuple) and contains_unknown(item)):
                unknown_paths.append((*path, key))
            else:
                kept[key] = _split_unknowns(item, (*path, key), unknown_paths)
        return kept
    return value


def dotted(loc: Iterable[str | int]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).removeprefix(".")


def _under(loc: Path, prefixes: list[Path]) -> bool:
    return any(loc[: len(prefix)] == prefix for prefix in prefixes)


class CheckOutcome(NamedTuple):
    inputs: dict[str, Any]
    failures: list[Failure]


def check_inputs(model: type[ResourceArgs], news: Mapping[str, Any], ignored: Iterable[str] = ()) -> CheckOutcome:
    """Validate engine inputs against an Args model; canonical inputs (defaults filled, floats turned
    into ints). During preview, unknown values (and any field holding one) pass through untouched while
    the known ones are judged and made canonical just the same. ``ignored``: keys the program sends that
    are not inputs (output placeholders)."""
    specs = model.field_specs()
    ignored_keys = {PROVIDER_KEY, *ignored}
    props = {k: v for k, v in news.items() if k not in ignored_keys or k in specs}
    unknown_paths: list[Path] = []
    known = _split_unknowns(props, (), unknown_paths)
    validated, problems = model.parse(known)
    failures = [Failure(dotted(loc), reason) for loc, reason in problems if not _under(loc, unknown_paths)]
    if validated is not None:
        failures.extend(Failure(path, reason) for path, reason in validated.cross_field_problems())
    if unknown_paths and not failures:
        # Known inputs get their defaults and canonical form even while others are unknown, so a
        # preview shows exactly what changes and never a kept input as removed.
        pending = {str(path[0]) for path in unknown_paths}
        return CheckOutcome(model.canonical_known(known) | {k: props[k] for k in pending}, failures)
    return CheckOutcome(dict(props) if failures or validated is None else validated.to_dict(), failures)


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


class InputDiff(NamedTuple):
    changed: tuple[str, ...]
    replaces: tuple[str, ...]
    delete_before_replace: bool


def diff_inputs(
    model: type[ResourceArgs], olds: Mapping[str, Any], news: Mapping[str, Any], identity_fields: Iterable[str] = ()
) -> InputDiff:
    """Field-by-field diff of prior outputs against new checked inputs. An unknown new value counts as
    changed; a ServerDefault field left unset keeps what the platform chose. A replace that keeps the
    object's unique identity (its name) must delete first, or the new object would collide with the old."""
    changed: list[str] = []
    specs = model.field_specs()
    for name, field in specs.items():
        default = describe_default(field)
        new = news.get(name, default)
        old = olds.get(name, default)
        # State never holds an Unknown, so equal values mean known and unchanged: the common case
        # of a no-change preview skips the deeper checks below.
        if new == old or (new is None and has_marker(field, ServerDefault)):
            continue
        if contains_unknown(new) or normalize(old) != normalize(new):
            changed.append(name)
    replaces = tuple(n for n in changed if has_marker(specs[n], ForceNew))
    identity = tuple(identity_fields)
    keeps_identity = bool(identity) and not any(n in changed for n in identity)
    return InputDiff(tuple(changed), replaces, bool(replaces) and keeps_identity)
