"""Thin ABEJA Platform client: one method per endpoint, wire models in, our errors out."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..core import ConfigError, Operation, Settings
from ..core.error_bodies import error_object
from ..core.transport import HttpTransport, join_path
from .models import ChannelWire, DeploymentWire, RunsPageWire, RunWire, TriggerWire, VersionWire

PLATFORM = "ABEJA"
DEFAULT_API_URL = "https://api.abeja.io"
MAX_PAGES = 1000

API_TOKEN_CONFIG = "abeja:apiToken"
USER_ID_CONFIG = "abeja:userId"
ACCESS_TOKEN_CONFIG = "abeja:personalAccessToken"
API_URL_CONFIG = "abeja:apiUrl"
ORGANIZATION_CONFIG = "abeja:organizationId"
# The official SDK's variables, so a shell already set up for abeja-sdk works unchanged.
API_TOKEN_ENV = "PLATFORM_AUTH_TOKEN"
USER_ID_ENV = "ABEJA_PLATFORM_USER_ID"
ACCESS_TOKEN_ENV = "ABEJA_PLATFORM_PERSONAL_ACCESS_TOKEN"
API_URL_ENV = "ABEJA_API_URL"
ORGANIZATION_ENV = "ABEJA_ORGANIZATION_ID"

CONFIG_DOCS = (
    (API_TOKEN_CONFIG, (API_TOKEN_ENV,), "Platform auth token, sent as `Bearer`; set it as a secret."),
    (USER_ID_CONFIG, (USER_ID_ENV,), "User id for Basic auth with a personal access token (`user-` is added)."),
    (ACCESS_TOKEN_CONFIG, (ACCESS_TOKEN_ENV,), "Personal access token of that user; set it as a secret."),
    (API_URL_CONFIG, (API_URL_ENV,), f"API base URL; default `{DEFAULT_API_URL}` (the sandbox prints its own)."),
    (ORGANIZATION_CONFIG, (ORGANIZATION_ENV,), "Organization used when a resource does not name one."),
)


@dataclass(frozen=True)
class AbejaConnection:
    """Where and how to reach the platform; ``authorization`` is the whole header value."""

    api_url: str
    authorization: str
    secrets: tuple[str, ...]
    organization_id: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AbejaConnection:
        """Credentials as the SDK picks them (a token before a user id and access token), stack
        config before the environment, so a stack never silently uses the shell's account."""
        api_url = (settings.get(API_URL_CONFIG, (API_URL_ENV,)) or DEFAULT_API_URL).rstrip("/")
        organization = settings.get(ORGANIZATION_CONFIG, (ORGANIZATION_ENV,))
        for source in (_from_config(settings), _from_environment(settings)):
            if source is not None:
                header, secrets = source
                return cls(api_url, header, secrets, organization)
        raise ConfigError(
            "configuring ABEJA provider: no credentials; run `pulumi config set --secret abeja:apiToken <token>` "
            "(or set abeja:userId and abeja:personalAccessToken), or set PLATFORM_AUTH_TOKEN"
        )

    def __repr__(self) -> str:
        # The dataclass repr would print the credential into tracebacks and logs.
        return f"AbejaConnection(api_url={self.api_url!r}, organization_id={self.organization_id!r})"


def _bearer(token: str) -> tuple[str, tuple[str, ...]]:
    return f"Bearer {token}", (token,)


def _basic(user_id: str, access_token: str) -> tuple[str, tuple[str, ...]]:
    user = user_id if user_id.startswith("user-") else f"user-{user_id}"
    encoded = base64.b64encode(f"{user}:{access_token}".encode()).decode()
    return f"Basic {encoded}", (access_token, encoded)


def _from_config(settings: Settings) -> tuple[str, tuple[str, ...]] | None:
    token = settings.get(API_TOKEN_CONFIG)
    if token:
        return _bearer(token)
    user_id, access_token = settings.get(USER_ID_CONFIG), settings.get(ACCESS_TOKEN_CONFIG)
    return _basic(user_id, access_token) if user_id and access_token else None


def _from_environment(settings: Settings) -> tuple[str, tuple[str, ...]] | None:
    token = settings.environ.get(API_TOKEN_ENV)
    if token:
        return _bearer(token)
    user_id, access_token = settings.environ.get(USER_ID_ENV), settings.environ.get(ACCESS_TOKEN_ENV)
    return _basic(user_id, access_token) if user_id and access_token else None


def abeja_error_cause(response: Any) -> str:
    """`error: error_description`, plus the per-field `error_detail` when the platform sends one."""
    body, fallback = error_object(response)
    if body is None:
        return fallback
    parts = [str(part) for part in (body.get("error"), body.get("error_description")) if part]
    cause = ": ".join(parts) or fallback
    detail = body.get("error_detail")
    if isinstance(detail, dict) and detail:
        cause += " (" + "; ".join(f"{k}: {v}" for k, v in detail.items())[:300] + ")"
    return cause


class AbejaClient:
    """Deployments, versions, channels, triggers and runs of the ABEJA Platform API."""

    def __init__(self, connection: AbejaConnection, transport: HttpTransport | None = None) -> None:
        self.connection = connection
        self.transport = transport or HttpTransport(
            headers={"Authorization": connection.authorization, "Content-Type": "application/json"},
            secrets=connection.secrets,
            error_cause=abeja_error_cause,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> AbejaClient:
        return cls(AbejaConnection.from_settings(settings))

    @property
    def organization_id(self) -> str | None:
        """The organization from stack config or `ABEJA_ORGANIZATION_ID`, for inputs that leave it unset."""
        return self.connection.organization_id

    def _url(self, organization_id: str, *segments: str) -> str:
        return self.connection.api_url + join_path("organizations", organization_id, *segments)

    def _op(self, action: str, resource: str, ident: str) -> Operation:
        return Operation(action, PLATFORM, resource, ident)

    # ---- what a trigger points at --------------------------------------------------------------

    def get_deployment(self, organization_id: str, deployment_id: str) -> DeploymentWire:
        op = self._op("reading", "Deployment", deployment_id)
        answer = self.transport.request(op, "GET", self._url(organization_id, "deployments", deployment_id))
        return DeploymentWire.model_validate(answer)

    def get_deployment_version(self, organization_id: str, deployment_id: str, version_id: str) -> VersionWire:
        op = self._op("reading", "Deployment version", version_id)
        url = self._url(organization_id, "deployments", deployment_id, "versions", version_id)
        return VersionWire.model_validate(self.transport.request(op, "GET", url))

    def get_channel(self, organization_id: str, channel_id: str) -> ChannelWire:
        op = self._op("reading", "Channel", channel_id)
        answer = self.transport.request(op, "GET", self._url(organization_id, "channels", channel_id))
        return ChannelWire.model_validate(answer.get("channel", answer))

    # ---- triggers ------------------------------------------------------------------------------

    def create_trigger(self, organization_id: str, deployment_id: str, body: Mapping[str, Any]) -> TriggerWire:
        """POST is not idempotent: a lost answer raises OutcomeUnknownError, never a blind resend."""
        op = self._op("creating", "Trigger", f"deployment {deployment_id}")
        url = self._url(organization_id, "deployments", deployment_id, "triggers")
        return TriggerWire.model_validate(self.transport.request(op, "POST", url, body=dict(body)))

    def get_trigger(self, organization_id: str, deployment_id: str, trigger_id: str) -> TriggerWire:
        op = self._op("reading", "Trigger", trigger_id)
        url = self._url(organization_id, "deployments", deployment_id, "triggers", trigger_id)
        return TriggerWire.model_validate(self.transport.request(op, "GET", url))

    def iter_triggers(self, organization_id: str, deployment_id: str) -> Iterator[TriggerWire]:
        """Every trigger of a deployment (the platform answers them all at once)."""
        op = self._op("listing", "Trigger", f"deployment {deployment_id}")
        answer = self.transport.request(op, "GET", self._url(organization_id, "deployments", deployment_id, "triggers"))
        for item in answer.get("entries", []):
            yield TriggerWire.model_validate(item)

    def delete_trigger(self, organization_id: str, deployment_id: str, trigger_id: str) -> None:
        op = self._op("deleting", "Trigger", trigger_id)
        url = self._url(organization_id, "deployments", deployment_id, "triggers", trigger_id)
        self.transport.request(op, "DELETE", url)

    def iter_trigger_runs(
        self, organization_id: str, deployment_id: str, trigger_id: str, *, scan_forward: bool = False
    ) -> Iterator[RunWire]:
        """The trigger's runs, newest first unless ``scan_forward``, across every page."""
        op = self._op("listing runs of", "Trigger", trigger_id)
        url = self._url(organization_id, "deployments", deployment_id, "triggers", trigger_id, "runs")
        token: str | None = None
        for _ in range(MAX_PAGES):
            # Lowercase: the platform parses it case-insensitively, and lowercase is what HTTP APIs expect.
            query: dict[str, str] = {"scan_forward": "true" if scan_forward else "false"}
            if token:
                query["next_page_token"] = token
            page = RunsPageWire.model_validate(self.transport.request(op, "GET", url, query=query))
            yield from page.entries
            token = page.next_page_token
            if not token or not page.entries:
                return
