"""What every Dataiku DSS resource's provider shares: the platform's name and how its client is built."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from ..core.config import Settings
from ..core.provider import PlatformProvider
from ..core.resource import ResourceArgs

if TYPE_CHECKING:
    from .client import DataikuClient

PLATFORM = "Dataiku"
ArgsT = TypeVar("ArgsT", bound=ResourceArgs)


class DataikuProvider(PlatformProvider[ArgsT, "DataikuClient"]):
    platform = PLATFORM

    def build_client(self, settings: Settings) -> DataikuClient:
        from .client import DataikuClient  # the HTTP stack loads only when a request is due

        return DataikuClient.from_settings(settings)
