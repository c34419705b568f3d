"""What every Dataiku DSS resource's provider shares: the platform's name and how its client is built."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from ..core.provider import PlatformProvider
from ..core.resource import ResourceArgs

if TYPE_CHECKING:
    # Named in the quoted type argument below only; loaded by `client_class` when a request is due.
    from .client import DataikuClient  # noqa: F401

PLATFORM = "Dataiku"
ArgsT = TypeVar("ArgsT", bound=ResourceArgs)


class DataikuProvider(PlatformProvider[ArgsT, "DataikuClient"]):
    platform = PLATFORM
    client_class = "providers.dataiku.client:DataikuClient"
