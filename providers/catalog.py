"""Every resource type the project ships, by import path, so docs, meta tests and the benchmark
find them without importing every platform at runtime."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class ResourceEntry:
    platform: str
    module: str
    resource: str
    example: str
    """Folder under examples/ whose program the docs show."""

    @property
    def type_token(self) -> str:
        return f"pulumi-python:dynamic/{self.platform}:{self.resource}"

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


RESOURCES: tuple[ResourceEntry, ...] = (ResourceEntry("peak", "providers.peak.service", "Service", "peak-service"),)
