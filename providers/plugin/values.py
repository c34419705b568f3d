"""Between the engine's property values and the plain values the core's providers take.

The plugin accepts secrets (to keep a `Secret` field secret in state) but not output values or resource
references, so an unknown arrives as the engine's sentinel string. Plain values are what a dynamic provider
receives: secrets unwrapped, unknowns as ``Unknown``, numbers as floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.output import Unknown
from pulumi.provider.experimental.property_value import PropertyValue, ResourceReference
from pulumi.runtime.rpc import UNKNOWN

PropertyMap = dict[str, PropertyValue]
# What the core's check and diff take for a value not known yet (one instance serves: it has no state).
UNKNOWN_VALUE: Any = Unknown()  # type: ignore[no-untyped-call]


def plain(value: PropertyValue, keep_unknowns: bool = True) -> Any:
    """The plain value; an unknown as ``Unknown``, or None when not kept."""
    inner = value.value
    if (isinstance(inner, str) and inner == UNKNOWN) or type(inner).__name__ == "Computed":
        return UNKNOWN_VALUE if keep_unknowns else None
    if isinstance(inner, Mapping):
        return {key: plain(item, keep_unknowns) for key, item in inner.items()}
    if isinstance(inner, tuple | list):
        return [plain(item, keep_unknowns) for item in inner]
    if isinstance(inner, ResourceReference):
        return plain(inner.resource_id, keep_unknowns) if inner.resource_id is not None else inner.urn
    return inner


def plain_map(values: Mapping[str, PropertyValue], keep_unknowns: bool = True) -> dict[str, Any]:
    return {key: plain(value, keep_unknowns) for key, value in values.items()}


def secret_keys(values: Mapping[str, PropertyValue]) -> set[str]:
    """Top-level keys whose value is or holds a secret."""
    return {key for key, value in values.items() if value.contains_secret()}


def wrap(value: Any, secret: bool = False) -> PropertyValue:
    """A property value for the engine; ``Unknown`` becomes the engine's unknown."""
    if isinstance(value, Unknown):
        wrapped = PropertyValue(UNKNOWN)
    elif value is None or isinstance(value, bool | str):
        wrapped = PropertyValue(value)
    elif isinstance(value, int | float):
        wrapped = PropertyValue(float(value))
    elif isinstance(value, Mapping):
        wrapped = PropertyValue({str(key): wrap(item) for key, item in value.items()})
    elif isinstance(value, list | tuple):
        wrapped = PropertyValue([wrap(item) for item in value])
    else:
        raise TypeError(f"cannot hand a {type(value).__name__} to the engine")
    return wrapped.with_secret(True) if secret else wrapped


def wrap_map(values: Mapping[str, Any], secrets: Iterable[str] = ()) -> PropertyMap:
    hidden = set(secrets)
    return {key: wrap(value, key in hidden) for key, value in values.items()}
