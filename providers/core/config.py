"""Provider settings from stack config, with environment variables as fallback.

``configure()`` receives the whole stack config (every namespace, secrets decrypted); settings
are read by their namespaced key (``peak:apiKey``). Nothing read here is ever stored on a pickled
object.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any


class Settings:
    """Stack config lookups (namespaced keys) plus the environment to fall back on."""

    def __init__(self, lookup: Callable[[str], Any] | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.lookup: Callable[[str], Any] = lookup or (lambda _key: None)
        self.environ: Mapping[str, str] = dict(os.environ) if environ is None else environ

    def __repr__(self) -> str:
        # Never the values: the environment and the config hold credentials.
        return "Settings(...)"

    @classmethod
    def from_pulumi_config(cls, config: Any) -> Settings:
        """Build from the ``pulumi.dynamic.Config`` handed to ``configure``."""
        return cls(lookup=config.get)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
        return cls(lookup=config.get, environ=environ)

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
