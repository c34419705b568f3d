"""The Dataiku DSS client against the sandbox: every call, both future shapes, the error tree, TLS options."""

from __future__ import annotations

import time

import pytest
import requests

from providers.core import (
    AuthError,
    BadRequestError,
    ConfigError,
    ConflictError,
    Deadline,
    FailedStateError,
    NotFoundError,
    OutcomeUnknownError,
    ServerError,
    Settings,
)
from providers.core.retry import operation_deadline
from providers.dataiku.client import DataikuClient, DataikuConnection
from tests.sandbox.dataiku_support import (
    ADMIN_KEY,
    ANALYST_KEY,
    configure,
    dataiku_settings,
    fail_next,
    put_zone,
    routes,
    studios,
)

PK = "SANDBOX"


@pytest.fixture
def client(sb):
    return DataikuClient.from_settings(dataiku_settings(sb))


@pytest.fixture
def analyst(sb):
    return DataikuClient.from_settings(dataiku_settings(sb, ANALYST_KEY))


def running_studio(client, name="c1"):
    studio = client.create_code_studio(PK, name, "vscode")
    future = client.create_code_studio_start(PK, studio.id)
    assert future.job_id and not future.has_result
    assert client.get_future(future.job_id).has_result
    return studio


def test_identity_projects_and_templates(sb, client):
    assert client.get_auth_info()["authIdentifier"] == "admin"
    assert [p.project_key for p in client.iter_projects()] == [PK]
    assert client.get_project(PK).owner_login == "admin"
    client.create_project("TEAM_A", "Team A", "analyst")
    assert client.get_project("TEAM_A").owner_login == "analyst"
    assert [(t.id, t.label) for t in client.iter_code_studio_templates()] == [
        ("vscode", "VS Code"),
        ("jupyterlab", "JupyterLab"),
    ]


def test_project_delete_in_both_future_shapes(sb, client):
    client.create_project("INLINE", "inline", "admin")
    inline = client.delete_project("INLINE", wait=True)
    assert inline.has_result and inline.job_id is None
    client.create_project("RUNNING", "running", "admin")
    running = client.delete_project("RUNNING", wait=False)
    assert running.job_id and not running.has_result
    assert client.get_future(running.job_id).has_result
    with pytest.raises(NotFoundError):
        client.get_project("RUNNING")


def test_code_studio_calls(sb, client):
    studio = client.create_code_studio(PK, "c1", "vscode")
    assert studio.owner == "admin" and studio.template_id == "vscode" and studio.lib_name
    assert client.get_code_studio(PK, studio.id).name == "c1"
    [item] = client.iter_code_studios(PK)
    assert item.id == studio.id and item.template_label == "VS Code"
    assert client.get_code_studio_status(PK, studio.id).state == "STOPPED"

    future = client.create_code_studio_start(PK, studio.id)
    assert client.get_code_studio_status(PK, studio.id).state == "RUNNING", "a status read advances the task"
    assert client.get_future(future.job_id).result == {"state": "RUNNING", "codeStudioId": studio.id}
    status = client.get_code_studio_status(PK, studio.id)
    assert len(status.zone_ids()) == 8 and [p.port for p in status.exposed] == [8080]
    assert status.last_state_change and status.last_state_change > 1_600_000_000_000

    put_zone(sb, studio.id, "recipes", changed=["r.py"], conflicts={"modified": ["r.py"], "authors": ["analyst"]})
    conflicts = client.get_zone_conflicts(PK, studio.id, "recipes")
    assert conflicts.modified == ["r.py"] and conflicts.authors == ["analyst"] and conflicts.any()
    assert not client.get_zone_conflicts(PK, studio.id, "notebooks").any()
    with pytest.raises(FailedStateError, match="zone nope"):
        client.get_zone_conflicts(PK, studio.id, "nope")
    client.update_dss_from_zone(PK, studio.id, "recipes")
    assert not client.get_zone_conflicts(PK, studio.id, "recipes").any()
    assert client.update_zone_from_dss(PK, studio.id, "recipes") == {"count": 1, "size": 1024}

    # Fidelity rule: DSS does not document change-owner's answer, so it is not read; the definition tells.
    client.update_code_studio_owner(PK, studio.id, "analyst")
    assert client.get_code_studio(PK, studio.id).owner == "analyst"
    stop = client.create_code_studio_stop(PK, studio.id)
    assert stop.job_id and client.get_future(stop.job_id).has_result
    again = client.create_code_studio_stop(PK, studio.id)
    assert again.has_result and again.job_id is None, "stop of a stopped studio finishes inline"
    client.delete_code_studio(PK, studio.id)
    assert studios(sb) == {}
    assert list(client.iter_code_studios(PK)) == []


def test_futures_finished_inline(sb, client):
    configure(sb, inline_futures=True)
    studio = client.create_code_studio(PK, "c1", "vscode")
    started = client.create_code_studio_start(PK, studio.id)
    assert started.has_result and started.job_id is None and started.result["state"] == "RUNNING"
    assert "get_future" not in routes(sb)


def test_failed_task_raises_the_platform_message(sb, client):
    studio = client.create_code_studio(PK, "c1", "vscode")
    fail_next(sb, "start", "c1", "image pull failed")
    future = client.create_code_studio_start(PK, studio.id)
    started = time.monotonic()
    with pytest.raises(FailedStateError, match="TaskFailedException: image pull failed"):
        client.get_future(future.job_id)
    assert time.monotonic() - started < 1, "a task's failure is not retried"
    assert client.get_code_studio_status(PK, studio.id).state == "STOPPED"


def test_aborted_future(sb, client):
    sb.set_transitions("reads", 100, platform="dataiku")
    studio = client.create_code_studio(PK, "c1", "vscode")
    future = client.create_code_studio_start(PK, studio.id)
    client.delete_future(future.job_id)
    with pytest.raises(FailedStateError, match="aborted"):
        client.get_future(future.job_id)


def test_error_tree(sb, client, analyst):
    with pytest.raises(NotFoundError, match="UnknownObjectException"):
        client.get_code_studio(PK, "missing")
    with pytest.raises(NotFoundError):
        client.get_project("NOPE")
    with pytest.raises(ConflictError):
        client.create_project(PK, "again", "admin")
    stopped = client.create_code_studio(PK, "stopped", "vscode")
    with pytest.raises(BadRequestError, match="not running"):
        client.update_dss_from_zone(PK, stopped.id, "recipes")
    running = running_studio(client)
    with pytest.raises(ConflictError, match="stopping"):
        sb.set_transitions("reads", 100, platform="dataiku")
        client.create_code_studio_stop(PK, running.id)
        client.create_code_studio_start(PK, running.id)
    with pytest.raises(AuthError, match="not admin"):
        list(analyst.iter_code_studio_templates())
    studio = client.create_code_studio(PK, "mine", "vscode")
    with pytest.raises(AuthError):
        analyst.update_code_studio_owner(PK, studio.id, "analyst")


def test_not_found_as_500_is_not_found_and_not_retried(sb, client):
    configure(sb, not_found_status=500)
    started = time.monotonic()
    with pytest.raises(NotFoundError, match="500: UnknownObjectException"):
        client.get_code_studio_status(PK, "missing")
    assert time.monotonic() - started < 1
    assert routes(sb).count("code_studio_status") == 1


MISSING_AS_500 = {"errorType": "java.lang.IllegalArgumentException", "message": "Code studio x does not exist"}
MENTIONS_MISSING = {
    "errorType": "com.dataiku.dip.exceptions.CodedException",
    "message": "Failed to read the pod: com.dataiku.dip.exceptions.UnknownObjectException in the backend",
}


def test_missing_is_told_by_the_error_body_not_by_a_mention(sb, client):
    # A 500 whose message says the object does not exist is "missing", whatever the exception class...
    sb.add_fault(path="/status$", method="GET", status=500, body=MISSING_AS_500, platform="dataiku")
    started = time.monotonic()
    with pytest.raises(NotFoundError, match="IllegalArgumentException: Code studio x does not exist"):
        client.get_code_studio_status(PK, "x")
    assert time.monotonic() - started < 1 and routes(sb).count("code_studio_status") == 1
    sb.add_fault(path="/code-studios/x$", method="DELETE", status=500, body=MISSING_AS_500, platform="dataiku")
    with pytest.raises(NotFoundError):
        client.delete_code_studio(PK, "x")
    # ...and one that merely mentions DSS's unknown-object exception is a failure, retried like any 500.
    studio = client.create_code_studio(PK, "c1", "vscode")
    sb.add_fault(path="/status$", method="GET", status=500, body=MENTIONS_MISSING, count=2, platform="dataiku")
    with operation_deadline(Deadline.after(30)):
        assert client.get_code_studio_status(PK, studio.id).state == "STOPPED"
    sb.add_fault(path="/status$", method="GET", status=500, body=MENTIONS_MISSING, count=99, platform="dataiku")
    with operation_deadline(Deadline.after(1)), pytest.raises(ServerError, match="CodedException"):
        client.get_code_studio_status(PK, studio.id)


def test_answers_of_undocumented_or_unexpected_shape(sb, client):
    studio = running_studio(client)
    # change-owner's answer is undocumented: another body than a definition is fine.
    sb.add_fault(path="/change-owner$", method="POST", status=200, body={"ok": True}, when="after", platform="dataiku")
    client.update_code_studio_owner(PK, studio.id, "analyst")
    assert client.get_code_studio(PK, studio.id).owner == "analyst"
    # A conflicts answer not keyed by the zone asked for says nothing of its conflicts.
    sb.add_fault(path="/conflicts/recipes$", method="GET", status=200, body={"notebooks": {}}, platform="dataiku")
    with pytest.raises(FailedStateError, match="zone recipes: DSS's answer holds no conflicts for this zone"):
        client.get_zone_conflicts(PK, studio.id, "recipes")


def test_template_delete_sends_the_runtime_flags_asked_for(sb, client):
    for asked in (False, True):
        template_id = client.create_code_studio_template(f"T {asked}", "manual")
        client.delete_code_studio_template(template_id, delete_runtimes=asked)
        query = sb.requests(platform="dataiku")[-1]["query"]
        flag = str(asked).lower()
        assert {k: v[0] if isinstance(v, list) else v for k, v in query.items()} == {
            "deleteRuntime": flag,
            "deleteImages": flag,
        }


def test_bad_key_is_401_and_never_echoed(sb):
    bad = DataikuClient.from_settings(dataiku_settings(sb, "not-a-key-4242"))
    with pytest.raises(AuthError) as raised:
        bad.get_auth_info()
    assert raised.value.status == 401 and "UnauthorizedException" in str(raised.value)
    assert "not-a-key-4242" not in str(raised.value)


def test_reads_are_retried_and_a_lost_start_is_not_resent(sb, client):
    sb.add_fault(path="/status$", method="GET", status=503, count=2, platform="dataiku")
    studio = client.create_code_studio(PK, "c1", "vscode")
    with operation_deadline(Deadline.after(30)):
        assert client.get_code_studio_status(PK, studio.id).state == "STOPPED"
    sb.add_fault(path="/restart$", method="POST", status=502, when="after", platform="dataiku")
    with pytest.raises(OutcomeUnknownError):
        client.create_code_studio_start(PK, studio.id)
    assert routes(sb).count("restart_code_studio") == 1


def test_path_segments_are_quoted(sb, client):
    with pytest.raises(NotFoundError):
        client.get_code_studio_status(PK, "x/../../projects")
    assert sb.requests(platform="dataiku")[-1]["path"].endswith("/code-studios/x%2F..%2F..%2Fprojects/status")


def test_settings_from_environment_and_errors():
    env = {"DKU_DSS_URL": "https://dss.example.com:11200/", "DKU_API_KEY": "k-123456"}
    connection = DataikuConnection.from_settings(Settings.from_mapping({}, environ=env))
    assert connection.url == "https://dss.example.com:11200" and connection.api_key == "k-123456"
    assert "k-123456" not in repr(connection)
    assert connection.verify is True and connection.cert is None
    stack = Settings.from_mapping({"dataiku:url": "https://a", "dataiku:apiKey": "s-123456"}, environ=env)
    assert DataikuConnection.from_settings(stack).url == "https://a"
    with pytest.raises(ConfigError, match="DKU_API_KEY"):
        DataikuConnection.from_settings(Settings.from_mapping({"dataiku:url": "https://a"}, environ={}))
    with pytest.raises(ConfigError, match="DKU_DSS_URL"):
        DataikuConnection.from_settings(Settings.from_mapping({"dataiku:apiKey": "k"}, environ={}))
    with pytest.raises(ConfigError, match="http"):
        DataikuConnection.from_settings(
            Settings.from_mapping({"dataiku:url": "dss:1", "dataiku:apiKey": "k"}, environ={})
        )


def test_tls_options(sb, tmp_path, monkeypatch):
    ca, cert, key = (tmp_path / name for name in ("ca.pem", "client.pem", "client.key"))
    for path in (ca, cert, key):
        path.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = dataiku_settings(
        sb,
        **{"dataiku:caBundle": str(ca), "dataiku:clientCertificate": str(cert), "dataiku:clientKey": str(key)},
    )
    connection = DataikuConnection.from_settings(settings)
    assert connection.verify == str(ca) and connection.cert == (str(cert), str(key))

    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append((kwargs.get("verify"), kwargs.get("cert")))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    # A CA bundle in the environment must not override the one configured (requests would let it).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    DataikuClient(connection).get_auth_info()
    assert seen == [(str(ca), (str(cert), str(key)))]

    seen.clear()
    DataikuClient.from_settings(dataiku_settings(sb)).get_auth_info()
    assert seen == [(True, None)], "verification stays on by default"

    with pytest.raises(ConfigError, match="dataiku:caBundle"):
        DataikuConnection.from_settings(dataiku_settings(sb, **{"dataiku:caBundle": str(tmp_path / "absent.pem")}))
    with pytest.raises(ConfigError, match="without dataiku:clientCertificate"):
        DataikuConnection.from_settings(dataiku_settings(sb, **{"dataiku:clientKey": str(key)}))


def test_keys_of_both_users(sb, client, analyst):
    assert analyst.get_auth_info()["authIdentifier"] == "analyst"
    studio = analyst.create_code_studio(PK, "hers", "vscode")
    assert studio.owner == "analyst"
    assert client.get_code_studio(PK, studio.id).owner == "analyst"
    assert ADMIN_KEY != ANALYST_KEY
