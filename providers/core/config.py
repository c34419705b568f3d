"""Provider settings from the stack config (every namespace, secrets decrypted, read by namespaced
key: ``peak:apiKey``), with environment variables as fallback. Nothing read here is ever pickled.

Rules every platform's client follows when it reads its settings:

- **Each setting is declared once** (``Setting``, ``Credential``); the docs and the plugin's schema read it.
- **Stack config beats the environment**, key by key (``Settings.get``), and a platform whose
  credentials come from the stack config takes its endpoint from the stack config too (or the
  platform's default), never from the environment (``endpoint``): a shell that sourced the
  sandbox's exports cannot point a real stack's credentials at the sandbox.
- **Credentials are cleaned or refused** (``Settings.credential``): surrounding whitespace (the
  trailing newline a secret store or ``kubectl`` hands over) is stripped; a line break or control
  character inside (not what the platform issued, and HTTP could not carry it) is a ``ConfigError``
  naming the setting, never its value. Every credential is remembered for the one redaction.
- **A loopback endpoint says so**, once per process per platform (``check_endpoint``), and the
  demo's passphrase never protects a stack that reaches past this machine.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .errors import ConfigError
from .host import say
from .redaction import remember

# The passphrase scripts/demo.sh protects the demo's sandbox stacks with: public, so never a real stack's.
DEMO_PASSPHRASE = "sandbox-demo"
PASSPHRASE_ENV = "PULUMI_CONFIG_PASSPHRASE"
PASSPHRASE_FILE_ENV = "PULUMI_CONFIG_PASSPHRASE_FILE"

_said_lock = threading.Lock()
_said: set[tuple[str, str]] = set()


class Setting(NamedTuple):
    """A setting a client reads: its stack-config key, environment variables to fall back on, meaning."""

    key: str
    env: tuple[str, ...] = ()
    description: str = ""


class Credential(Setting):
    """A setting that holds a credential: read with ``Settings.credential``, secret in the plugin's schema."""


def as_setting(key: str | Setting | None, env: Sequence[str] = ()) -> Setting:
    """``key`` and ``env`` as a ``Setting``; a ``Setting`` stands for itself."""
    return key if isinstance(key, Setting) else Setting(key or "", tuple(env))


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
    def for_program(cls) -> Settings:
        """Settings as a Pulumi program sees them (its lookups): the same keys ``configure`` reads."""
        import pulumi.runtime  # a program has loaded it already; the provider's own imports stay without it

        # runtime.get_config returns secret keys' plain values without wrapping or warning; they never leave
        # this process.
        return cls(lookup=pulumi.runtime.get_config)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
        return cls(lookup=config.get, environ=environ)

    def find(self, key: str | Setting | None, env: Sequence[str] = ()) -> tuple[str | None, str | None]:
        """(the raw value, the ``key`` or environment variable it came from); stack config wins, then
        the first environment variable in ``env`` that is set to more than whitespace."""
        setting = as_setting(key, env)
        value = self.lookup(setting.key) if setting.key else None
        if value is not None and str(value).strip() != "":
            return str(value), setting.key
        for name in setting.env:
            env_value = self.environ.get(name)
            if env_value and env_value.strip():
                return env_value, name
        return None, None

    def get(self, key: str | Setting | None, env: Sequence[str] = ()) -> str | None:
        """``find``'s value with surrounding whitespace dropped (a value of only whitespace is unset)."""
        value, _ = self.find(key, env)
        return value.strip() if value is not None else None

    def in_config(self, *settings: Setting) -> bool:
        """Whether the stack config sets any of ``settings`` (their environment variables aside)."""
        return any(self.get(setting.key) is not None for setting in settings)

    def credential(self, key: str | Setting | None, env: Sequence[str] = (), platform: str = "") -> str | None:
        """A credential, found as ``find`` does, cleaned or refused and remembered (see the module's rules)."""
        setting = as_setting(key, env)
        raw, source = self.find(setting)
        if raw is None:
            return None
        remember(raw)
        value = raw.strip()
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            where = f"{source} ({'stack config' if source == setting.key else 'environment'})"
            raise ConfigError(
                f"configuring {platform} provider: the credential in {where} holds a line break or another "
                f"control character inside it; set {describe_setting(setting)} again to the value alone"
            )
        remember(value)
        return value

    def passphrase(self) -> str | None:
        """The passphrase the Pulumi CLI runs with (``PULUMI_CONFIG_PASSPHRASE`` or its file), if any."""
        value = self.environ.get(PASSPHRASE_ENV)
        path = self.environ.get(PASSPHRASE_FILE_ENV)
        if value is not None or not path:
            return value
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError:
            return None


def describe_setting(setting: Setting) -> str:
    """``peak:apiKey (or PEAK_AUTH_TOKEN / API_KEY in the environment)``: names only, for messages."""
    names = " / ".join(setting.env)
    if setting.key and names:
        return f"{setting.key} (or {names} in the environment)"
    return setting.key or f"{names} (environment)"


def missing_setting(platform: str, what: str, setting: Setting, value: str, instead: str | None = None) -> ConfigError:
    """The error for a setting nothing sets: the command that sets it, then ``instead`` (by default, its
    first environment variable)."""
    command = f"pulumi config set{' --secret' if isinstance(setting, Credential) else ''} {setting.key} <{value}>"
    otherwise = f" or set {setting.env[0]}" if instead is None else instead
    return ConfigError(f"configuring {platform} provider: no {what}; run `{command}`{otherwise}")


def endpoint(settings: Settings, platform: str, setting: Setting, credentials_from_config: bool) -> str | None:
    """The platform's endpoint: the stack config's; else the environment's, unless the credentials
    come from the stack config (then None, the platform's default; the ignored variable is named once)."""
    value = settings.get(setting.key)
    if value is not None:
        return value
    from_env, name = settings.find(None, setting.env)
    if from_env is None:
        return None
    if credentials_from_config:
        say_once(
            platform,
            "ignored-endpoint",
            f"{platform.lower()}: ignoring {name} from the environment: this stack's credentials come from its "
            f"config, so its endpoint does too (set {setting.key} to use another endpoint)",
        )
        return None
    return from_env.strip()


def is_loopback(url: str | None) -> bool:
    """Whether ``url`` (an endpoint, a template with ``{subdomain}`` included) is on this machine."""
    try:
        host = urlsplit((url or "").replace("{subdomain}", "x")).hostname or ""
        return host == "localhost" or host.endswith(".localhost") or ipaddress.ip_address(host).is_loopback
    except ValueError:  # not a URL, or a host that is neither a name for this machine nor an address
        return False


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url`` (a template keeps its ``{subdomain}`` slot)."""
    parts = urlsplit(url.replace("{subdomain}", "subdomain-slot"))
    return f"{parts.scheme}://{parts.netloc}".replace("subdomain-slot", "{subdomain}")


def say_once(platform: str, topic: str, message: str) -> None:
    """``message`` on the one printer, the first time this process meets ``(platform, topic)``."""
    with _said_lock:
        if (platform, topic) in _said:
            return
        _said.add((platform, topic))
    say(message)


def check_endpoint(settings: Settings, platform: str, url: str | None) -> None:
    """Where a platform's calls go (``url`` None: its public default), checked once its settings are
    read: a loopback endpoint is the sandbox, said once; any other is refused under the demo's public
    passphrase, which would then protect real credentials."""
    if is_loopback(url):
        say_once(platform, "sandbox", f"{platform.lower()}: using the local sandbox at {origin(str(url))}")
        return
    if settings.passphrase() == DEMO_PASSPHRASE:
        target = origin(url) if url else f"{platform}'s public endpoint"
        raise ConfigError(
            f"configuring {platform} provider: this stack points at {target}, but Pulumi runs with the demo's "
            f"passphrase ({DEMO_PASSPHRASE}), which is public and protects only the demo's sandbox stacks; give "
            f"this stack a passphrase of its own (or another secrets provider) before it holds real credentials"
        )
