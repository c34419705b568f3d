"""Known variants of the platforms' answers, armed through `/_sandbox/variants` like faults."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from providers.sandbox import Sandbox, SandboxError
from providers.sandbox.peak.press_models import SEEDED_BLOCK_SPEC_ID
from tests.sandbox.dataiku_support import ADMIN_KEY
from tests.sandbox.sandbox_support import PeakHttp

PRESS = "/peak/press/v1"


def test_peak_busy_answers_422_where_the_sdk_documents_it(sandbox: Sandbox, peak: PeakHttp) -> None:
    service_id = peak.create("web")
    peak.describe(service_id)
    sandbox.set_transitions("reads", 5)
    peak.call("PATCH", service_id, json={"minInstances": 2})
    assert peak.call("PATCH", service_id, json={"title": "x"}).status_code == 409
    sandbox.add_variant("peak", "busy-422", count=1)

    busy = peak.call("PATCH", service_id, json={"title": "x"})
    assert (busy.status_code, busy.json()) == (422, {"detail": "service web cannot be updated while DEPLOYING"})
    assert peak.call("DELETE", service_id).status_code == 409, "delete_service documents 409: not changed"
    assert peak.call("PATCH", service_id, json={"title": "x"}).status_code == 409, "count 1 is used up"
    assert sandbox.variants()["variants"] == []


def test_press_delete_busy_answers_422(sandbox: Sandbox) -> None:
    headers = {"Authorization": "sandbox-dev-key"}
    body = {"metadata": {"name": "b", "summary": "s"}, "revision": {"notes": "n"}, "spec": {"id": SEEDED_BLOCK_SPEC_ID}}
    sandbox.set_transitions("reads", 5)
    created = requests.post(sandbox.url + PRESS + "/blocks/deployments/", json=body, headers=headers, timeout=10)
    sandbox.add_variant("peak", "busy-422")

    answer = requests.delete(
        f"{sandbox.url}{PRESS}/blocks/deployments/{created.json()['id']}", headers=headers, timeout=10
    )
    assert answer.status_code == 422 and "cannot be deleted while deploying" in answer.json()["detail"]
    assert [v["count"] for v in sandbox.variants()["variants"]] == [None], "armed until cleared"


def test_peak_fills_health_check_url_when_none_was_sent(sandbox: Sandbox, peak: PeakHttp) -> None:
    sandbox.add_variant("peak", "health-check-default")

    filled = peak.describe(peak.create("web"))
    kept = peak.describe(peak.create("own", healthCheckURL="/ready"))
    assert (filled["healthCheckURL"], kept["healthCheckURL"]) == ("/health", "/ready")
    assert "healthCheckURL" not in sandbox.requests()[0]["body"], "the log keeps what the client sent"
    sandbox.clear_variants()
    assert peak.describe(peak.create("later"))["healthCheckURL"] is None


def test_dss_answers_a_missing_object_with_a_500_saying_it_does_not_exist(sandbox: Sandbox) -> None:
    sandbox.add_variant("dataiku", "missing-500")

    answer = requests.get(
        sandbox.url + "/dataiku/public/api/projects/NOPE", headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=10
    )
    assert answer.status_code == 500
    assert answer.json() == {
        "errorType": "java.lang.IllegalArgumentException",
        "message": "Project NOPE does not exist",
    }


def test_an_optional_field_absent_from_an_answer(sandbox: Sandbox, peak: PeakHttp) -> None:
    service_id = peak.create("web")
    sandbox.add_variant("peak", "omit-field", routes=r"peak\.(describe|list)_services?", field="entrypoint", count=1)

    assert "entrypoint" not in peak.describe(service_id)
    assert "entrypoint" in peak.describe(service_id), "count 1 is used up"
    sandbox.add_variant("peak", "omit-field", routes=r"peak\.list_services", field="services.createdBy")
    listed = peak.call("GET", "", params={"featureType": "services"}).json()
    assert "createdBy" not in listed["services"][0] and "createdAt" in listed["services"][0]


def test_variants_are_listed_with_the_known_kinds_and_cleared_by_reset(sandbox: Sandbox) -> None:
    variant_id = sandbox.add_variant("appconfig", "omit-field", routes=r"appconfig\.get_deployment", field="EventLog")

    listed = sandbox.variants()
    assert [(v["id"], v["platform"], v["field"]) for v in listed["variants"]] == [(variant_id, "appconfig", "EventLog")]
    assert {"busy-422", "health-check-default", "omit-field", "fill-default"} <= set(listed["known"]["peak"])
    assert "missing-500" in listed["known"]["dataiku"]
    sandbox.reset()
    assert sandbox.variants()["variants"] == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"platform": "nowhere", "variant": "busy-422"}, "platform must be one of"),
        ({"platform": "abeja", "variant": "busy-422"}, "variant must be one of"),
        ({"platform": "peak", "variant": "omit-field"}, "field is required for omit-field"),
        ({"platform": "peak", "variant": "busy-422", "routes": "("}, "routes is not a valid regex"),
        ({"platform": "peak", "variant": "busy-422", "count": 0}, "count must be an integer >= 1"),
    ],
)
def test_bad_variants_are_refused(sandbox: Sandbox, body: dict[str, Any], detail: str) -> None:
    with pytest.raises(SandboxError, match=detail):
        sandbox._call("POST", "/variants", body)
