"""How a resource declares each field once: ``name: Annotated[str, ForceNew()] = Field(description=...)``.

This module and ``schema`` are all a program and a preview load (no validation library), so
`pulumi preview` costs the same as the engine's floor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class ForceNew:
    """A change to this field replaces the resource."""


class Secret:
    """Sensitive: stored as a secret output, never logged, redacted from error messages."""


class WriteOnly:
    """The platform never returns this field (or it is provider-only): read keeps the prior input."""


class ServerDefault:
    """Optional; when unset the platform chooses the value, which is kept and not diffed."""


# Plain classes and named tuples, not dataclasses: a dataclass costs ~0.5 ms to define, paid by
# every program and every provider process of every preview.
Marker = ForceNew | Secret | WriteOnly | ServerDefault


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""The default of a field the user must set."""


class FieldSpec(NamedTuple):
    """What ``Field(...)`` returns; its name, type and markers are filled in when the model resolves."""

    default: Any = REQUIRED
    default_factory: Callable[[], Any] | None = None
    description: str = ""
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    name: str = ""
    annotation: Any = None
    markers: tuple[Marker, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED and self.default_factory is None

    def make_default(self) -> Any:
        """A fresh default value (a new dict or list each time, never a shared one)."""
        if self.default_factory is not None:
            return self.default_factory()
        return None if self.default is REQUIRED else self.default

    def constraints(self) -> dict[str, Any]:
        names = ("gt", "ge", "lt", "le", "pattern", "min_length", "max_length")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def Field(
    default: Any = REQUIRED,
    *,
    default_factory: Callable[[], Any] | None = None,
    description: str = "",
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    pattern: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> Any:
    """Declare a field; typed ``Any`` so ``name: str = Field(...)`` type-checks."""
    return FieldSpec(default, default_factory, description, gt, ge, lt, le, pattern, min_length, max_length)


def has_marker(spec: FieldSpec, marker: type[Marker]) -> bool:
    return any(isinstance(item, marker) for item in spec.markers)


def describe_default(spec: FieldSpec) -> Any:
    """The default docs show and diff compares with: None for required fields and server defaults."""
    return None if spec.required or has_marker(spec, ServerDefault) else spec.make_default()
