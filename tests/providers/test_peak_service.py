"""ServiceProvider's methods called directly, as the provider host calls them, against the sandbox."""

from __future__ import annotations

import time

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from providers.core import ConflictError, FailedStateError, RateLimitError, ServerError, WaitTimeoutError
from providers.peak.service import ServiceOutputs, ServiceProvider
from tests.harness import PEAK_TEST_KEY, peak_services, platform_requests, writes

INPUTS = {"name": "svc-one", "image_id": 5.0, "env": {"A": "1"}, "title": "One"}


@pytest.fixture
def provider(sb):
    p = ServiceProvider()
    p.configure(ConfigureRequest(Config({"peak:apiKey": PEAK_TEST_KEY, "peak:endpoint": sb.peak_endpoint}, "p")))
    return p


def checked(provider, **changes):
    result = provider.check({}, {**INPUTS, **changes})
    assert result.failures == []
    return result.inputs


def test_basic(sb, provider):
    inputs = checked(provider)
    created = provider.create(inputs)
    outs = created.outs
    assert outs["status"] == "AVAILABLE" and outs["version_id"] == 1 and outs["image_id"] == 5
    assert set(outs) == set(inputs) | set(ServiceOutputs.field_specs()) | {"__meta"}
    read = provider.read(created.id, outs)
    assert read.id == created.id and read.outs == outs
    assert read.inputs == inputs, "no drift: refreshed inputs equal the stored ones"
    assert provider.diff(created.id, outs, inputs).changes is False
    provider.delete(created.id, outs)
    assert peak_services(sb) == {}
    provider.delete(created.id, outs)  # idempotent


def test_refresh_inputs_carry_drift_and_keep_unset_server_defaults_unset(sb, provider, peak_client):
    # Drift is seen only in fields Peak documents in its describe answer (the entrypoint is; a title is not).
    created = provider.create(checked(provider, min_instances=2, entrypoint="python app.py"))
    peak_client.update_service(created.id, {"entrypoint": "by hand", "imageDetails": {"imageId": 5, "versionId": 4}})
    read = provider.read(created.id, created.outs)
    assert read.outs["entrypoint"] == "by hand" and read.outs["version_id"] == 4
    assert read.inputs["entrypoint"] == "by hand"  # set by the user: refreshed
    assert read.inputs["min_instances"] == 2
    assert read.inputs["version_id"] is None  # never set by the user: stays unset
    assert provider.diff(created.id, read.outs, checked(provider, min_instances=2, entrypoint="python app.py")).changes


def test_disappears(sb, provider, peak_client):
    created = provider.create(checked(provider))
    peak_client.delete_service(created.id)
    assert provider.read(created.id, created.outs).id == ""


def test_update_sends_one_patch_and_returns_every_output(sb, provider):
    created = provider.create(checked(provider))
    news = checked(provider, title="Two", env={"A": "2"}, version_id=3)
    assert provider.diff(created.id, created.outs, news).changes is True
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, news)
    assert [r["method"] for r in writes(sb)] == ["PATCH"]
    assert updated.outs is not None
    assert updated.outs["title"] == "Two" and updated.outs["env"] == {"A": "2"} and updated.outs["version_id"] == 3
    assert set(updated.outs) == set(created.outs)


def test_replace_on_name_and_on_type(sb, provider):
    created = provider.create(checked(provider))
    renamed = provider.diff(created.id, created.outs, checked(provider, name="svc-two"))
    assert renamed.replaces == ["name"] and not renamed.delete_before_replace
    retyped = provider.diff(created.id, created.outs, checked(provider, service_type="shiny"))
    assert retyped.replaces == ["service_type"] and retyped.delete_before_replace


def test_adopt_existing(sb, provider, peak_client):
    existing = peak_client.create_service({"name": "svc-one", "imageDetails": {"imageId": 9}})
    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider))
    sb.clear_requests()
    adopted = provider.create(checked(provider, adopt_existing=True))
    assert adopted.id == existing
    assert adopted.outs["image_id"] == 5 and adopted.outs["adopt_existing"] is True
    assert "POST" not in [r["method"] for r in writes(sb)]
    assert len(peak_services(sb)) == 1


def test_check_failures_make_no_platform_request(sb, provider):
    result = provider.check(
        {}, {"name": "Bad Name", "image_id": -1, "service_type": "api", "session_stickiness": True, "nope": 1}
    )
    assert {f.property for f in result.failures} == {"name", "image_id", "nope"}
    assert platform_requests(sb) == []


def test_unknowns_pass_check_and_diff_as_changes(sb, provider):
    result = provider.check({}, {**INPUTS, "name": Unknown(), "env": {"A": Unknown()}})
    assert result.failures == []
    created = provider.create(checked(provider))
    diff = provider.diff(created.id, created.outs, result.inputs)
    assert diff.changes and diff.replaces == ["name"]
    assert platform_requests(sb, "peak") != []  # create did talk; check and diff alone never do


def test_timeout_deletes_the_new_service_then_the_next_create_starts_afresh_without_duplicate(sb, provider):
    # Peak has no place for an owner mark on a service: a later run could not tell a service left by a
    # timed-out create from another stack's, so the create cleans up after itself (as Terraform
    # replaces a resource whose create timed out).
    sb.set_transitions("seconds", 1.5)
    with pytest.raises(WaitTimeoutError, match="last status CREATING"):
        provider.create(checked(provider, timeout_seconds=0.3))
    assert peak_services(sb) == {}
    retried = provider.create(checked(provider, timeout_seconds=30))
    assert retried.outs["status"] == "AVAILABLE"
    assert len(peak_services(sb)) == 1
    assert [r["method"] for r in writes(sb)].count("POST") == 2


def test_failed_state_reports_reason_and_leaves_nothing(sb, provider):
    sb.fail_next("peak", operation="create", name="svc-one", reason="image 5 cannot be pulled")
    with pytest.raises(FailedStateError, match="CREATE_FAILED: image 5 cannot be pulled"):
        provider.create(checked(provider))
    assert peak_services(sb) == {}


def test_5xx_before_create_is_looked_up_then_sent_again_creating_once(sb, provider):
    sb.add_fault(method="POST", path=r"/webapps/?$", status=503, count=2)
    created = provider.create(checked(provider))
    assert created.outs["status"] == "AVAILABLE"
    assert len(peak_services(sb)) == 1
    posts = [r["status"] for r in writes(sb) if r["method"] == "POST"]
    assert posts == [503, 503, 201]
    # Between two POSTs the provider looked for the service by name, as the answer could have been lost.
    log = [(r["method"], r["route"]) for r in platform_requests(sb)]
    first, second = [i for i, (m, _) in enumerate(log) if m == "POST"][:2]
    assert ("GET", "peak.list_services") in log[first:second]


def test_a_fault_that_never_clears_fails_within_the_deadline_naming_attempts(sb, provider):
    sb.add_fault(method="POST", path=r"/webapps/?$", status=500, count=1000)
    started = time.monotonic()
    with pytest.raises(ServerError) as info:
        provider.create(checked(provider, timeout_seconds=3))
    elapsed = time.monotonic() - started
    assert elapsed < 6
    message = str(info.value)
    assert message.startswith("creating Peak Service (svc-one): 500: injected fault")
    assert "gave up after" in message and "attempts in" in message and "timeout_seconds 3" in message
    assert peak_services(sb) == {}
    sb.clear_faults()
    provider.create(checked(provider))
    assert len(peak_services(sb)) == 1


def test_lost_create_response_is_taken_over_not_duplicated(sb, provider):
    sb.add_fault(method="POST", path=r"/webapps/?$", status=502, count=1, when="after")
    created = provider.create(checked(provider))
    assert created.outs["status"] == "AVAILABLE"
    assert len(peak_services(sb)) == 1
    assert [r["method"] for r in writes(sb)].count("POST") == 1


def test_429_on_create_is_retried_after_retry_after_and_creates_once(sb, provider):
    sb.add_fault(method="POST", path=r"/webapps/?$", status=429, retry_after=1, count=2)
    started = time.monotonic()
    created = provider.create(checked(provider))
    assert time.monotonic() - started >= 2
    assert created.outs["status"] == "AVAILABLE"
    assert len(peak_services(sb)) == 1
    assert [r["status"] for r in writes(sb)] == [429, 429, 201]


def test_429_beyond_the_deadline_fails_without_creating(sb, provider):
    sb.add_fault(method="POST", path=r"/webapps/?$", status=429, retry_after=30, count=1)
    with pytest.raises(RateLimitError, match="429"):
        provider.create(checked(provider, timeout_seconds=5))
    assert peak_services(sb) == {}


def test_delete_waits_out_a_transitional_state(sb, provider):
    created = provider.create(checked(provider))
    sb.set_transitions("reads", 2)
    news = checked(provider, image_id=6)
    provider.update(created.id, created.outs, news)
    provider.delete(created.id, created.outs)
    assert peak_services(sb) == {}


@pytest.mark.sdk
def test_the_official_sdk_sees_and_deletes_what_the_provider_created(sb, provider):
    import json
    import os
    import subprocess

    from tests.sandbox.sandbox_support import ensure_peak_sdk_python

    created = provider.create(checked(provider))
    script = __import__("pathlib").Path(__file__).parents[1] / "sandbox" / "sdk_scenarios" / "peak_services.py"
    env = {**os.environ, "PEAK_AUTH_TOKEN": PEAK_TEST_KEY, "MLP_SANDBOX_URL": sb.url}
    listed = subprocess.run(
        [str(ensure_peak_sdk_python()), str(script), "list-names"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert json.loads(listed) == ["svc-one"]
    assert created.outs["name"] == "svc-one"


def test_leaving_out_entrypoint_and_health_check_keeps_peaks_values_without_waiting(sb, provider):
    # Peak cannot clear them (a PATCH with null keeps the value): unset, they are the platform's, never a diff,
    # and an update never waits for an echo of a null.
    created = provider.create(checked(provider, entrypoint="python app.py", health_check_url="/ready"))
    without = checked(provider, title="Two", timeout_seconds=20)
    assert provider.diff(created.id, created.outs, without).changes is True
    sb.clear_requests()
    started = time.monotonic()
    updated = provider.update(created.id, created.outs, without)
    assert time.monotonic() - started < 10
    assert [r["body"] for r in writes(sb)] == [{"title": "Two"}]
    assert updated.outs["entrypoint"] == "python app.py" and updated.outs["health_check_url"] == "/ready"
    assert provider.diff(created.id, updated.outs, without).changes is False


def test_converges_against_documented_answers_and_a_platform_filled_health_check(sb, provider):
    # The documented describe carries no title, description or parameters, and Peak fills a health check.
    sb.set_answers("documented", platform="peak")
    sb.add_variant("peak", "health-check-default")
    try:
        inputs = checked(provider, description="first", timeout_seconds=20)
        created = provider.create(inputs)
        assert created.outs["title"] == "One" and created.outs["env"] == {"A": "1"}
        assert created.outs["health_check_url"] == "/health"
        assert provider.diff(created.id, created.outs, inputs).changes is False
        read = provider.read(created.id, created.outs)
        assert provider.diff(created.id, read.outs, inputs).changes is False
        cleared = checked(provider, timeout_seconds=20)
        updated = provider.update(created.id, read.outs, cleared)
        assert updated.outs["description"] is None
        assert provider.diff(created.id, provider.read(created.id, updated.outs).outs, cleared).changes is False
    finally:
        sb.clear_variants()
        sb.set_answers("full")
