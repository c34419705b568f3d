"""The emulated platforms the sandbox serves, in the order they are listed: the one place that names them."""

from __future__ import annotations

from providers.sandbox import abeja, appconfig, dataiku, peak
from providers.sandbox.core.app import PlatformFactory

PLATFORMS: tuple[PlatformFactory, ...] = (
    peak.create_platform,
    abeja.create_platform,
    dataiku.create_platform,
    appconfig.create_platform,
)
