"""The Peak emulator over HTTP: every route, its statuses and error bodies."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

import pytest

from providers.sandbox import Sandbox
from tests.sandbox.sandbox_support import WEBAPPS, PeakHttp

DESCRIBE_KEYS = {
    "id",
    "name",
    "title",
    "description",
    "status",
    "serviceType",
    "imageDetails",
    "resources",
    "parameters",
    "sessionStickiness",
    "scaleToZero",
    "entrypoint",
    "healthCheckURL",
    "minInstances",
    "applicationUrl",
    "createdAt",
    "createdBy",
    "updatedAt",
    "updatedBy",
    "tags",
    "lastError",
}
LIST_ITEM_KEYS = {
    "id",
    "name",
    "title",
    "description",
    "status",
    "serviceType",
    "createdAt",
    "createdBy",
    "updatedAt",
    "updatedBy",
    "tags",
}


def test_create_answers_201_with_a_uuid4_id(peak: PeakHttp) -> None:
    response = peak.call("POST", "", json={"name": "web", "imageDetails": {"imageId": 7}})

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    assert uuid.UUID(response.json()["id"]).version == 4
    assert list(response.json()) == ["id"]


def test_create_without_trailing_slash(peak: PeakHttp) -> None:
    response = peak.call("POST", WEBAPPS.rstrip("/"), json={"name": "web", "imageDetails": {"imageId": 7}})

    assert response.status_code == 201


def test_describe_has_the_full_shape(peak: PeakHttp) -> None:
    service_id = peak.create("web", title="Web", parameters={"env": {"A": "1"}})

    described = peak.describe(service_id)

    assert set(described) == DESCRIBE_KEYS
    assert (described["id"], described["status"], described["title"]) == (service_id, "AVAILABLE", "Web")
    assert described["parameters"] == {"env": {"A": "1"}, "secrets": []}


def test_describe_unknown_is_404_with_detail(peak: PeakHttp) -> None:
    response = peak.call("GET", "missing-id", json={})

    assert (response.status_code, response.json()) == (404, {"detail": "service missing-id not found"})


@pytest.mark.parametrize("path", [WEBAPPS, WEBAPPS.rstrip("/")])
def test_list_with_and_without_trailing_slash(peak: PeakHttp, path: str) -> None:
    peak.create("web")

    response = peak.call("GET", path, params={"featureType": "services"}, json={})

    assert response.status_code == 200
    listed = response.json()
    assert set(listed) == {"services", "servicesCount", "pageCount", "pageNumber", "pageSize"}
    assert (listed["servicesCount"], listed["pageCount"], listed["pageNumber"], listed["pageSize"]) == (1, 1, 1, 25)
    assert set(listed["services"][0]) == LIST_ITEM_KEYS


def test_list_without_feature_type_uses_webapps_keys(peak: PeakHttp) -> None:
    peak.create("web")

    listed = peak.call("GET", "").json()

    assert set(listed) == {"webapps", "webappsCount", "pageCount", "pageNumber", "pageSize"}
    assert listed["webappsCount"] == 1


def test_empty_list_has_page_count_zero(peak: PeakHttp) -> None:
    listed = peak.call("GET", "", params={"featureType": "services"}).json()

    assert (listed["services"], listed["servicesCount"], listed["pageCount"]) == ([], 0, 0)


def test_list_pages(peak: PeakHttp) -> None:
    for name in ("a-1", "a-2", "a-3"):
        peak.create(name)

    second = peak.call("GET", "", params={"featureType": "services", "pageSize": "2", "pageNumber": "2"}).json()

    assert [s["name"] for s in second["services"]] == ["a-3"]
    assert (second["pageCount"], second["pageNumber"], second["pageSize"], second["servicesCount"]) == (2, 2, 2, 3)


@pytest.mark.parametrize(
    "params",
    [
        [("serviceType", "api"), ("serviceType", "shiny")],
        [("serviceType", "api,shiny")],
    ],
)
def test_list_filters_take_repeated_or_comma_joined_values(peak: PeakHttp, params: list[tuple[str, str]]) -> None:
    peak.create("web")
    peak.create("api", serviceType="api")
    peak.create("shiny", serviceType="shiny")

    listed = peak.call("GET", "", params=[("featureType", "services"), *params]).json()

    assert [s["name"] for s in listed["services"]] == ["api", "shiny"]


def test_list_status_filter_and_search_term(peak: PeakHttp, sandbox: Sandbox) -> None:
    peak.create("web-one")
    sandbox.set_transitions("reads", 5)
    peak.create("web-two")
    peak.create("api-two", serviceType="api")

    listed = peak.call(
        "GET", "", params=[("featureType", "services"), ("status", "CREATING"), ("searchTerm", "web")]
    ).json()

    assert [s["name"] for s in listed["services"]] == ["web-two"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"pageSize": "0"}, "pageSize must be an integer >= 1"),
        ({"pageNumber": "x"}, "pageNumber must be an integer >= 1"),
        ({"status": "RUNNING"}, "status must be one of"),
        ({"serviceType": "lambda"}, "serviceType must be one of"),
    ],
)
def test_list_rejects_bad_parameters(peak: PeakHttp, params: dict[str, str], detail: str) -> None:
    response = peak.call("GET", "", params=params)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)


def test_update_answers_id_and_changes_fields(peak: PeakHttp) -> None:
    service_id = peak.create("web")
    peak.describe(service_id)

    response = peak.call("PATCH", service_id, json={"name": "web", "title": "New"})

    assert (response.status_code, response.json()) == (200, {"id": service_id})
    assert peak.describe(service_id)["title"] == "New"


def test_update_that_redeploys_goes_through_deploying(peak: PeakHttp, sandbox: Sandbox) -> None:
    service_id = peak.create("web")
    peak.describe(service_id)
    sandbox.set_transitions("reads", 2)

    peak.call("PATCH", service_id, json={"imageDetails": {"imageId": 8}})

    assert [peak.describe(service_id)["status"] for _ in range(2)] == ["DEPLOYING", "AVAILABLE"]
    assert peak.describe(service_id)["imageDetails"] == {"imageId": 8, "versionId": 1}


def test_update_errors(peak: PeakHttp, sandbox: Sandbox) -> None:
    service_id = peak.create("web")
    peak.describe(service_id)

    assert peak.call("PATCH", "missing", json={"title": "x"}).status_code == 404
    renamed = peak.call("PATCH", service_id, json={"name": "other"})
    assert (renamed.status_code, renamed.json()) == (400, {"detail": "name cannot be changed"})
    sandbox.set_transitions("reads", 5)
    peak.call("PATCH", service_id, json={"minInstances": 2})
    busy = peak.call("PATCH", service_id, json={"title": "x"})
    assert (busy.status_code, busy.json()) == (409, {"detail": "service web cannot be updated while DEPLOYING"})


def test_delete_answers_id_then_the_service_is_gone(peak: PeakHttp) -> None:
    service_id = peak.create("web")
    peak.describe(service_id)

    response = peak.call("DELETE", service_id, json={})

    assert (response.status_code, response.json()) == (200, {"id": service_id})
    assert peak.call("GET", service_id).status_code == 404


def test_delete_while_creating_conflicts(peak: PeakHttp, sandbox: Sandbox) -> None:
    sandbox.set_transitions("reads", 3)
    service_id = peak.create("web")

    response = peak.call("DELETE", service_id, json={})

    assert (response.status_code, response.json()) == (409, {"detail": "service web cannot be deleted while CREATING"})


def test_create_validation_and_duplicates(peak: PeakHttp) -> None:
    bad = peak.call("POST", "", json={"name": "web", "imageDetails": {"imageId": "7"}})
    assert (bad.status_code, bad.json()) == (400, {"detail": "imageDetails.imageId must be an integer"})

    peak.create("web")
    duplicate = peak.call("POST", "", json={"name": "web", "imageDetails": {"imageId": 7}})
    assert (duplicate.status_code, duplicate.json()) == (409, {"detail": "service web already exists"})


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"", "request body is required (a JSON object)"),
        (b"{not json", "request body is not valid JSON"),
        (b"[1, 2]", "request body must be a JSON object"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_json_bodies_are_required_where_the_route_reads_one(
    peak: PeakHttp, method: str, data: bytes, detail: str
) -> None:
    service_id = peak.create("web")
    path = "" if method == "POST" else service_id

    response = peak.call(method, path, data=data, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)


def test_test_route_finds_the_service_by_name(peak: PeakHttp) -> None:
    peak.create("api", serviceType="api")
    peak.call("GET", "")

    response = peak.call("POST", "api/test", json={"httpMethod": "put", "path": "/p", "payload": None})

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"responseBody", "responseStatus", "reqStartTime", "reqEndTime", "responseSize"}
    assert json.loads(answer["responseBody"]) == {"method": "PUT", "path": "/p", "payload": None}


@pytest.mark.parametrize(
    ("name", "request_body", "status"),
    [
        ("nope", {"httpMethod": "get"}, 404),
        ("web", {"httpMethod": "get"}, 400),
        ("api", {"httpMethod": "trace"}, 400),
        ("busy", {"httpMethod": "get"}, 422),
    ],
)
def test_test_route_errors(
    peak: PeakHttp, sandbox: Sandbox, name: str, request_body: dict[str, Any], status: int
) -> None:
    peak.create("web")
    peak.create("api", serviceType="api")
    peak.call("GET", "")
    sandbox.set_transitions("reads", 5)
    peak.create("busy", serviceType="api")

    response = peak.call("POST", f"{name}/test", json=request_body)

    assert response.status_code == status
    assert set(response.json()) == {"detail"}


def test_tenant_metadata_requires_a_token(peak: PeakHttp) -> None:
    path = "/peak/service/tenant-management/api/v1/external/tenants/tenant-metadata"

    assert (peak.call("GET", path, json={}).status_code, peak.call("GET", path).json()) == (200, {})
    assert peak.as_tenant(None).call("GET", path).status_code == 401


def test_telemetry_accepts_anything(peak: PeakHttp) -> None:
    path = "/peak/service/resource-usage/api/v1/telemetry"

    assert peak.call("POST", path, json={"statusCode": 200, "url": "x"}).json() == {}
    assert peak.as_tenant("unknown").call("POST", path, data=b"not json").status_code == 200


@pytest.mark.parametrize("token", [None, "", "secret-value-123"])
def test_unauthorised_answers_never_echo_the_token(peak: PeakHttp, sandbox: Sandbox, token: str | None) -> None:
    response = peak.as_tenant(token).call("GET", "")

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
    assert "secret-value-123" not in response.text
    assert "secret-value-123" not in json.dumps(sandbox.requests())


def test_bearer_prefix_is_not_peak_auth(peak: PeakHttp) -> None:
    assert peak.as_tenant("Bearer sandbox-dev-key").call("GET", "").status_code == 401


def test_tenants_are_isolated(peak: PeakHttp) -> None:
    service_id = peak.create("web")
    staging = peak.as_tenant("sandbox-staging-key")

    assert staging.call("GET", service_id).status_code == 404
    assert staging.call("GET", "", params={"featureType": "services"}).json()["services"] == []
    assert staging.create("web")


@pytest.mark.parametrize(
    ("method", "path", "status", "detail"),
    [
        ("GET", "/peak/service/webapps/api/v2/webapps/", 404, "Not Found"),
        ("GET", "/peak/press/v9/specs/", 404, "Not Found"),
        ("GET", "/peak", 404, "Not Found"),
        ("GET", "/elsewhere", 404, "Not Found"),
        ("PUT", WEBAPPS, 405, "Method Not Allowed"),
        ("DELETE", WEBAPPS, 405, "Method Not Allowed"),
        ("GET", WEBAPPS + "web/test", 405, "Method Not Allowed"),
    ],
)
def test_unknown_routes_and_methods(peak: PeakHttp, method: str, path: str, status: int, detail: str) -> None:
    response = peak.call(method, path)

    assert (response.status_code, response.json()) == (status, {"detail": detail})


def test_no_accept_header_is_needed(sandbox: Sandbox) -> None:
    request = urllib.request.Request(
        sandbox.url + WEBAPPS + "?featureType=services", headers={"Authorization": "sandbox-dev-key"}
    )
    assert "Accept" not in request.headers

    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["services"] == []


def test_an_encoded_slash_stays_inside_its_path_segment(peak: PeakHttp, sandbox: Sandbox) -> None:
    response = peak.call("GET", "a%2Fb", json={})

    assert (response.status_code, response.json()) == (404, {"detail": "service a/b not found"})
    entry = sandbox.requests()[-1]
    assert (entry["route"], entry["path"]) == ("peak.describe_service", WEBAPPS + "a%2Fb")
