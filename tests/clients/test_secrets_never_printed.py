"""A credential never leaves a client in clear, and one HTTP cannot carry fails at once.

For each platform, a canary credential handed over as secret stores often do (with a trailing
newline) is cleaned and works; with a line break inside it is refused before any request, naming
the setting; a client built around such a value by hand fails at once (no retries until the
deadline); and the canary never appears in progress lines (stderr), exception text or reprs, even
when the platform echoes it in an error body longer than the truncation limit or in an answer
that fails validation.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from providers.abeja.client import AbejaClient, AbejaConnection
from providers.appconfig.client import AppConfigClient, AppConfigConnection
from providers.core import ApiError, ConfigError, Deadline, Settings
from providers.core.error_bodies import MAX_MESSAGE_CHARS
from providers.core.errors import AnswerError
from providers.core.retry import operation_deadline
from providers.dataiku.client import DataikuClient, DataikuConnection
from providers.peak.client import PeakClient, PeakConnection
from providers.sandbox import Sandbox
from tests.appconfig_support import APP, ENV, appconfig_config
from tests.sandbox.abeja_support import DEPLOYMENT_ID, ORGANIZATION_ID, SANDBOX_USER_ID, abeja_api_url
from tests.sandbox.dataiku_support import dss_url

# Long enough that a retried or hung call would show: every failure below must come well before.
DEADLINE_SECONDS = 20.0
FAST_SECONDS = 8.0


def new_canary(platform: str) -> str:
    return f"canary-{platform}-{uuid.uuid4().hex}"


def split(value: str) -> str:
    """The value with a line break inside, as a mangled secret store hands it over."""
    return value[:14] + "\n" + value[14:]


def assert_never_shown(canary: str, *texts: str) -> None:
    # Neither the value nor a part long enough to matter (a half cut by truncation, one side of a break).
    for text in texts:
        for part in (canary, canary[:14], canary[14:], canary[-20:]):
            assert part not in text, f"{part!r} leaked into: {text[:500]!r}"


def stderr_of(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err


# ---- per platform: settings holding a canary credential, and one call ------------------------------


def peak_settings(sb: Sandbox, key: str) -> Settings:
    return Settings.from_mapping({"peak:apiKey": key, "peak:endpoint": sb.peak_endpoint}, environ={})


def abeja_settings(sb: Sandbox, token: str) -> Settings:
    config = {"abeja:apiToken": token, "abeja:apiUrl": abeja_api_url(sb), "abeja:organizationId": ORGANIZATION_ID}
    return Settings.from_mapping(config, environ={})


def dataiku_settings(sb: Sandbox, key: str) -> Settings:
    return Settings.from_mapping({"dataiku:url": dss_url(sb), "dataiku:apiKey": key}, environ={})


def appconfig_settings(sb: Sandbox, secret: str) -> Settings:
    return Settings.from_mapping({**appconfig_config(sb), "aws:secretKey": secret}, environ={})


PLATFORMS: dict[str, Any] = {
    "peak": (peak_settings, PeakClient, lambda c: list(c.iter_services())),
    "abeja": (abeja_settings, AbejaClient, lambda c: c.get_deployment(ORGANIZATION_ID, DEPLOYMENT_ID)),
    "dataiku": (dataiku_settings, DataikuClient, lambda c: c.get_auth_info()),
    "appconfig": (appconfig_settings, AppConfigClient, lambda c: c.get_environment(APP, ENV)),
}
TENANTS = {"peak": "test", "abeja": SANDBOX_USER_ID, "dataiku": "admin"}


@pytest.fixture
def canary(sb: Sandbox, request: pytest.FixtureRequest) -> str:
    platform = request.node.callspec.params["platform"]
    value = new_canary(platform)
    if platform in TENANTS:
        sb.add_token(value, TENANTS[platform], platform)
    return value


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_a_trailing_newline_is_stripped_and_the_credential_never_shown(sb, canary, platform, capsys):
    settings_for, client_type, call = PLATFORMS[platform]
    client = client_type.from_settings(settings_for(sb, canary + "\n"))
    with operation_deadline(Deadline.after(DEADLINE_SECONDS)):
        call(client)
    reprs = [repr(client), repr(client.connection), repr(getattr(client, "transport", None))]
    assert_never_shown(canary, stderr_of(capsys), *reprs)


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_a_line_break_inside_is_refused_before_any_request_naming_the_setting(sb, canary, platform, capsys):
    settings_for, client_type, _call = PLATFORMS[platform]
    sb.clear_requests()
    started = time.monotonic()
    with pytest.raises(ConfigError) as info:
        client_type.from_settings(settings_for(sb, split(canary)))
    assert time.monotonic() - started < FAST_SECONDS
    message = str(info.value)
    setting = {
        "peak": "peak:apiKey",
        "abeja": "abeja:apiToken",
        "dataiku": "dataiku:apiKey",
        "appconfig": "aws:secretKey",
    }
    assert setting[platform] in message and "line break" in message
    assert_never_shown(canary, message, stderr_of(capsys))
    assert sb.requests(platform=platform) == []


def hand_built(sb: Sandbox, platform: str, credential: str) -> Any:
    """A client built around the credential as it is, without the settings' cleaning."""
    if platform == "peak":
        return PeakClient(PeakConnection(sb.peak_endpoint, credential))
    if platform == "abeja":
        return AbejaClient(AbejaConnection(abeja_api_url(sb), f"Bearer {credential}", (credential,)))
    if platform == "dataiku":
        return DataikuClient(DataikuConnection(dss_url(sb), credential))
    base = AppConfigConnection.from_settings(Settings.from_mapping(appconfig_config(sb), environ={}))
    return AppConfigClient(
        AppConfigConnection(region=base.region, endpoint=base.endpoint, access_key=credential, secret_key="s" * 20)
    )


@pytest.mark.parametrize("platform", ["peak", "abeja", "appconfig"])
@pytest.mark.parametrize("mangled", ["trailing", "inside"])
def test_a_header_http_cannot_carry_fails_at_once_without_retries_or_the_value(sb, canary, platform, mangled, capsys):
    # Dataiku sends its key base64-encoded, so any value fits its header (DSS then answers 401).
    _settings, _type, call = PLATFORMS[platform]
    client = hand_built(sb, platform, canary + "\n" if mangled == "trailing" else split(canary))
    started = time.monotonic()
    with operation_deadline(Deadline.after(DEADLINE_SECONDS)), pytest.raises(ConfigError) as info:
        call(client)
    assert time.monotonic() - started < FAST_SECONDS, "refused headers are not a transient fault"
    err = stderr_of(capsys)
    assert "retrying" not in err
    assert_never_shown(canary, str(info.value), err, repr(client.connection))


# ---- the platform echoing the credential -----------------------------------------------------------


@pytest.mark.parametrize("platform", ["peak", "abeja", "dataiku"])
def test_a_credential_echoed_in_error_bodies_is_redacted_in_retry_lines_and_past_the_truncation_limit(
    sb, canary, platform, capsys
):
    settings_for, client_type, call = PLATFORMS[platform]
    client = client_type.from_settings(settings_for(sb, canary + "\n"))
    path = {"peak": r"/webapps", "abeja": r"/deployments/", "dataiku": r"/auth/info"}[platform]
    echo = {"detail": f"token {canary} is throttled", "error": f"token {canary}", "message": f"key {canary}"}
    sb.add_fault(platform=platform, path=path, method="GET", status=503, count=2, body=echo)
    with operation_deadline(Deadline.after(DEADLINE_SECONDS)):
        call(client)
    err = stderr_of(capsys)
    assert err.count("retrying") >= 2 and "[redacted]" in err
    # An answer long enough to be cut, the credential right where the cut falls.
    filler = "x" * (MAX_MESSAGE_CHARS - 24)
    long_body = {
        "detail": f"{filler}{canary}{'y' * 400}",
        "error": "bad_request",
        "error_description": f"{filler}{canary}{'y' * 400}",
        "message": f"{filler}{canary}{'y' * 400}",
    }
    sb.add_fault(platform=platform, path=path, method="GET", status=400, count=1, body=long_body)
    with operation_deadline(Deadline.after(DEADLINE_SECONDS)), pytest.raises(ApiError) as info:
        call(client)
    assert len(info.value.cause) <= MAX_MESSAGE_CHARS + 10
    assert_never_shown(canary, str(info.value), repr(info.value), stderr_of(capsys))


@pytest.mark.parametrize("platform", ["appconfig"])
def test_aws_error_messages_and_operations_never_show_a_remembered_secret(sb, canary, platform, capsys):
    client = AppConfigClient.from_settings(appconfig_settings(sb, canary + "\n"))
    with operation_deadline(Deadline.after(DEADLINE_SECONDS)), pytest.raises(ApiError) as info:
        client.get_environment(APP, canary)  # the platform's message names the id it did not find
    assert_never_shown(canary, str(info.value), stderr_of(capsys), repr(client.connection))


class _QuotingTransport:
    """Answers every request with what the test says: an answer that fails validation."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def request(self, *_args: Any, **_kwargs: Any) -> Any:
        return self.answer


@pytest.mark.parametrize("platform", ["peak"])
def test_a_validation_error_quoting_an_answer_with_a_credential_is_scrubbed(sb, canary, platform):
    connection = PeakConnection.from_settings(peak_settings(sb, canary))
    client = PeakClient(connection, _QuotingTransport({"id": canary, "name": {"nested": canary}, "status": 3}))
    with pytest.raises(AnswerError) as info:
        client.get_service("svc-1")
    message = str(info.value)
    assert message.startswith("reading Peak Service (svc-1): the answer is not what the platform documents")
    assert_never_shown(canary, message, repr(info.value))
