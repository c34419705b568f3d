"""Every resource type the project ships, by import path, so docs, the plugin, meta tests and the
benchmark find them without importing every platform at run time. The samples the tests and the
benchmark use are in tests/samples.py."""

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


RESOURCES: tuple[ResourceEntry, ...] = (
    ResourceEntry("peak", "providers.peak.service", "Service", "peak-service"),
    ResourceEntry("peak", "providers.peak.press_deployment", "PressDeployment", "peak-press-deployment"),
    ResourceEntry("peak", "providers.peak.block_spec", "BlockSpec", "peak-press-deployment"),
    ResourceEntry("abeja", "providers.abeja.trigger", "Trigger", "abeja-trigger"),
    ResourceEntry("dataiku", "providers.dataiku.code_studio", "CodeStudio", "dataiku-code-studio"),
    ResourceEntry("dataiku", "providers.dataiku.code_studio_template", "CodeStudioTemplate", "dataiku-code-studio"),
    ResourceEntry("appconfig", "providers.appconfig.deployment", "Deployment", "appconfig-with-pulumi-aws"),
    ResourceEntry(
        "appconfig",
        "providers.appconfig.hosted_configuration_version",
        "HostedConfigurationVersion",
        "appconfig-with-pulumi-aws",
    ),
)
