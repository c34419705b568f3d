"""Thin ABEJA Platform client: one method per endpoint, wire models in, our errors out."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..core import Settings
from ..core.config import Credential, Setting, check_endpoint, describe_setting, endpoint, missing_setting
from ..core.error_bodies import MAX_CAUSE_CHARS, error_cause, pages, parse_answer, parse_each
from ..core.redaction import clip
from ..core.transport import JsonApiClient, join_path
from .models import ChannelWire, DeploymentWire, RunsPageWire, RunWire, TriggerWire, VersionWire

PLATFORM = "ABEJA"
DEFAULT_API_URL = "https://api.abeja.io"

# The official SDK's variables, so a shell already set up for abeja-sdk works unchanged.
API_TOKEN = Credential(
    "abeja:apiToken", ("PLATFORM_AUTH_TOKEN",), "Platform auth token, sent as `Bearer`; set it as a secret."
)
USER_ID = Setting(
    "abeja:userId",
    ("ABEJA_PLATFORM_USER_ID",),
    "User id for Basic auth with a personal access token (`user-` is added).",
)
ACCESS_TOKEN = Credential(
    "abeja:personalAccessToken",
    ("ABEJA_PLATFORM_PERSONAL_ACCESS_TOKEN",),
    "Personal access token of that user; set it as a secret.",
)
API_URL = Setting(
    "abeja:apiUrl", ("ABEJA_API_URL",), f"API base URL; default `{DEFAULT_API_URL}` (the sandbox prints its own)."
)
ORGANIZATION = Setting(
    "abeja:organizationId", ("ABEJA_ORGANIZATION_ID",), "Organization used when a resource does not name one."
)
CONFIG_DOCS = (API_TOKEN, USER_ID, ACCESS_TOKEN, API_URL, ORGANIZATION)


@dataclass(frozen=True)
class AbejaConnection:
    """Where and how to reach the platform; ``authorization`` is the whole header value."""

    api_url: str
    authorization: str = field(repr=False)  # the credential: never in tracebacks and logs
    secrets: tuple[str, ...] = field(repr=False)
    organization_id: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AbejaConnection:
        """Credentials as the SDK picks them (a token before a user id and access token), stack
        config before the environment, so a stack never silently uses the shell's account; and
        credentials from the stack config never go to an API URL from the environment."""
        organization = settings.get(ORGANIZATION)
        for from_config in (True, False):
            source = _credentials(settings, from_config)
            if source is not None:
                header, secrets = source
                url = endpoint(settings, PLATFORM, API_URL, from_config) or DEFAULT_API_URL
                check_endpoint(settings, PLATFORM, url)
                return cls(url.rstrip("/"), header, secrets, organization)
        instead = f" (or set {USER_ID.key} and {ACCESS_TOKEN.key}), or set {API_TOKEN.env[0]}"
        raise missing_setting(PLATFORM, "credentials", API_TOKEN, "token", instead)


def _credentials(settings: Settings, from_config: bool) -> tuple[str, tuple[str, ...]] | None:
    """(the Authorization header, its secrets) from the stack config alone, or from the environment alone."""

    def where(setting: Setting) -> tuple[str | None, tuple[str, ...]]:
        return (setting.key, ()) if from_config else (None, setting.env)

    token = settings.credential(*where(API_TOKEN), PLATFORM)
    if token:
        return f"Bearer {token}", (token,)
    user_id = settings.get(*where(USER_ID))  # not secret: stripped, not hidden
    access_token = settings.credential(*where(ACCESS_TOKEN), PLATFORM)
    if not (user_id and access_token):
        return None
    user = user_id if user_id.startswith("user-") else f"user-{user_id}"
    encoded = base64.b64encode(f"{user}:{access_token}".encode()).decode()
    return f"Basic {encoded}", (access_token, encoded)


def _abeja_wording(body: Mapping[str, Any]) -> str | None:
    """`error: error_description`, plus the per-field `error_detail` when the platform sends one."""
    parts = [str(part) for part in (body.get("error"), body.get("error_description")) if part]
    cause = ": ".join(parts) or clip(str(body), MAX_CAUSE_CHARS)
    detail = body.get("error_detail")
    if isinstance(detail, dict) and detail:
        cause += " (" + clip("; ".join(f"{k}: {v}" for k, v in detail.items()), MAX_CAUSE_CHARS) + ")"
    return cause


abeja_error_cause = partial(error_cause, wording=_abeja_wording)


class AbejaClient(JsonApiClient[AbejaConnection]):
    """Deployments, versions, channels, triggers and runs of the ABEJA Platform API."""

    platform = PLATFORM
    connection_type = AbejaConnection
    _read_error = staticmethod(abeja_error_cause)

    def _authorization(self) -> tuple[str, Sequence[str], str]:
        authorization, secrets = self.connection.authorization, self.connection.secrets
        if authorization.startswith("Bearer "):
            return authorization, secrets, describe_setting(API_TOKEN)
        return authorization, secrets, f"{describe_setting(USER_ID)} and {describe_setting(ACCESS_TOKEN)}"

    @property
    def organization_id(self) -> str | None:
        """The organization from stack config or `ABEJA_ORGANIZATION_ID`, for inputs that leave it unset."""
        return self.connection.organization_id

    def _url(self, organization_id: str, *segments: str) -> str:
        return self.connection.api_url + join_path("organizations", organization_id, *segments)

    # ---- what a trigger points at --------------------------------------------------------------

    def get_deployment(self, organization_id: str, deployment_id: str) -> DeploymentWire:
        op = self._op("reading", "Deployment", deployment_id)
        url = self._url(organization_id, "deployments", deployment_id)
        return self._parsed(DeploymentWire.model_validate, op, "GET", url)

    def get_deployment_version(self, organization_id: str, deployment_id: str, version_id: str) -> VersionWire:
        op = self._op("reading", "Deployment version", version_id)
        url = self._url(organization_id, "deployments", deployment_id, "versions", version_id)
        return self._parsed(VersionWire.model_validate, op, "GET", url)

    def get_channel(self, organization_id: str, channel_id: str) -> ChannelWire:
        op = self._op("reading", "Channel", channel_id)
        answer = self._call(op, "GET", self._url(organization_id, "channels", channel_id))
        return parse_answer(ChannelWire.model_validate, answer.get("channel", answer), op)

    # ---- triggers ------------------------------------------------------------------------------

    def _triggers_url(self, organization_id: str, deployment_id: str, *segments: str) -> str:
        return self._url(organization_id, "deployments", deployment_id, "triggers", *segments)

    def create_trigger(self, organization_id: str, deployment_id: str, body: Mapping[str, Any]) -> TriggerWire:
        """POST is not idempotent: a lost answer raises OutcomeUnknownError, never a blind resend."""
        op = self._op("creating", "Trigger", f"deployment {deployment_id}")
        url = self._triggers_url(organization_id, deployment_id)
        return self._parsed(TriggerWire.model_validate, op, "POST", url, body=dict(body))

    def get_trigger(self, organization_id: str, deployment_id: str, trigger_id: str) -> TriggerWire:
        op = self._op("reading", "Trigger", trigger_id)
        url = self._triggers_url(organization_id, deployment_id, trigger_id)
        return self._parsed(TriggerWire.model_validate, op, "GET", url)

    def iter_triggers(self, organization_id: str, deployment_id: str) -> Iterator[TriggerWire]:
        """Every trigger of a deployment (the platform answers them all at once)."""
        op = self._op("listing", "Trigger", f"deployment {deployment_id}")
        answer = self._call(op, "GET", self._triggers_url(organization_id, deployment_id))
        yield from parse_each(TriggerWire.model_validate, answer.get("entries", []), op)

    def delete_trigger(self, organization_id: str, deployment_id: str, trigger_id: str) -> None:
        op = self._op("deleting", "Trigger", trigger_id)
        self._call(op, "DELETE", self._triggers_url(organization_id, deployment_id, trigger_id))

    def iter_trigger_runs(
        self, organization_id: str, deployment_id: str, trigger_id: str, *, scan_forward: bool = False
    ) -> Iterator[RunWire]:
        """The trigger's runs, newest first unless ``scan_forward``, across every page."""
        op = self._op("listing runs of", "Trigger", trigger_id)
        url = self._triggers_url(organization_id, deployment_id, trigger_id, "runs")

        def fetch(token: str | None) -> tuple[list[RunWire], str | None]:
            # Lowercase: the platform parses it case-insensitively, and lowercase is what HTTP APIs expect.
            query = {"scan_forward": "true" if scan_forward else "false", "next_page_token": token}
            page = self._parsed(RunsPageWire.model_validate, op, "GET", url, query=query)
            return page.entries, page.next_page_token if page.entries else None

        yield from pages(fetch)
