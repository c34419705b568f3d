"""The Peak emulator's rules as plain Python: no HTTP, a fake clock."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from providers.sandbox.core.http import HttpError
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.peak.models import ListQuery, PeakBackend


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> PeakBackend:
    return PeakBackend(Transitions(clock))


def body(name: Any = "web", **fields: Any) -> dict[str, Any]:
    return {"name": name, "imageDetails": {"imageId": 7}, **fields}


def create_available(backend: PeakBackend, tenant: str = "dev", **fields: Any) -> str:
    service = backend.create_service(tenant, body(**fields))
    assert backend.describe_service(tenant, service.id).status == "AVAILABLE"
    return service.id


def error_of(call: Any) -> tuple[int, str]:
    with pytest.raises(HttpError) as caught:
        call()
    return caught.value.status, caught.value.message


# --- create -------------------------------------------------------------------------------------


def test_create_starts_creating_and_the_next_read_sees_available(backend: PeakBackend) -> None:
    service = backend.create_service("dev", body())

    assert service.status == "CREATING"
    assert backend.describe_service("dev", service.id).status == "AVAILABLE"


def test_create_fills_defaults_and_attribution(backend: PeakBackend) -> None:
    described = backend.create_service("dev", body()).describe()

    assert described["serviceType"] == "web-app"
    assert described["imageDetails"] == {"imageId": 7, "versionId": 1}
    assert described["resources"] == {"instanceTypeId": 1}
    assert described["parameters"] == {"env": {}, "secrets": []}
    assert described["minInstances"] == 1
    assert described["sessionStickiness"] is False and described["scaleToZero"] is False
    assert described["title"] is None and described["entrypoint"] is None
    assert described["createdBy"] == described["updatedBy"] == "sandbox@dev.peak.ai"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", described["createdAt"])
    assert described["applicationUrl"] == "https://web.dev.peak.site"
    assert described["lastError"] is None


def test_create_keeps_every_given_field(backend: PeakBackend) -> None:
    service = backend.create_service(
        "dev",
        {
            "name": "api-1",
            "serviceType": "api",
            "title": "API",
            "description": "d",
            "imageDetails": {"imageId": 7, "versionId": 3},
            "resources": {"instanceTypeId": 4},
            "parameters": {"env": {"A": "1"}, "secrets": ["s"]},
            "entrypoint": "run\nnow",
            "healthCheckURL": "/health",
            "minInstances": 2,
            "unknownKey": {"ignored": True},
        },
    )
    described = service.describe()

    assert described["imageDetails"] == {"imageId": 7, "versionId": 3}
    assert described["resources"] == {"instanceTypeId": 4}
    assert described["parameters"] == {"env": {"A": "1"}, "secrets": ["s"]}
    assert described["entrypoint"] == "run\nnow"
    assert (described["healthCheckURL"], described["minInstances"]) == ("/health", 2)
    assert described["applicationUrl"] == "https://service.peak.ai/dev/api/api-1"


def test_integral_float_numbers_are_integers(backend: PeakBackend) -> None:
    service = backend.create_service("dev", {"name": "web", "imageDetails": {"imageId": 7.0}, "minInstances": 2.0})

    assert (service.image_id, service.min_instances) == (7, 2)


def test_name_of_64_characters_is_accepted(backend: PeakBackend) -> None:
    backend.create_service("dev", body("a" * 64))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"imageDetails": {"imageId": 7}}, "name is required"),
        (body(""), "name is required"),
        (body(7), "name must be a string"),
        (body("Web"), "name must be 1-64 lowercase letters"),
        (body("1web"), "name must be 1-64 lowercase letters"),
        (body("web_app"), "name must be 1-64 lowercase letters"),
        (body("a" * 65), "name must be 1-64 lowercase letters"),
        (body(serviceType="lambda"), "serviceType must be one of web-app, api, shiny"),
        ({"name": "web"}, "imageDetails.imageId is required"),
        ({"name": "web", "imageDetails": "7"}, "imageDetails must be an object"),
        ({"name": "web", "imageDetails": {"imageId": True}}, "imageDetails.imageId must be an integer"),
        ({"name": "web", "imageDetails": {"imageId": "7"}}, "imageDetails.imageId must be an integer"),
        ({"name": "web", "imageDetails": {"imageId": 1.5}}, "imageDetails.imageId must be an integer"),
        ({"name": "web", "imageDetails": {"imageId": 0}}, "imageDetails.imageId must be an integer >= 1"),
        ({"name": "web", "imageDetails": {"imageId": 7, "versionId": -1}}, "imageDetails.versionId must be"),
        (body(resources={"instanceTypeId": "large"}), "resources.instanceTypeId must be an integer"),
        (body(parameters={"env": {"A": 1}}), "parameters.env must be an object of string values"),
        (body(parameters={"env": ["A"]}), "parameters.env must be an object of string values"),
        (body(parameters={"secrets": "s"}), "parameters.secrets must be a list of strings"),
        (body(parameters=["env"]), "parameters must be an object"),
        (body(sessionStickiness="yes"), "sessionStickiness must be a boolean"),
        (body(scaleToZero=1), "scaleToZero must be a boolean"),
        (body(minInstances=3), "minInstances must be an integer between 1 and 2"),
        (body(minInstances=0), "minInstances must be an integer between 1 and 2"),
        (body(entrypoint=["run"]), "entrypoint must be a string"),
        (body(healthCheckURL=1), "healthCheckURL must be a string"),
        (body(title=1), "title must be a string"),
        (body(serviceType="api", sessionStickiness=True), "sessionStickiness is not supported for serviceType api"),
        (body(serviceType="shiny", scaleToZero=True), "scaleToZero is only supported for serviceType web-app"),
        (body(scaleToZero=True, sessionStickiness=True), "scaleToZero cannot be combined with sessionStickiness"),
    ],
)
def test_create_rejects_bad_fields_naming_them(backend: PeakBackend, document: dict[str, Any], message: str) -> None:
    status, text = error_of(lambda: backend.create_service("dev", document))

    assert status == 400
    assert text.startswith(message)
    assert backend.dump()["tenants"] == {}


def test_duplicate_name_conflicts_within_a_tenant_only(backend: PeakBackend) -> None:
    backend.create_service("dev", body())

    assert error_of(lambda: backend.create_service("dev", body())) == (409, "service web already exists")
    backend.create_service("staging", body())


def test_tenants_never_see_each_other(backend: PeakBackend) -> None:
    service_id = create_available(backend, "dev")

    assert error_of(lambda: backend.describe_service("staging", service_id)) == (
        404,
        f"service {service_id} not found",
    )
    assert backend.list_services("staging", ListQuery()).items == []
    assert error_of(lambda: backend.delete_service("staging", service_id))[0] == 404
    assert error_of(lambda: backend.update_service("staging", service_id, {"title": "x"}))[0] == 404


# --- update -------------------------------------------------------------------------------------


def test_title_and_description_changes_do_not_redeploy(backend: PeakBackend) -> None:
    service_id = create_available(backend)

    updated = backend.update_service("dev", service_id, {"title": "T", "description": "D"})

    assert (updated.status, updated.pending, updated.title, updated.description) == ("AVAILABLE", None, "T", "D")


@pytest.mark.parametrize(
    "patch",
    [
        {"imageDetails": {"imageId": 8}},
        {"imageDetails": {"versionId": 2}},
        {"resources": {"instanceTypeId": 2}},
        {"parameters": {"env": {"A": "1"}}},
        {"parameters": {"secrets": ["s"]}},
        {"healthCheckURL": "/h"},
        {"entrypoint": "run"},
        {"sessionStickiness": True},
        {"scaleToZero": True},
        {"minInstances": 2},
    ],
)
def test_changing_a_deployed_setting_redeploys(backend: PeakBackend, patch: dict[str, Any]) -> None:
    service_id = create_available(backend)

    assert backend.update_service("dev", service_id, patch).status == "DEPLOYING"
    assert backend.describe_service("dev", service_id).status == "AVAILABLE"


def test_patch_with_unchanged_values_does_not_redeploy(backend: PeakBackend) -> None:
    service_id = create_available(backend)

    assert backend.update_service("dev", service_id, body()).status == "AVAILABLE"


def test_patch_keeps_omitted_fields_and_sub_keys(backend: PeakBackend) -> None:
    service_id = create_available(backend, title="T", parameters={"env": {"A": "1"}, "secrets": ["s"]})

    backend.update_service("dev", service_id, {"parameters": {"env": {"B": "2"}}})
    described = backend.describe_service("dev", service_id).describe()

    assert described["parameters"] == {"env": {"B": "2"}, "secrets": ["s"]}
    assert described["title"] == "T"


def test_patch_accepts_unchanged_name_and_service_type(backend: PeakBackend) -> None:
    service_id = create_available(backend)

    backend.update_service("dev", service_id, {"name": "web", "serviceType": "web-app", "title": "T"})


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"name": "other"}, "name cannot be changed"),
        ({"serviceType": "api"}, "serviceType cannot be changed"),
        ({"minInstances": 5}, "minInstances must be an integer between 1 and 2"),
        ({"imageDetails": {"imageId": "8"}}, "imageDetails.imageId must be an integer"),
        ({"scaleToZero": True, "sessionStickiness": True}, "scaleToZero cannot be combined"),
    ],
)
def test_patch_rejects_bad_fields(backend: PeakBackend, patch: dict[str, Any], message: str) -> None:
    service_id = create_available(backend)

    status, text = error_of(lambda: backend.update_service("dev", service_id, patch))

    assert (status, text.startswith(message)) == (400, True)
    assert backend.describe_service("dev", service_id).image_id == 7


def test_patch_checks_rules_against_the_merged_service(backend: PeakBackend) -> None:
    service_id = create_available(backend, serviceType="api")

    assert error_of(lambda: backend.update_service("dev", service_id, {"sessionStickiness": True}))[0] == 400


def test_writes_conflict_while_busy_and_do_not_advance(backend: PeakBackend) -> None:
    backend.transitions.set("reads", 2)
    service = backend.create_service("dev", body())

    for _ in range(3):
        assert error_of(lambda: backend.update_service("dev", service.id, {"title": "x"}))[0] == 409
        assert error_of(lambda: backend.delete_service("dev", service.id))[0] == 409
    assert backend.describe_service("dev", service.id).status == "CREATING"


def test_update_conflicts_while_deploying_and_deleting(backend: PeakBackend) -> None:
    service_id = create_available(backend)
    backend.transitions.set("reads", 2)

    backend.update_service("dev", service_id, {"minInstances": 2})
    status, text = error_of(lambda: backend.update_service("dev", service_id, {"title": "x"}))
    assert (status, text) == (409, "service web cannot be updated while DEPLOYING")
    assert error_of(lambda: backend.delete_service("dev", service_id))[0] == 409

    backend.describe_service("dev", service_id)
    backend.describe_service("dev", service_id)
    backend.delete_service("dev", service_id)
    assert error_of(lambda: backend.update_service("dev", service_id, {"title": "x"}))[0] == 409
    assert error_of(lambda: backend.delete_service("dev", service_id))[0] == 409


# --- delete -------------------------------------------------------------------------------------


def test_delete_goes_deleting_then_gone(backend: PeakBackend) -> None:
    service_id = create_available(backend)

    assert backend.delete_service("dev", service_id).status == "DELETING"
    assert error_of(lambda: backend.describe_service("dev", service_id)) == (404, f"service {service_id} not found")
    assert error_of(lambda: backend.delete_service("dev", service_id))[0] == 404


def test_create_failed_service_can_be_deleted_not_updated(backend: PeakBackend) -> None:
    backend.schedule_failure("create", "web", "no capacity")
    service_id = backend.create_service("dev", body()).id
    assert backend.describe_service("dev", service_id).status == "CREATE_FAILED"

    assert error_of(lambda: backend.update_service("dev", service_id, {"title": "x"}))[0] == 409
    backend.delete_service("dev", service_id)
    assert backend.list_services("dev", ListQuery()).total == 0


# --- scheduled failures -------------------------------------------------------------------------


def test_scheduled_create_failure_is_one_shot_and_carries_the_reason(backend: PeakBackend) -> None:
    backend.schedule_failure("create", "web", "image pull failed")

    service_id = backend.create_service("dev", body()).id
    described = backend.describe_service("dev", service_id).describe()

    assert (described["status"], described["lastError"]) == ("CREATE_FAILED", {"message": "image pull failed"})
    backend.delete_service("dev", service_id)
    backend.list_services("dev", ListQuery())
    assert create_available(backend)


def test_scheduled_failure_applies_to_its_name_and_tenant_only(backend: PeakBackend) -> None:
    backend.schedule_failure("create", "web", "boom", tenant="staging")

    create_available(backend, "dev")
    create_available(backend, "dev", name="other")
    failed = backend.create_service("staging", body())
    assert backend.describe_service("staging", failed.id).status == "CREATE_FAILED"


def test_scheduled_delete_failure_then_a_retry_deletes(backend: PeakBackend) -> None:
    service_id = create_available(backend)
    backend.schedule_failure("delete", "web", "volume busy")

    backend.delete_service("dev", service_id)
    described = backend.describe_service("dev", service_id).describe()
    assert (described["status"], described["lastError"]) == ("DELETE_FAILED", {"message": "volume busy"})

    retried = backend.delete_service("dev", service_id)
    assert (retried.status, retried.last_error) == ("DELETING", None)
    assert error_of(lambda: backend.describe_service("dev", service_id))[0] == 404


def test_delete_failed_service_may_be_updated_back_to_available(backend: PeakBackend) -> None:
    service_id = create_available(backend)
    backend.schedule_failure("delete", "web", "volume busy")
    backend.delete_service("dev", service_id)
    backend.describe_service("dev", service_id)

    backend.update_service("dev", service_id, {"minInstances": 2})

    assert backend.describe_service("dev", service_id).status == "AVAILABLE"


# --- transitions --------------------------------------------------------------------------------


def test_reads_mode_the_nth_read_sees_the_target(backend: PeakBackend) -> None:
    backend.transitions.set("reads", 3)
    service_id = backend.create_service("dev", body()).id

    seen = [backend.describe_service("dev", service_id).status for _ in range(4)]

    assert seen == ["CREATING", "CREATING", "AVAILABLE", "AVAILABLE"]


def test_a_list_counts_as_a_read_of_every_listed_service(backend: PeakBackend) -> None:
    backend.transitions.set("reads", 2)
    service_id = backend.create_service("dev", body()).id

    assert backend.list_services("dev", ListQuery()).items[0].status == "CREATING"
    assert backend.describe_service("dev", service_id).status == "AVAILABLE"


def test_seconds_mode_follows_the_clock(backend: PeakBackend, clock: FakeClock) -> None:
    backend.transitions.set("seconds", 30)
    service_id = backend.create_service("dev", body()).id

    clock.now += 29
    assert backend.describe_service("dev", service_id).status == "CREATING"
    clock.now += 1
    assert backend.describe_service("dev", service_id).status == "AVAILABLE"


def test_a_pending_transition_keeps_the_mode_it_started_with(backend: PeakBackend) -> None:
    backend.transitions.set("reads", 2)
    service_id = backend.create_service("dev", body()).id
    backend.transitions.set("immediate")

    assert backend.describe_service("dev", service_id).status == "CREATING"
    assert backend.describe_service("dev", service_id).status == "AVAILABLE"


def test_a_platform_mode_overrides_the_default(backend: PeakBackend) -> None:
    backend.transitions.set("reads", 5)
    backend.transitions.set("immediate", platform="peak")

    assert create_available(backend)


def test_delete_in_reads_mode_shows_deleting_until_the_nth_read(backend: PeakBackend) -> None:
    service_id = create_available(backend)
    backend.transitions.set("reads", 2)
    backend.delete_service("dev", service_id)

    assert backend.describe_service("dev", service_id).status == "DELETING"
    assert error_of(lambda: backend.describe_service("dev", service_id))[0] == 404


# --- list ---------------------------------------------------------------------------------------


def test_list_pages_in_creation_order(backend: PeakBackend, clock: FakeClock) -> None:
    for index in range(5):
        backend.create_service("dev", body(f"svc-{index}"))
        clock.now += 0.0001  # same millisecond for some: creation order must still hold

    pages = [backend.list_services("dev", ListQuery(page_size=2, page_number=n)) for n in (1, 2, 3, 4)]

    assert [[s.name for s in page.items] for page in pages] == [["svc-0", "svc-1"], ["svc-2", "svc-3"], ["svc-4"], []]
    assert {(page.total, page.page_count, page.page_size) for page in pages} == {(5, 3, 2)}
    assert [page.page_number for page in pages] == [1, 2, 3, 4]


def test_empty_list_has_zero_pages(backend: PeakBackend) -> None:
    page = backend.list_services("dev", ListQuery())

    assert (page.items, page.total, page.page_count, page.page_size, page.page_number) == ([], 0, 0, 25, 1)


def test_list_filters(backend: PeakBackend) -> None:
    create_available(backend, name="web-one")
    create_available(backend, name="api-one", serviceType="api")
    create_available(backend, name="shiny-one", serviceType="shiny")
    backend.transitions.set("reads", 10)
    backend.create_service("dev", body("web-two"))

    def names(**query: Any) -> list[str]:
        return [s.name for s in backend.list_services("dev", ListQuery(**query)).items]

    assert names(statuses=("CREATING",)) == ["web-two"]
    assert names(statuses=("CREATING", "AVAILABLE")) == ["web-one", "api-one", "shiny-one", "web-two"]
    assert names(service_types=("api", "shiny")) == ["api-one", "shiny-one"]
    assert names(search_term="ONE") == ["web-one", "api-one", "shiny-one"]
    assert names(search_term="web", statuses=("AVAILABLE",)) == ["web-one"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (ListQuery(statuses=("RUNNING",)), "status must be one of"),
        (ListQuery(service_types=("lambda",)), "serviceType must be one of"),
    ],
)
def test_list_rejects_unknown_filter_values(backend: PeakBackend, query: ListQuery, message: str) -> None:
    status, text = error_of(lambda: backend.list_services("dev", query))

    assert (status, text.startswith(message)) == (400, True)


# --- test route ---------------------------------------------------------------------------------


def test_test_service_echoes_the_request(backend: PeakBackend) -> None:
    create_available(backend, name="api", serviceType="api")

    answer = backend.test_service("dev", "api", {"httpMethod": "POST", "path": None, "payload": {"x": 1}})

    assert json.loads(answer["responseBody"]) == {"method": "POST", "path": "/", "payload": {"x": 1}}
    assert (answer["responseStatus"], answer["responseSize"]) == (200, "1KB")
    assert answer["reqStartTime"] <= answer["reqEndTime"]


def test_test_service_rules(backend: PeakBackend) -> None:
    create_available(backend, name="web")
    backend.transitions.set("reads", 5)
    backend.create_service("dev", body("api", serviceType="api"))
    good = {"httpMethod": "get", "path": "/", "payload": None}

    assert error_of(lambda: backend.test_service("dev", "nope", good)) == (404, "service nope not found")
    assert error_of(lambda: backend.test_service("dev", "web", good))[0] == 400
    assert error_of(lambda: backend.test_service("dev", "api", {**good, "httpMethod": "head"}))[0] == 400
    assert error_of(lambda: backend.test_service("dev", "api", {**good, "payload": [1]}))[0] == 400
    assert error_of(lambda: backend.test_service("dev", "api", good)) == (
        422,
        "service api is CREATING; only AVAILABLE services can be tested",
    )


# --- state --------------------------------------------------------------------------------------


def test_dump_and_load_keep_pending_transitions(backend: PeakBackend, clock: FakeClock) -> None:
    backend.transitions.set("reads", 2)
    service_id = backend.create_service("dev", body()).id
    backend.schedule_failure("delete", "web", "later")

    restored = PeakBackend(Transitions(clock))
    restored.load(json.loads(json.dumps(backend.dump())))

    assert restored.describe_service("dev", service_id).status == "CREATING"
    assert restored.describe_service("dev", service_id).status == "AVAILABLE"
    restored.delete_service("dev", service_id)
    assert restored.describe_service("dev", service_id).status == "DELETE_FAILED"


def test_reset_forgets_everything(backend: PeakBackend) -> None:
    create_available(backend)
    backend.schedule_failure("create", "x", "y")

    backend.reset()

    assert backend.dump() == {"tenants": {}, "failures": []}
