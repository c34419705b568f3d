"""Declarative models for resource inputs and outputs (annotations with ``Field(...)`` defaults), and
the validation behind ``check``: strict about what users send, forgiving only where the engine or
Terraform's conversions make it expected (numbers arrive as floats, so an integral float is an int; a
number or boolean written as text, as `Config.get` returns them, is that value; ``None`` means "not
set": Pulumi drops None inputs). Messages name the expectation, never the offending value, so secrets
stay out of them. No validation library on purpose: a program and a preview load only this, and every
millisecond of import is paid twice per `pulumi preview` (program and provider process).
"""

from __future__ import annotations

import math
import operator
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Self, Union

from .fields import REQUIRED, FieldSpec, Marker, Secret, has_marker

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

_NONE_TYPE = type(None)
# How messages name the types they expect.
_TYPE_NAMES = {str: "string", bool: "boolean", int: "integer", float: "number", list: "list", dict: "dictionary"}
_CACHE = "_field_specs_cache"


class Model:
    """Base of Args and Outputs: fields declared once, as annotations with ``Field(...)`` defaults."""

    @classmethod
    def field_specs(cls) -> dict[str, FieldSpec]:
        """Every field in declaration order, with its resolved type and markers."""
        cached: dict[str, FieldSpec] | None = cls.__dict__.get(_CACHE)
        if cached is None:
            cached = _resolve(cls)
            setattr(cls, _CACHE, cached)
        return cached

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> tuple[Self | None, list[Problem]]:
        """Validate plain values; the instance, or None and one problem per bad field (never raises)."""
        problems: list[Problem] = []
        parsed = _parse_model(cls, values, (), problems)
        return (parsed if isinstance(parsed, cls) and not problems else None), problems

    @classmethod
    def canonical_known(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """Every field's canonical value where it can be judged: validated when valid, its default when
        absent; a value that does not validate is kept as given (check reports it elsewhere)."""
        parsed: dict[str, Any] = {}
        for name, spec in cls.field_specs().items():
            raw = values.get(name)
            if raw is not None:
                ok, result = _parse_value(spec.annotation, raw, (name,), [])
                parsed[name] = result if ok else raw
        return cls.from_values(parsed).to_dict()

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Self:
        """An instance holding already validated values, unset fields at their defaults."""
        instance = cls.__new__(cls)
        instance._set_fields(values)
        return instance

    def _set_fields(self, values: Mapping[str, Any]) -> None:
        for name, spec in type(self).field_specs().items():
            value = values.get(name)
            self.__dict__[name] = spec.make_default() if value is None else value

    def to_dict(self) -> dict[str, Any]:
        """Plain values of every field (nested models as dicts), as check returns them to the engine."""
        return {name: _plain(self.__dict__.get(name)) for name in type(self).field_specs()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and type(other) is type(self) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = []
        for name, spec in type(self).field_specs().items():
            value = self.__dict__.get(name)
            shown.append(f"{name}={'***' if has_marker(spec, Secret) and value is not None else repr(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"


def fields_with(model: type[Model], marker: type[Marker]) -> tuple[str, ...]:
    return tuple(name for name, spec in model.field_specs().items() if has_marker(spec, marker))


# ---- resolving declarations --------------------------------------------------------------------


def _resolve(cls: type) -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    # Every annotation of the class and its bases, in declaration order (bases first).
    for name, hint in typing.get_type_hints(cls, include_extras=True).items():
        if name.startswith("_") or typing.ClassVar in (hint, typing.get_origin(hint)):
            continue
        markers: tuple[Marker, ...] = ()
        if typing.get_origin(hint) is typing.Annotated:
            hint, *extras = typing.get_args(hint)
            markers = tuple(extra for extra in extras if not isinstance(extra, FieldSpec))
        declared = getattr(cls, name, REQUIRED)
        spec = declared if isinstance(declared, FieldSpec) else FieldSpec(default=declared)
        specs[name] = spec._replace(name=name, annotation=hint, markers=markers)
    return specs


# ---- validation ----------------------------------------------------------------------------------


def _parse_model(model: type[Model], value: Any, loc: Loc, problems: list[Problem]) -> Model | None:
    if not isinstance(value, Mapping):
        problems.append((loc, "Input should be an object"))
        return None
    specs = model.field_specs()
    before = len(problems)
    problems.extend(((*loc, key), unknown_key_reason(str(key), specs)) for key in value if key not in specs)
    parsed: dict[str, Any] = {}
    for name, spec in specs.items():
        if value.get(name) is not None:
            parsed[name] = _parse_field(spec, value[name], (*loc, name), problems)
        elif spec.required:
            problems.append(((*loc, name), "required input is missing"))
    return model.from_values(parsed) if len(problems) == before else None


def _parse_field(spec: FieldSpec, value: Any, loc: Loc, problems: list[Problem]) -> Any:
    """The field's canonical value, judged by its type and then its constraints."""
    ok, result = _parse_value(spec.annotation, value, loc, problems)
    reason = _constraint_problem(spec, result) if ok else None
    if reason:
        problems.append((loc, reason))
    return result


def unknown_key_reason(key: str, known: Mapping[str, Any]) -> str:
    import difflib  # only a wrong input needs it; previews of good inputs skip the import

    close = difflib.get_close_matches(key, list(known), n=1)
    return f"unknown input; did you mean '{close[0]}'?" if close else "unknown input"


def _parse_value(tp: Any, value: Any, loc: Loc, problems: list[Problem]) -> tuple[bool, Any]:
    """(True, canonical value) or (False, None) with the problems recorded."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return True, value
    if origin is typing.Annotated:
        return _parse_value(typing.get_args(tp)[0], value, loc, problems)
    if origin in (Union, types.UnionType):
        return _parse_union(typing.get_args(tp), value, loc, problems)
    if origin is Literal:
        choices = typing.get_args(tp)
        if any(value == choice and type(value) is type(choice) for choice in choices):
            return True, value
        return _fail(problems, loc, f"Input should be {_either(choices)}")
    if tp is bool and value in ("true", "false"):
        value = value == "true"
    if tp in (int, float):
        value = _number_from_text(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _fail(problems, loc, f"Input should be a valid {_TYPE_NAMES[tp]}")
        if tp is int and isinstance(value, float) and not value.is_integer():
            return _fail(problems, loc, "Input should be a valid integer, got a number with a fractional part")
        return True, tp(value)
    if tp in (list, dict) or origin in (list, dict):
        return _parse_items(origin or tp, typing.get_args(tp), value, loc, problems)
    if isinstance(tp, type) and issubclass(tp, Model):
        parsed = _parse_model(tp, value, loc, problems)
        return parsed is not None, parsed
    if isinstance(tp, type) and isinstance(value, tp):
        return True, value
    return _fail(problems, loc, f"Input should be a valid {_TYPE_NAMES.get(tp, getattr(tp, '__name__', tp))}")


def _parse_union(members: tuple[Any, ...], value: Any, loc: Loc, problems: list[Problem]) -> tuple[bool, Any]:
    if value is None and _NONE_TYPE in members:
        return True, None
    attempts: list[list[Problem]] = []
    for member in (m for m in members if m is not _NONE_TYPE):
        attempts.append([])
        ok, result = _parse_value(member, value, loc, attempts[-1])
        if ok:
            return True, result
    # The first member's problems: what the field is mainly meant to be.
    problems.extend(attempts[0] if attempts else ())
    return False, None


def _number_from_text(value: Any) -> Any:
    """A number written as text ("42", what `Config.get` returns) as that number, as Terraform
    converts it; any other value unchanged, to be judged by its type."""
    if not isinstance(value, str):
        return value
    try:
        number = float(value.strip())
    except ValueError:
        return value
    if not math.isfinite(number):
        return value
    return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number


def _parse_items(kind: type, args: tuple[Any, ...], value: Any, loc: Loc, problems: list[Problem]) -> tuple[bool, Any]:
    """A list (its items by index) or a dictionary (its values by key, which must be strings)."""
    if not isinstance(value, list | tuple if kind is list else Mapping):
        return _fail(problems, loc, f"Input should be a valid {_TYPE_NAMES[kind]}")
    item_type = args[-1] if args else Any
    before = len(problems)
    parsed: dict[Any, Any] = {}
    for key, item in enumerate(value) if isinstance(value, list | tuple) else value.items():
        if kind is list or isinstance(key, str):
            parsed[key] = _parse_value(item_type, item, (*loc, key), problems)[1]
        else:
            problems.append((loc, "Keys should be strings"))
    if len(problems) > before:
        return False, None
    return True, list(parsed.values()) if kind is list else parsed


def _constraint_problem(spec: FieldSpec, value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        bounds = (
            (spec.gt, operator.gt, "greater than"),
            (spec.ge, operator.ge, "greater than or equal to"),
            (spec.lt, operator.lt, "less than"),
            (spec.le, operator.le, "less than or equal to"),
        )
        for bound, holds, words in bounds:
            if bound is not None and not holds(value, bound):
                return f"Input should be {words} {format_bound(bound)}"
    if isinstance(value, str) and spec.pattern is not None and not re.search(spec.pattern, value):
        return f"String should match pattern '{spec.pattern}'"
    if isinstance(value, str | list | dict):
        noun, unit = ("String", "character") if isinstance(value, str) else ("Value", "item")
        lengths = ((spec.min_length, "at least", operator.ge), (spec.max_length, "at most", operator.le))
        for limit, words, holds in lengths:
            if limit is not None and not holds(len(value), limit):
                return f"{noun} should have {words} {limit} {unit}{'s' if limit != 1 else ''}"
    return None


def _fail(problems: list[Problem], loc: Loc, reason: str) -> tuple[bool, Any]:
    problems.append((loc, reason))
    return False, None


def _either(choices: tuple[Any, ...]) -> str:
    quoted = [repr(c) for c in choices]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def format_bound(bound: float) -> str:
    """A bound as people write it: `0`, not `0.0`."""
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
