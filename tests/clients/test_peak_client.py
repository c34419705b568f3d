"""The Peak client against the sandbox: every endpoint, error mapping, retries, pagination, quoting."""

from __future__ import annotations

import time

import pytest

from providers.core import (
    AuthError,
    BadRequestError,
    ConflictError,
    Deadline,
    NotFoundError,
    OutcomeUnknownError,
    Settings,
    TransportError,
)
from providers.core.retry import operation_deadline
from providers.core.transport import HttpTransport
from providers.peak.client import PeakClient, PeakConnection, endpoint_for_stage
from tests.harness import PEAK_TEST_KEY, platform_requests

BODY = {"name": "svc-a", "serviceType": "api", "imageDetails": {"imageId": 4}}


def routes(sb):
    return [(r["method"], r["route"]) for r in platform_requests(sb)]


def test_create_get_update_delete(sb, peak_client):
    service_id = peak_client.create_service(BODY)
    service = peak_client.get_service(service_id)
    assert service.name == "svc-a" and service.image_details and service.image_details.image_id == 4
    peak_client.update_service(service_id, {"title": "T"})
    assert peak_client.get_service(service_id).title == "T"
    peak_client.delete_service(service_id)
    with pytest.raises(NotFoundError):
        for _ in range(3):
            peak_client.get_service(service_id)
    sent = routes(sb)
    assert ("POST", "peak.create_service") in sent and ("PATCH", "peak.update_service") in sent
    assert ("DELETE", "peak.delete_service") in sent


def test_list_filters_and_pagination(sb, peak_client):
    for i in range(7):
        peak_client.create_service({**BODY, "name": f"page-{i}", "serviceType": "web-app" if i % 2 else "api"})
    peak_client.create_service({**BODY, "name": "other"})
    sb.clear_requests()
    names = [s.name for s in peak_client.iter_services(name="page-", page_size=3)]
    assert sorted(names) == [f"page-{i}" for i in range(7)]
    assert len(platform_requests(sb)) == 3
    assert all(r["query"]["featureType"] == ["services"] for r in platform_requests(sb))
    apis = [s.name for s in peak_client.iter_services(service_type=["api"])]
    assert sorted(apis) == ["other", "page-0", "page-2", "page-4", "page-6"]


def test_service_test_endpoint_by_name(sb, peak_client):
    service_id = peak_client.create_service(BODY)
    peak_client.get_service(service_id)  # advance to AVAILABLE
    result = peak_client.test_service("svc-a", "post", "/health", {"x": 1})
    assert result.response_status == 200
    assert "/health" in str(result.response_body)


@pytest.mark.parametrize(
    ("make_call", "error"),
    [
        (lambda c: c.create_service({"name": "x"}), BadRequestError),
        (lambda c: c.get_service("00000000-0000-0000-0000-000000000000"), NotFoundError),
        (lambda c: c.test_service("missing", "get"), NotFoundError),
    ],
)
def test_status_maps_to_error(sb, peak_client, make_call, error):
    with pytest.raises(error) as info:
        make_call(peak_client)
    assert str(info.value).split(" Peak Service ")[0] in ("creating", "reading", "testing")


def test_conflict_while_creating(sb, peak_client):
    sb.set_transitions("reads", 5)
    service_id = peak_client.create_service(BODY)
    with pytest.raises(ConflictError) as info:
        peak_client.delete_service(service_id)
    assert info.value.status == 409
    assert str(info.value).startswith(f"deleting Peak Service ({service_id}): 409")


def test_bad_key_is_auth_error_without_the_key(sb):
    client = PeakClient(PeakConnection(sb.peak_endpoint, "wrong-key-12345"))
    with pytest.raises(AuthError) as info:
        client.get_service("x")
    assert "wrong-key-12345" not in str(info.value)
    assert "wrong-key-12345" not in repr(client.connection)


def test_get_retries_429_and_503_honouring_retry_after(sb, peak_client):
    service_id = peak_client.create_service(BODY)
    sb.add_fault(method="GET", path=r"/webapps/[^/]+$", status=429, retry_after=1, count=1)
    sb.add_fault(method="GET", path=r"/webapps/[^/]+$", status=503, retry_after=1, count=1)
    sb.clear_requests()
    started = time.monotonic()
    assert peak_client.get_service(service_id).id == service_id
    assert time.monotonic() - started >= 1.8
    assert [r["status"] for r in platform_requests(sb)] == [429, 503, 200]


def test_post_is_never_blindly_retried(sb, peak_client):
    sb.add_fault(method="POST", path=r"/webapps/?$", status=503, count=1)
    sb.clear_requests()
    with pytest.raises(OutcomeUnknownError):
        peak_client.create_service(BODY)
    assert routes(sb) == [("POST", "peak.create_service")]
    assert list(peak_client.iter_services()) == []


def test_awkward_ids_are_quoted_as_one_segment(sb, peak_client):
    for awkward in ("a/b", "a b?c", "../x", "%2F"):
        with pytest.raises(NotFoundError):
            peak_client.get_service(awkward)
    assert {r["route"] for r in platform_requests(sb)} == {"peak.describe_service"}


def test_unreachable_endpoint_is_a_transport_error_without_the_key():
    transport = HttpTransport(headers={"Authorization": "k-123456"}, secrets=("k-123456",), timeout=(1.0, 1.0))
    client = PeakClient(PeakConnection("http://127.0.0.1:9/{subdomain}", "k-123456"), transport)
    with operation_deadline(Deadline.after(1.5)), pytest.raises(TransportError) as info:
        client.get_service("x")
    message = str(info.value)
    assert "cannot reach http://127.0.0.1:9" in message and "k-123456" not in message
    assert "gave up after" in message and "attempts" in message
    assert info.value.sent is False


def test_connection_from_settings_and_stages():
    settings = Settings.from_mapping({"peak:apiKey": PEAK_TEST_KEY, "peak:stage": "dev"}, environ={})
    assert PeakConnection.from_settings(settings).host("press") == "https://press.dev.peak.ai"
    assert endpoint_for_stage("prod") == "https://{subdomain}.peak.ai"
    assert endpoint_for_stage("latest") == "https://{subdomain}.dev.peak.ai"
    env = Settings.from_mapping({}, environ={"API_KEY": "k", "PEAK__STAGE": "beta"})
    assert PeakConnection.from_settings(env).host("service") == "https://service.beta.peak.ai"
    with pytest.raises(Exception, match="no API key"):
        PeakConnection.from_settings(Settings.from_mapping({}, environ={}))
