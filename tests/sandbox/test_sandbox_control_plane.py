"""The `/_sandbox/` control plane: faults, request log, transitions, tokens, failures, state, reset."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import requests

from providers.sandbox import Sandbox, SandboxControl, SandboxError
from tests.sandbox.sandbox_support import WEBAPPS, PeakHttp

CREATE = {"name": "web", "imageDetails": {"imageId": 7}}


def service_names(sandbox: Sandbox, tenant: str = "dev") -> list[str]:
    services = sandbox.state()["peak"]["tenants"].get(tenant, {}).get("services", {})
    return [service["name"] for service in services.values()]


# --- faults -------------------------------------------------------------------------------------


def test_fault_before_answers_without_processing(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_fault(method="POST", path=r"/webapps/?$", status=503)

    failed = peak.call("POST", "", json=CREATE)

    assert (failed.status_code, failed.json()) == (503, {"detail": "injected fault"})
    assert service_names(sandbox) == []
    assert peak.call("POST", "", json=CREATE).status_code == 201, "a fault with count 1 is used up"


def test_fault_after_processes_then_loses_the_answer(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_fault(method="POST", path=r"/webapps/?$", status=502, when="after")

    assert peak.call("POST", "", json=CREATE).status_code == 502
    assert service_names(sandbox) == ["web"]
    assert peak.call("POST", "", json=CREATE).status_code == 409


def test_fault_counts_methods_and_custom_bodies(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_fault(method="GET", path=r"/peak/service/webapps", status=429, count=2, body={"detail": "slow down"})

    assert peak.call("POST", "", json=CREATE).status_code == 201
    answers = [peak.call("GET", "") for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].json() == {"detail": "slow down"}


def test_fault_sets_retry_after(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_fault(path="webapps", status=503, retry_after=2)

    assert peak.call("GET", "").headers["Retry-After"] == "2"


def test_delay_only_fault_slows_a_request_down(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_fault(path="webapps", status=None, delay_seconds=0.3)

    started = time.monotonic()
    response = peak.call("POST", "", json=CREATE)

    assert time.monotonic() - started >= 0.3
    assert response.status_code == 201
    assert sandbox.requests()[-1]["fault"] is False


def test_a_slow_request_does_not_hold_up_the_others(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_fault(method="POST", path="webapps", status=None, delay_seconds=1)
    slow = threading.Thread(target=peak.call, args=("POST", ""), kwargs={"json": CREATE})
    slow.start()
    time.sleep(0.1)

    started = time.monotonic()
    assert peak.call("GET", "").status_code == 200
    assert time.monotonic() - started < 0.5
    slow.join()


def test_faults_are_listed_and_cleared(sandbox: Sandbox) -> None:
    fault_id = sandbox.add_fault(path="x", count=3)

    assert [(f["id"], f["count"], f["status"]) for f in sandbox.faults()] == [(fault_id, 3, 503)]
    sandbox.clear_faults()
    assert sandbox.faults() == []


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        ({"status": 503}, "path is required"),
        ({"path": "("}, "path is not a valid regex"),
        ({"path": "x", "status": 42}, "status must be an integer between 100 and 599"),
        ({"path": "x", "when": "during"}, "when must be one of before, after"),
        ({"path": "x", "delay_seconds": -1}, "delay_seconds must be a number of seconds >= 0"),
        ({"path": "x", "count": 0}, "count must be an integer >= 1"),
    ],
)
def test_bad_faults_are_refused(sandbox: Sandbox, fault: dict[str, Any], detail: str) -> None:
    response = requests.post(sandbox.url + "/_sandbox/faults", json=fault, timeout=10)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)


# --- request log --------------------------------------------------------------------------------


def test_request_log_records_what_was_received(peak: PeakHttp, sandbox: Sandbox) -> None:
    service_id = peak.create("web", title="T")
    peak.call("GET", "", params=[("featureType", "services"), ("status", "AVAILABLE"), ("status", "CREATING")])
    peak.call("GET", service_id, json={})
    peak.call("PATCH", service_id, json={"title": "U"})
    peak.call("DELETE", service_id, json={})

    log = sandbox.requests()

    assert [entry["seq"] for entry in log] == sorted(entry["seq"] for entry in log)
    assert [entry["route"] for entry in log] == [
        "peak.create_service",
        "peak.list_services",
        "peak.describe_service",
        "peak.update_service",
        "peak.delete_service",
    ]
    create, listing = log[0], log[1]
    assert set(create) == {
        "seq",
        "time",
        "platform",
        "tenant",
        "method",
        "path",
        "query",
        "status",
        "route",
        "body",
        "fault",
        "in_flight",
    }
    assert (create["platform"], create["tenant"], create["method"], create["path"]) == ("peak", "dev", "POST", WEBAPPS)
    assert (create["status"], create["fault"]) == (201, False)
    assert create["body"] == {"name": "web", "imageDetails": {"imageId": 7}, "title": "T"}
    assert listing["query"] == {"featureType": ["services"], "status": ["AVAILABLE", "CREATING"]}
    assert listing["body"] is None


def test_request_log_never_holds_credentials(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_token("very-secret-token-1", "acme")
    peak.as_tenant("very-secret-token-1").create("web")
    peak.as_tenant("very-secret-token-2").call("GET", "")

    text = json.dumps(sandbox.requests())

    assert "very-secret-token" not in text
    assert "authorization" not in text.lower()
    assert [entry["tenant"] for entry in sandbox.requests()] == ["acme", None]


def test_request_log_marks_faults_and_unknown_routes(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_fault(path="webapps", status=500)
    peak.call("GET", "")
    peak.call("GET", "/nowhere")

    faulted, unknown = sandbox.requests()

    assert (faulted["status"], faulted["fault"], faulted["route"]) == (500, True, "peak.list_services")
    assert (unknown["platform"], unknown["route"], unknown["status"]) == (None, None, 404)


def test_request_log_filters_and_clears_but_skips_control_calls(peak: PeakHttp, sandbox: Sandbox) -> None:
    peak.call("GET", "")
    peak.call("GET", "/nowhere")
    first = sandbox.requests()[0]["seq"]
    sandbox.state()
    sandbox.faults()

    assert [entry["path"] for entry in sandbox.requests(platform="peak")] == [WEBAPPS]
    assert [entry["path"] for entry in sandbox.requests(since=first)] == ["/nowhere"]
    sandbox.clear_requests()
    assert sandbox.requests() == []
    peak.call("GET", "")
    assert sandbox.requests()[0]["seq"] > first + 1


# --- transitions, tokens, failures, state, reset ------------------------------------------------


def test_transitions_are_set_and_read(sandbox: Sandbox) -> None:
    sandbox.set_transitions("reads", 3)
    sandbox.set_transitions("seconds", 0.5, platform="peak")

    assert sandbox.transitions() == {
        "mode": "reads",
        "value": 3,
        "platforms": {"peak": {"mode": "seconds", "value": 0.5}},
    }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"mode": "sometimes"}, "mode must be one of immediate, reads, seconds"),
        ({"mode": "reads", "value": 0}, "value must be a whole number of reads >= 1 for mode 'reads'"),
        ({"mode": "immediate", "platform": "nowhere"}, "platform must be one of peak, abeja, dataiku, appconfig"),
        ({}, "mode is required"),
    ],
)
def test_bad_transitions_are_refused(sandbox: Sandbox, body: dict[str, Any], detail: str) -> None:
    response = requests.put(sandbox.url + "/_sandbox/transitions", json=body, timeout=10)

    assert (response.status_code, response.json()) == (400, {"detail": detail})


def test_seconds_mode_over_http(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.set_transitions("seconds", 0.3)
    service_id = peak.create("web")

    assert peak.describe(service_id)["status"] == "CREATING"
    time.sleep(0.3)
    assert peak.describe(service_id)["status"] == "AVAILABLE"


def test_registered_token_serves_a_new_tenant_and_is_not_echoed(peak: PeakHttp, sandbox: Sandbox) -> None:
    response = requests.put(
        sandbox.url + "/_sandbox/tokens",
        json={"token": "acme-token-42", "tenant": "acme", "platform": "peak"},
        timeout=10,
    )

    assert (response.status_code, response.json()) == (200, {"platform": "peak", "tenant": "acme"})
    peak.as_tenant("acme-token-42").create("web")
    assert service_names(sandbox, "acme") == ["web"]
    assert service_names(sandbox, "dev") == []


@pytest.mark.parametrize(
    "body",
    [{"tenant": "a", "platform": "peak"}, {"token": "t", "platform": "peak"}, {"token": "t", "tenant": "a"}],
)
def test_incomplete_tokens_are_refused(sandbox: Sandbox, body: dict[str, Any]) -> None:
    assert requests.put(sandbox.url + "/_sandbox/tokens", json=body, timeout=10).status_code == 400


def test_scheduled_failure_over_http(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.fail_next("peak", operation="create", name="web", reason="quota exceeded")

    described = peak.describe(peak.create("web"))

    assert (described["status"], described["lastError"]) == ("CREATE_FAILED", {"message": "quota exceeded"})


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"operation": "update", "name": "web"}, "operation must be one of create, delete"),
        ({"name": "web"}, "operation is required"),
        ({"operation": "create"}, "name is required"),
    ],
)
def test_bad_failures_are_refused(sandbox: Sandbox, body: dict[str, Any], detail: str) -> None:
    with pytest.raises(SandboxError, match=detail):
        sandbox.fail_next("peak", **body)


def test_state_dumps_every_tenant_without_credentials(peak: PeakHttp, sandbox: Sandbox) -> None:
    peak.create("web")
    peak.as_tenant("sandbox-staging-key").create("web")

    state = sandbox.state()

    assert set(state["peak"]["tenants"]) == {"dev", "staging"}
    assert "sandbox-dev-key" not in json.dumps(state)


def test_reset_clears_everything_but_tokens(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.add_token("kept-token", "kept")
    peak.create("web")
    sandbox.add_fault(path="x")
    sandbox.set_transitions("reads", 4)
    sandbox.fail_next("peak", operation="create", name="web", reason="r")

    sandbox.reset()

    peak_state = sandbox.state()["peak"]
    assert [t.get("services") for t in peak_state["tenants"].values() if t.get("services")] == []
    assert peak_state["failures"] == []
    assert (sandbox.faults(), sandbox.requests()) == ([], [])
    assert sandbox.transitions()["mode"] == "immediate"
    assert peak.as_tenant("kept-token").call("GET", "").status_code == 200


def test_control_client_for_a_sandbox_elsewhere(sandbox: Sandbox) -> None:
    control = SandboxControl(sandbox.url + "/")

    control.set_transitions("reads", 2)

    assert sandbox.transitions()["mode"] == "reads"


def test_unknown_control_route(sandbox: Sandbox) -> None:
    response = requests.get(sandbox.url + "/_sandbox/nothing", timeout=10)

    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
    assert requests.get(sandbox.url + "/_sandbox/reset", timeout=10).status_code == 405


def test_environment_points_at_the_sandbox(sandbox: Sandbox) -> None:
    environment = sandbox.environment()
    assert {k: environment[k] for k in ("MLP_SANDBOX_URL", "PEAK_ENDPOINT", "PEAK_AUTH_TOKEN")} == {
        "MLP_SANDBOX_URL": sandbox.url,
        "PEAK_ENDPOINT": sandbox.url + "/peak/{subdomain}",
        "PEAK_AUTH_TOKEN": "sandbox-dev-key",
    }
    # Each platform's own variables, so its official SDK picks the sandbox up unchanged.
    assert environment["ABEJA_API_URL"] == sandbox.url + "/abeja"
    assert environment["DKU_DSS_URL"] == sandbox.url + "/dataiku"
    assert {"PLATFORM_AUTH_TOKEN", "ABEJA_ORGANIZATION_ID", "DKU_API_KEY"} <= set(environment)
    assert {"AWS_ENDPOINT_URL_APPCONFIG", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= set(environment)
    assert environment["AWS_DEFAULT_REGION"]
    assert sandbox.peak_endpoint == sandbox.url + "/peak/{subdomain}"
