"""Provider settings from stack config, with environment variables as fallback.

``configure()`` receives the whole stack config (every namespace, secrets decrypted); settings
are read by their namespaced key (``peak:apiKey``). Nothing read here is ever stored on a pickled
object.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Stack config lookups (namespaced keys) plus the environment to fall back on."""

    lookup: Callable[[str], Any] = lambda _key: None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @classmethod
    def from_pulumi_config(cls, config: Any) -> Settings:
        """Build from the ``pulumi.dynamic.Config`` handed to ``configure``."""
        return cls(lookup=config.get)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
        return cls(lookup=config.get, environ=dict(os.environ) if environ is None else environ)

    def get(self, key: str, env: Sequence[str] = ()) -> str | None:
        """Stack config wins; then the first non-empty environment variable named in ``env``."""
        value = self.lookup(key)
        if value is not None and str(value) != "":
            return str(value)
        for name in env:
            env_value = self.environ.get(name)
            if env_value:
                return env_value
        return None
