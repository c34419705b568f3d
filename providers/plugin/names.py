"""Names on the plugin's side of the wire: type tokens and camelCase property names.

The dynamic types keep the models' snake_case names in state; a Pulumi package schema names
properties in camelCase (the generated Python SDK turns them back into the same snake_case names,
and YAML programs write them as the schema does). Only top-level property names and the fields of
nested models are translated: the keys of a map input (environment variables, parameters) are data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PACKAGE = "mlplatforms"
VERSION = "0.1.0"
# The Pulumi config namespace of the concurrency cap; the plugin's own key is `maxConcurrency`.
CORE_NAMESPACE = "mlPlatforms"


def type_token(platform: str, resource: str) -> str:
    """`mlplatforms:peak:Service`."""
    return f"{PACKAGE}:{platform}:{resource}"


def camel(name: str) -> str:
    """`image_id` -> `imageId` (a name without underscores is kept)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """`imageId` -> `image_id`: the inverse of ``camel`` for the models' names."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def config_property(key: str) -> str:
    """The plugin's config property for a dynamic stack-config key: `peak:apiKey` -> `peakApiKey`,
    `aws:region` -> `awsRegion`, `mlPlatforms:maxConcurrency` -> `maxConcurrency`."""
    namespace, _, name = key.partition(":")
    if namespace == CORE_NAMESPACE:
        return name
    return namespace + name[:1].upper() + name[1:]


def to_wire(values: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level keys in camelCase; bookkeeping keys (`__meta`) as they are."""
    return {key if key.startswith("__") else camel(key): value for key, value in values.items()}


def from_wire(values: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level keys back in snake_case."""
    return {key if key.startswith("__") else snake(key): value for key, value in values.items()}
