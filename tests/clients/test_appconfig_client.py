"""AppConfigClient against the sandbox: settings, botocore errors mapped to the project's tree,
retries where they are safe (and only there), pagination, thread-safe lazy clients."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from providers.appconfig.client import AppConfigClient, AppConfigConnection, error_from_botocore
from providers.core import (
    AuthError,
    BadRequestError,
    ConfigError,
    ConflictError,
    NotFoundError,
    Operation,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
    Settings,
    TransportError,
)
from providers.core.lifecycle import write_once
from providers.core.retry import operation_deadline
from providers.core.waiter import Deadline
from tests.appconfig_support import (
    APP,
    ENV,
    PROFILE,
    QUICK,
    appconfig_config,
    appconfig_settings,
    boto_fixture,  # noqa: F401 (fixture)
    create_strategy,
    statuses,
)

OP = Operation("testing", "AppConfig", "Deployment", "x")


@pytest.fixture
def client(sb):
    return AppConfigClient.from_settings(appconfig_settings(sb))


def start(client, **extra):
    return client.create_deployment(APP, ENV, strategy_id=QUICK, profile_id=PROFILE, version="1", **extra)


def test_settings_from_stack_config_win_over_the_environment_and_never_show_secrets(sb):
    environ = {"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}
    connection = AppConfigConnection.from_settings(Settings.from_mapping(appconfig_config(sb), environ=environ))
    assert connection.region == "us-east-1" and connection.access_key == "sandbox-appconfig"
    assert "secret" not in repr(connection) and "sandbox-appconfig" not in repr(connection)
    from_env = AppConfigConnection.from_settings(Settings.from_mapping({}, environ=environ))
    assert (from_env.region, from_env.access_key, from_env.secret_key) == ("eu-west-1", "AKIAENV", "env-secret")
    endpoint = AppConfigConnection.from_settings(
        Settings.from_mapping({}, environ={"AWS_ENDPOINT_URL_APPCONFIG": "http://x"})
    )
    assert endpoint.endpoint == "http://x"
    profiled = AppConfigConnection.from_settings(Settings.from_mapping({"aws:profile": "dev"}, environ=environ))
    assert profiled.profile == "dev" and profiled.access_key is None, "a profile is not mixed with env keys"
    with pytest.raises(ConfigError):
        AppConfigConnection.from_settings(Settings.from_mapping({"aws:accessKey": "A"}, environ={}))


def test_missing_region_is_a_config_error_naming_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    client = AppConfigClient(AppConfigConnection(access_key="a", secret_key="b"))
    with pytest.raises(ConfigError) as missing:
        client.get_environment(APP, ENV)
    assert "aws:region" in str(missing.value)


def test_not_found_by_code_even_where_moto_answers_400(sb, client):
    with pytest.raises(NotFoundError):
        client.get_hosted_configuration_version("nosuch1", PROFILE, 1)  # moto's own error: status 400
    with pytest.raises(NotFoundError) as missing:
        client.get_deployment(APP, ENV, 42)
    assert str(missing.value).startswith(
        f"reading AppConfig Deployment ({APP}/{ENV}/42): 404 ResourceNotFoundException"
    )


def test_conflict_and_bad_request_map_to_their_errors(sb, client, boto):
    slow = create_strategy(boto, minutes=30)
    client.create_deployment(APP, ENV, strategy_id=slow, profile_id=PROFILE, version="1")
    with pytest.raises(ConflictError) as busy:
        start(client)
    assert busy.value.status == 409 and "ConflictException" in str(busy.value)
    client.delete_deployment(APP, ENV, 1)
    with pytest.raises(BadRequestError):
        client.delete_deployment(APP, ENV, 1)


def test_the_error_table():
    from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

    def client_error(code, status, headers=None):
        return ClientError(
            {
                "Error": {"Code": code, "Message": "m"},
                "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
            },
            "Op",
        )

    assert isinstance(error_from_botocore(client_error("ThrottlingException", 400), OP), RateLimitError)
    limited = error_from_botocore(client_error("TooManyRequestsException", 429, {"Retry-After": "3"}), OP)
    assert isinstance(limited, RateLimitError) and limited.retry_after == 3.0
    assert isinstance(error_from_botocore(client_error("InternalServerException", 500), OP), ServerError)
    assert isinstance(error_from_botocore(client_error("Whatever", 502), OP), ServerError)
    assert isinstance(error_from_botocore(client_error("AccessDeniedException", 403), OP), AuthError)
    assert isinstance(error_from_botocore(client_error("ResourceNotFoundException", 400), OP), NotFoundError)
    unsent = error_from_botocore(EndpointConnectionError(endpoint_url="http://x"), OP)
    assert isinstance(unsent, TransportError) and unsent.sent is False
    assert error_from_botocore(ConnectTimeoutError(endpoint_url="http://x"), OP).sent is False
    lost = error_from_botocore(ReadTimeoutError(endpoint_url="http://x"), OP)
    assert isinstance(lost, TransportError) and lost.sent is True


def test_reads_ride_out_5xx_and_throttling_within_the_deadline(sb, client):
    sb.add_fault(platform="appconfig", method="GET", path=r"/environments/", status=503, count=4)
    sb.add_fault(platform="appconfig", method="GET", path=r"/environments/", status=429, retry_after=0.1, count=2)
    assert client.get_environment(APP, ENV).state == "READY_FOR_DEPLOYMENT"
    assert statuses(sb, "get_environment") == [503, 503, 503, 503, 429, 429, 200]


def test_a_read_fault_that_never_clears_gives_up_at_the_deadline_naming_attempts(sb, client):
    sb.add_fault(platform="appconfig", method="GET", path=r"/environments/", status=500, count=1000)
    with operation_deadline(Deadline.after(1.5)), pytest.raises(ServerError) as failed:
        client.get_environment(APP, ENV)
    assert "gave up after" in str(failed.value) and "500" in str(failed.value)


def test_start_is_sent_once_per_call_botocore_retries_off(sb, client):
    sb.add_fault(platform="appconfig", method="POST", path=r"/deployments$", status=503)
    with pytest.raises(ServerError):
        start(client)
    assert statuses(sb, "start_deployment") == [503]


def test_write_once_turns_a_lost_start_into_a_look_not_a_second_start(sb, client):
    sb.add_fault(platform="appconfig", method="POST", path=r"/deployments$", status=500, when="after")
    looked = []

    def landed():
        looked.append(True)
        return next(iter(client.iter_deployments(APP, ENV)), None)

    found = write_once(OP, lambda: start(client), landed)
    assert looked and found.deployment_number == 1
    assert statuses(sb, "start_deployment") == [500]
    with pytest.raises(OutcomeUnknownError):
        sb.add_fault(platform="appconfig", method="POST", path=r"/deployments$", status=500, when="after")
        from providers.core.retry import call_with_retries

        call_with_retries(OP, lambda: start(client), idempotent=False)


def test_stop_sends_allow_revert_only_when_asked(sb, client, boto):
    slow = create_strategy(boto, minutes=30)
    sent: list = []
    client._boto(True).meta.events.register(
        "before-send.appconfig.StopDeployment", lambda request, **_: sent.append(request.headers.get("Allow-Revert"))
    )
    client.create_deployment(APP, ENV, strategy_id=slow, profile_id=PROFILE, version="1")
    assert client.delete_deployment(APP, ENV, 1).state in ("ROLLING_BACK", "ROLLED_BACK")
    start(client)
    assert client.delete_deployment(APP, ENV, 2, allow_revert=True).state == "REVERTED"
    assert sent == [None, b"true"]


def test_a_refused_connection_is_a_transport_error_not_sent(sb):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {**appconfig_config(sb), "appconfig:endpoint": f"http://127.0.0.1:{port}"}
    client = AppConfigClient.from_settings(Settings.from_mapping(config, environ={}))
    with operation_deadline(Deadline.after(1)), pytest.raises(TransportError) as refused:
        client.create_deployment(APP, ENV, strategy_id=QUICK, profile_id=PROFILE, version="1")
    assert refused.value.sent is False


def test_pagination_hides_next_token(sb, client, boto):
    for index in range(3):
        boto.create_environment(ApplicationId=APP, Name=f"e{index}")
    for _ in range(3):
        start(client)
    assert [d.deployment_number for d in client.iter_deployments(APP, ENV)] == [3, 2, 1]
    import providers.appconfig.client as module

    original = module.AppConfigClient._pages

    def small_pages(self, op, name, **params):
        return original(self, op, name, MaxResults=1, **params)

    module.AppConfigClient._pages = small_pages
    try:
        assert [d.deployment_number for d in client.iter_deployments(APP, ENV)] == [3, 2, 1]
    finally:
        module.AppConfigClient._pages = original


def test_clients_are_per_thread_and_tags_round_trip(sb, client):
    # The clients themselves are kept: an ended thread's client could be freed and its id reused.
    seen = []

    def work():
        seen.append(client._boto(True))
        client.get_environment(APP, ENV)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(boto) for boto in seen}) == 4
    deployment = start(client)
    arn = client.get_deployment_arn(APP, ENV, deployment.deployment_number)
    assert arn == f"arn:aws:appconfig:us-east-1:123456789012:application/{APP}/environment/{ENV}/deployment/1"
    client.update_tags(arn, {"a": "1", "b": "2"}, [])
    client.update_tags(arn, {"a": "3"}, ["b"])
    assert client.get_tags(arn) == {"a": "3"}


def test_importing_the_package_loads_no_boto3():
    code = (
        "import sys, providers.appconfig.deployment, providers.appconfig.hosted_configuration_version;"
        "print(sorted(m for m in ('boto3', 'botocore', 'pydantic', 'providers.appconfig.models') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
