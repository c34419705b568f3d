"""Where each platform's calls go: stack config beats the environment (endpoints follow the
credentials' source, boto3's own endpoint variables included), a loopback sandbox says so once,
and the demo's passphrase never protects a stack that reaches past this machine."""

from __future__ import annotations

import pytest

from providers.abeja.client import AbejaConnection
from providers.appconfig.client import AppConfigClient, AppConfigConnection
from providers.core import ConfigError, Settings, config
from providers.core.transport import HttpTransport
from providers.dataiku.client import DataikuConnection
from providers.peak.client import PeakConnection

SANDBOX_ENV = {
    "PEAK_ENDPOINT": "http://127.0.0.1:18780/peak/{subdomain}",
    "PEAK_AUTH_TOKEN": "sandbox-dev-key",
    "ABEJA_API_URL": "http://127.0.0.1:18780/abeja",
    "PLATFORM_AUTH_TOKEN": "sandbox-abeja-token",
    "DKU_DSS_URL": "http://127.0.0.1:18780/dataiku",
    "DKU_API_KEY": "sandbox-dku-admin-key",
    "AWS_ENDPOINT_URL_APPCONFIG": "http://127.0.0.1:18781",
    "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:18781",
    "AWS_ACCESS_KEY_ID": "sandbox-appconfig",
    "AWS_SECRET_ACCESS_KEY": "sandbox-appconfig-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(autouse=True)
def fresh_notices(monkeypatch):
    monkeypatch.setattr(config, "_said", set())


def test_a_real_stack_in_a_shell_that_sourced_the_sandbox_exports_goes_to_the_real_platforms():
    real = Settings.from_mapping(
        {
            "peak:apiKey": "prod-peak-key-123",
            "abeja:apiToken": "prod-abeja-token",
            "dataiku:apiKey": "prod-dku-key-123",
            "dataiku:url": "https://dss.example.com",
            "aws:profile": "ml-platforms-prod",
            "aws:region": "eu-west-1",
        },
        environ=SANDBOX_ENV,
    )
    assert PeakConnection.from_settings(real).host("service") == "https://service.peak.ai"
    assert AbejaConnection.from_settings(real).api_url == "https://api.abeja.io"
    assert DataikuConnection.from_settings(real).url == "https://dss.example.com"
    aws = AppConfigConnection.from_settings(real)
    assert aws.endpoint is None and aws.own_endpoints_only and aws.sts_endpoint is None
    # boto3 reads AWS_ENDPOINT_URL_APPCONFIG by itself: a stack-configured connection tells it not to.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL_APPCONFIG", "http://127.0.0.1:18781")
        own = AppConfigClient(
            AppConfigConnection(region="eu-west-1", access_key="a" * 16, secret_key="b" * 16, own_endpoints_only=True)
        )
        assert own._boto(True).meta.endpoint_url == "https://appconfig.eu-west-1.amazonaws.com"


def test_the_stack_config_endpoint_and_stage_beat_the_environment():
    staged = Settings.from_mapping({"peak:stage": "dev"}, environ=SANDBOX_ENV)
    assert PeakConnection.from_settings(staged).host("press") == "https://press.dev.peak.ai"
    pointed = Settings.from_mapping({"appconfig:endpoint": "https://vpce.example.com"}, environ=SANDBOX_ENV)
    assert AppConfigConnection.from_settings(pointed).endpoint == "https://vpce.example.com"


def test_the_environment_alone_still_works_and_a_key_from_config_without_a_dss_url_says_why():
    env_only = Settings.from_mapping({}, environ=SANDBOX_ENV)
    assert PeakConnection.from_settings(env_only).endpoint == SANDBOX_ENV["PEAK_ENDPOINT"]
    assert AbejaConnection.from_settings(env_only).api_url == SANDBOX_ENV["ABEJA_API_URL"]
    assert AppConfigConnection.from_settings(env_only).endpoint == SANDBOX_ENV["AWS_ENDPOINT_URL_APPCONFIG"]
    with pytest.raises(ConfigError, match="DKU_DSS_URL is not used with the stack config's dataiku:apiKey"):
        DataikuConnection.from_settings(Settings.from_mapping({"dataiku:apiKey": "k-123456"}, environ=SANDBOX_ENV))


def test_a_loopback_endpoint_is_announced_once_per_platform(capsys):
    settings = Settings.from_mapping({"peak:apiKey": "k-123456"}, environ={"PEAK_ENDPOINT": "unused"})
    for _ in range(3):
        config.check_endpoint(settings, "Peak", "http://127.0.0.1:18780/peak/{subdomain}")
    config.check_endpoint(settings, "Dataiku", "http://localhost:18780/dataiku")
    config.check_endpoint(settings, "ABEJA", "https://api.abeja.io")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "peak: using the local sandbox at http://127.0.0.1:18780",
        "dataiku: using the local sandbox at http://localhost:18780",
    ]


@pytest.mark.parametrize("how", ["variable", "file"])
def test_the_demo_passphrase_never_protects_a_stack_that_reaches_past_this_machine(tmp_path, how):
    environ = {"PULUMI_CONFIG_PASSPHRASE": "sandbox-demo"}
    if how == "file":
        (tmp_path / "pass").write_text("sandbox-demo\n")
        environ = {"PULUMI_CONFIG_PASSPHRASE_FILE": str(tmp_path / "pass")}
    real = Settings.from_mapping({"peak:apiKey": "k-123456", "peak:stage": "prod"}, environ=environ)
    with pytest.raises(ConfigError, match=r"\{subdomain\}\.peak\.ai, but Pulumi runs with the demo's passphrase"):
        PeakConnection.from_settings(real)
    with pytest.raises(ConfigError, match="AppConfig's public endpoint"):
        AppConfigConnection.from_settings(Settings.from_mapping({"aws:region": "eu-west-1"}, environ=environ))
    sandbox = Settings.from_mapping(
        {"peak:apiKey": "k-123456", "peak:endpoint": "http://127.0.0.1:1/peak/{subdomain}"}, environ=environ
    )
    assert PeakConnection.from_settings(sandbox).endpoint.startswith("http://127.0.0.1:1/")
    own = Settings.from_mapping({"peak:apiKey": "k-123456"}, environ={"PULUMI_CONFIG_PASSPHRASE": "my-own"})
    assert PeakConnection.from_settings(own).endpoint == "https://{subdomain}.peak.ai"


def test_transport_repr_shows_no_header_values_and_a_bad_header_is_a_config_error_naming_its_setting():
    key = "repr-canary-0123456789"
    transport = HttpTransport(
        headers={"Authorization": key + "\n"},
        secrets=(key,),
        header_settings={"Authorization": "peak:apiKey (or PEAK_AUTH_TOKEN in the environment)"},
        platform="Peak",
    )
    assert key not in repr(transport) and "Authorization" in repr(transport)
    with pytest.raises(ConfigError) as info:
        transport.session()
    message = str(info.value)
    assert message.startswith("configuring Peak provider: the Authorization header (from peak:apiKey")
    assert "repr-canary" not in message
