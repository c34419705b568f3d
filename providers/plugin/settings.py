"""The plugin's provider configuration, as the core's ``Settings`` reads it.

A client's stack-config key (`peak:apiKey`) is answered, in order, by:

1. the provider's inputs: an explicit ``mlplatforms.Provider``'s arguments, or the default provider's
   `mlplatforms:` stack config (`mlplatforms:peakApiKey`);
2. for the default provider only, the stack's config under the dynamic types' keys, so a stack moves to
   the plugin with no config change. The engine hands a plugin only its own namespace, so these are read
   once, when first needed, from the running `pulumi` CLI (which decrypts secrets);
3. the environment variables the core's clients already fall back on.

An explicit provider never reads the stack's platform config: two tenants' providers must not silently
share a credential.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..core.errors import ConfigError
from .names import CORE_NAMESPACE, config_property

CLI_TIMEOUT_SECONDS = 60.0


def parse_provider_urn(urn: str) -> tuple[str, str, str]:
    """(stack, project, name) of `urn:pulumi:<stack>::<project>::pulumi:providers:mlplatforms::<name>`."""
    parts = urn.split("::")
    if len(parts) < 4:
        return "", "", ""
    return parts[0].rsplit(":", 1)[-1], parts[1], "::".join(parts[3:])


def is_default_provider(name: str) -> bool:
    """The engine names the provider it makes from stack config `default` or `default_<version>`."""
    return name == "default" or name.startswith("default_")


def pulumi_cli() -> str | None:
    """The CLI that started this plugin (its parent process), else the one on PATH."""
    try:
        parent = os.readlink(f"/proc/{os.getppid()}/exe")
    except OSError:
        parent = ""
    return parent if os.path.basename(parent) == "pulumi" else shutil.which("pulumi")


def stack_config_from_cli(stack: str) -> dict[str, str]:
    """The stack's config, every namespace, secrets decrypted, as the CLI prints it."""
    cli = pulumi_cli()
    if cli is None:
        raise ConfigError("configuring mlplatforms provider: cannot find the pulumi CLI to read the stack's config")
    command = [cli, "config", "--json", "--show-secrets", "--stack", stack]
    env = {**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "1"}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as failed:
        raise ConfigError(f"configuring mlplatforms provider: reading the stack's config failed: {failed}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ConfigError(
            f"configuring mlplatforms provider: `pulumi config` for stack {stack} failed ({last}); set the "
            "provider's own config (`pulumi config set --secret mlplatforms:peakApiKey ...`) instead"
        )
    data = json.loads(done.stdout or "{}")
    return {key: str(entry.get("value")) for key, entry in data.items() if entry.get("value") is not None}


class PluginConfig:
    """``get(key)`` for ``Settings``; ``stack_config`` (default provider only) is called once, lazily."""

    def __init__(self, inputs: Mapping[str, Any], stack_config: Callable[[], Mapping[str, str]] | None = None) -> None:
        self._inputs = {key: value for key, value in inputs.items() if value is not None and value != ""}
        self._stack_config = stack_config
        self._loaded: Mapping[str, str] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "PluginConfig(...)"  # never the values

    def get(self, key: str) -> Any:
        value = self._inputs.get(config_property(key))
        if value is not None:
            return value
        # The concurrency cap is read at configure time, on every start: never worth a CLI call.
        if self._stack_config is None or key.startswith(f"{CORE_NAMESPACE}:"):
            return None
        with self._lock:
            if self._loaded is None:
                self._loaded = self._stack_config()
            return self._loaded.get(key)
