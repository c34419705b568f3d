"""The ABEJA client against the sandbox: every call, the auth schemes, the error tree, paging of runs."""

from __future__ import annotations

import base64

import pytest

from providers.abeja.client import AbejaClient, AbejaConnection, abeja_error_cause
from providers.core import (
    AuthError,
    BadRequestError,
    ConfigError,
    NotFoundError,
    OutcomeUnknownError,
    Settings,
)
from providers.sandbox import Sandbox
from tests.sandbox.abeja_support import (
    DEPLOYMENT_ID,
    INPUT_CHANNEL_ID,
    ORGANIZATION_ID,
    OTHER_ORGANIZATION_ID,
    OUTPUT_CHANNEL_ID,
    SANDBOX_PAT,
    SANDBOX_TOKEN,
    SANDBOX_USER_ID,
    VERSION_IDS,
    abeja_api_url,
    file_arrived,
)

BODY = {
    "version_id": VERSION_IDS[0],
    "input_service_name": "datalake",
    "input_service_id": INPUT_CHANNEL_ID,
    "environment": None,
}


def client_for(sb: Sandbox, config: dict[str, str] | None = None, environ: dict[str, str] | None = None) -> AbejaClient:
    settings = Settings.from_mapping(
        {"abeja:apiUrl": abeja_api_url(sb) + "/", **(config or {})} if config is not None else {},
        environ=environ or {},
    )
    return AbejaClient.from_settings(settings)


@pytest.fixture
def client(sb: Sandbox) -> AbejaClient:
    return client_for(sb, {"abeja:apiToken": SANDBOX_TOKEN, "abeja:organizationId": ORGANIZATION_ID})


def routes(sb: Sandbox) -> list[tuple[str, str]]:
    return [(r["method"], r["route"]) for r in sb.requests(platform="abeja")]


def test_trigger_calls(sb: Sandbox, client: AbejaClient) -> None:
    created = client.create_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    assert created.trigger_id.startswith("tri-") and created.model_version == "0.0.1"
    assert created.user_env_vars == {} and created.retry_count == 5 and created.distribution is None
    assert created.model_alias is None
    got = client.get_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, created.trigger_id)
    assert got == created
    assert [t.trigger_id for t in client.iter_triggers(ORGANIZATION_ID, DEPLOYMENT_ID)] == [created.trigger_id]
    client.delete_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, created.trigger_id)
    with pytest.raises(NotFoundError, match="not_found"):
        client.get_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, created.trigger_id)
    assert routes(sb) == [
        ("POST", "abeja.create_trigger"),
        ("GET", "abeja.get_trigger"),
        ("GET", "abeja.list_triggers"),
        ("DELETE", "abeja.delete_trigger"),
        ("GET", "abeja.get_trigger"),
    ]
    # The base URL's trailing slash never doubles a slash in the path.
    assert all("//" not in r["path"] for r in sb.requests(platform="abeja"))


def test_reference_lookups(client: AbejaClient) -> None:
    assert client.get_deployment(ORGANIZATION_ID, DEPLOYMENT_ID).deployment_id == DEPLOYMENT_ID
    version = client.get_deployment_version(ORGANIZATION_ID, DEPLOYMENT_ID, VERSION_IDS[1])
    assert version.version == "0.0.2"
    channel = client.get_channel(ORGANIZATION_ID, OUTPUT_CHANNEL_ID)
    assert channel.channel_id == OUTPUT_CHANNEL_ID and channel.name == "sandbox-output"
    with pytest.raises(NotFoundError):
        client.get_deployment(ORGANIZATION_ID, "1300000000099")
    with pytest.raises(NotFoundError):
        client.get_deployment_version(ORGANIZATION_ID, DEPLOYMENT_ID, "ver-00000000000000aa")
    with pytest.raises(NotFoundError):
        client.get_channel(ORGANIZATION_ID, "1400000000099")


def test_errors_carry_the_platform_code_description_and_detail(client: AbejaClient) -> None:
    with pytest.raises(BadRequestError) as bad:
        client.create_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, {**BODY, "retry_count": 10})
    assert bad.value.status == 400
    assert "bad_request" in str(bad.value) and "retry_count" in str(bad.value)
    assert str(bad.value).startswith("creating ABEJA Trigger (deployment 1300000000001): 400: ")
    with pytest.raises(AuthError) as forbidden:
        list(client.iter_triggers(OTHER_ORGANIZATION_ID, DEPLOYMENT_ID))
    assert forbidden.value.status == 403
    with pytest.raises(NotFoundError):
        list(client.iter_triggers("1200000000099", DEPLOYMENT_ID))


def test_ids_are_quoted_into_one_segment(sb: Sandbox, client: AbejaClient) -> None:
    with pytest.raises(NotFoundError):
        client.get_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, "tri-x/../../..")
    path = sb.requests(platform="abeja")[-1]["path"]
    assert path.endswith("/triggers/tri-x%2F..%2F..%2F..")


def test_bearer_from_config_wins_over_the_environment(sb: Sandbox) -> None:
    client = client_for(sb, {"abeja:apiToken": SANDBOX_TOKEN}, environ={"PLATFORM_AUTH_TOKEN": "wrong"})
    assert client.get_deployment(ORGANIZATION_ID, DEPLOYMENT_ID).deployment_id == DEPLOYMENT_ID


@pytest.mark.parametrize("user_id", [SANDBOX_USER_ID, f"user-{SANDBOX_USER_ID}"])
def test_user_id_and_access_token_build_the_sdks_basic_header(sb: Sandbox, user_id: str) -> None:
    connection = AbejaConnection.from_settings(
        Settings.from_mapping({"abeja:userId": user_id, "abeja:personalAccessToken": SANDBOX_PAT}, environ={})
    )
    expected = base64.b64encode(f"user-{SANDBOX_USER_ID}:{SANDBOX_PAT}".encode()).decode()
    assert connection.authorization == f"Basic {expected}"
    client = client_for(sb, {"abeja:userId": user_id, "abeja:personalAccessToken": SANDBOX_PAT})
    assert client.get_deployment(ORGANIZATION_ID, DEPLOYMENT_ID).deployment_id == DEPLOYMENT_ID


def test_the_sdks_environment_variables_are_the_fallback(sb: Sandbox) -> None:
    environ = {
        "ABEJA_API_URL": abeja_api_url(sb),
        "ABEJA_PLATFORM_USER_ID": SANDBOX_USER_ID,
        "ABEJA_PLATFORM_PERSONAL_ACCESS_TOKEN": SANDBOX_PAT,
        "ABEJA_ORGANIZATION_ID": ORGANIZATION_ID,
    }
    client = AbejaClient.from_settings(Settings.from_mapping({}, environ=environ))
    assert client.organization_id == ORGANIZATION_ID
    assert client.get_deployment(ORGANIZATION_ID, DEPLOYMENT_ID).deployment_id == DEPLOYMENT_ID
    token_client = AbejaClient.from_settings(
        Settings.from_mapping({}, environ={**environ, "PLATFORM_AUTH_TOKEN": SANDBOX_TOKEN})
    )
    assert token_client.connection.authorization == f"Bearer {SANDBOX_TOKEN}"


def test_no_credentials_is_a_config_error_naming_the_keys() -> None:
    with pytest.raises(ConfigError, match="abeja:apiToken"):
        AbejaConnection.from_settings(Settings.from_mapping({"abeja:userId": "1"}, environ={}))


@pytest.mark.parametrize(
    ("config", "status"),
    [
        ({"abeja:apiToken": "not-a-token"}, 401),
        ({"abeja:userId": SANDBOX_USER_ID, "abeja:personalAccessToken": "x"}, 401),
    ],
)
def test_wrong_credentials_are_401_and_never_echoed(sb: Sandbox, config: dict[str, str], status: int) -> None:
    client = client_for(sb, config)
    with pytest.raises(AuthError) as error:
        client.get_deployment(ORGANIZATION_ID, DEPLOYMENT_ID)
    assert error.value.status == status and "unauthorized" in str(error.value)
    assert "not-a-token" not in str(error.value) and "not-a-token" not in repr(client.connection)


def test_runs_page_transparently_newest_first_or_forward(sb: Sandbox, client: AbejaClient) -> None:
    trigger = client.create_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    started = [file_arrived(sb, file_id=f"file-{i:02d}")[0]["run_id"] for i in range(23)]
    sb.clear_requests()
    newest_first = [r.run_id for r in client.iter_trigger_runs(ORGANIZATION_ID, DEPLOYMENT_ID, trigger.trigger_id)]
    assert newest_first == started[::-1]
    pages = sb.requests(platform="abeja")
    assert len(pages) == 3 and pages[0]["query"]["scan_forward"] == ["false"]
    assert "next_page_token" in pages[1]["query"]
    forward = client.iter_trigger_runs(ORGANIZATION_ID, DEPLOYMENT_ID, trigger.trigger_id, scan_forward=True)
    runs = list(forward)
    assert [r.run_id for r in runs] == started
    assert runs[0].input_data == {"$datalake:1": f"{INPUT_CHANNEL_ID}/file-00"}


def test_a_lost_create_answer_is_an_unknown_outcome_not_a_resend(sb: Sandbox, client: AbejaClient) -> None:
    sb.add_fault(path=r"/triggers$", method="POST", status=500, when="after", platform="abeja")
    with pytest.raises(OutcomeUnknownError):
        client.create_trigger(ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    assert [m for m, _ in routes(sb)] == ["POST"]


def test_reads_ride_out_a_503(sb: Sandbox, client: AbejaClient) -> None:
    sb.add_fault(path=r"/deployments/\d+$", method="GET", status=503, platform="abeja")
    assert client.get_deployment(ORGANIZATION_ID, DEPLOYMENT_ID).deployment_id == DEPLOYMENT_ID
    assert len(routes(sb)) == 2


class _Answer:
    def __init__(self, status: int, body: object = None, text: str = "") -> None:
        self.status_code, self._body, self.text = status, body, text

    def json(self) -> object:
        if self._body is None:
            raise ValueError("no json")
        return self._body


def test_error_cause_shapes() -> None:
    assert abeja_error_cause(_Answer(400, {"error": "bad_request", "error_description": "x"})) == "bad_request: x"
    detailed = abeja_error_cause(_Answer(400, {"error": "e", "error_description": "d", "error_detail": {"f": ["m"]}}))
    assert detailed == "e: d (f: ['m'])"
    assert abeja_error_cause(_Answer(502, text="<html>bad gateway</html>")) == "<html>bad gateway</html>"
    assert abeja_error_cause(_Answer(500, ["not", "an", "object"])) == "['not', 'an', 'object']"
