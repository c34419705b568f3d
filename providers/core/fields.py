"""Field markers read by the base provider.

A resource's Args model declares each input once; these markers, placed in ``Annotated`` metadata,
tell the base provider how the field behaves in diff, read and output handling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class ForceNew:
    """A change to this field replaces the resource."""


@dataclass(frozen=True)
class Secret:
    """Sensitive: stored as a secret output, never logged, redacted from error messages."""


@dataclass(frozen=True)
class WriteOnly:
    """The platform never returns this field (or it is provider-only): read keeps the prior input."""


@dataclass(frozen=True)
class ServerDefault:
    """Optional; when unset the platform chooses the value, which is kept and not diffed."""


Marker = ForceNew | Secret | WriteOnly | ServerDefault


def has_marker(field: FieldInfo, marker: type[Marker]) -> bool:
    return any(isinstance(item, marker) for item in field.metadata)


def fields_with(model: type[BaseModel], marker: type[Marker]) -> tuple[str, ...]:
    return tuple(name for name, field in model.model_fields.items() if has_marker(field, marker))


def markers_of(field: FieldInfo) -> tuple[str, ...]:
    """Names of the markers on a field, in a stable order, for docs and meta tests."""
    order = (ForceNew, Secret, WriteOnly, ServerDefault)
    return tuple(m.__name__ for m in order if has_marker(field, m))


def describe_default(field: FieldInfo) -> Any:
    """The default a user sees in docs: None for required fields and server defaults."""
    if field.is_required() or has_marker(field, ServerDefault):
        return None
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    return field.default
