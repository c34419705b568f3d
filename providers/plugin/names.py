"""Names on the plugin's side of the wire: type tokens and camelCase property names.

A Pulumi package schema names properties in camelCase (the generated SDK turns them back into the models'
snake_case, which the dynamic types keep in state). Only top-level names and nested models' fields are
translated: the keys of a map input (environment variables, parameters) are data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGE = "mlplatforms"
VERSION = "0.1.0"
# The Pulumi config namespace of the concurrency cap; the plugin's own key is `maxConcurrency`.
CORE_NAMESPACE = "mlPlatforms"
# Served by GetSchema; written at build time by scripts/gen_plugin.py (from scripts/plugin_schema.py).
SCHEMA_PATH = Path(__file__).with_name("schema.json")


def type_token(platform: str, resource: str) -> str:
    return f"{PACKAGE}:{platform}:{resource}"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """The inverse of ``camel`` for the models' names."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def config_property(key: str) -> str:
    """A dynamic stack-config key as the plugin names it: `peak:apiKey` -> `peakApiKey`, but
    `mlPlatforms:maxConcurrency` -> `maxConcurrency`."""
    namespace, _, name = key.partition(":")
    return name if namespace == CORE_NAMESPACE else namespace + name[:1].upper() + name[1:]


def to_wire(values: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level keys in camelCase; bookkeeping keys (`__meta`) as they are."""
    return {key if key.startswith("__") else camel(key): value for key, value in values.items()}


def from_wire(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key if key.startswith("__") else snake(key): value for key, value in values.items()}
