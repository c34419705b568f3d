"""The ABEJA emulator's backend as plain Python: rules, seeded fixtures, runs stepping through their statuses."""

from __future__ import annotations

import pytest

from providers.sandbox.abeja.exceptions import BadRequest, Forbidden, NotFound
from providers.sandbox.abeja.models import (
    DEPLOYMENT_ID,
    INPUT_CHANNEL_ID,
    ORGANIZATION_ID,
    OTHER_ORGANIZATION_ID,
    OUTPUT_CHANNEL_ID,
    RUN_STEPS,
    SANDBOX_USER_ID,
    TRAINING_MODEL_IDS,
    VERSION_IDS,
    AbejaBackend,
)
from providers.sandbox.core.transitions import Transitions

USER = SANDBOX_USER_ID
BODY = {"version_id": VERSION_IDS[0], "input_service_name": "datalake", "input_service_id": INPUT_CHANNEL_ID}


@pytest.fixture
def backend() -> AbejaBackend:
    return AbejaBackend(Transitions())


def test_seeded_fixtures_exist_and_reset_restores_them(backend: AbejaBackend) -> None:
    deployment = backend.deployment(USER, ORGANIZATION_ID, DEPLOYMENT_ID)
    assert [v.version for v in deployment.versions.values()] == ["0.0.1", "0.0.2"]
    assert set(backend.organization(USER, ORGANIZATION_ID).channels) == {INPUT_CHANNEL_ID, OUTPUT_CHANNEL_ID}
    backend.delete_deployment(USER, ORGANIZATION_ID, DEPLOYMENT_ID)
    backend.reset()
    assert backend.deployment(USER, ORGANIZATION_ID, DEPLOYMENT_ID).versions.keys() == set(VERSION_IDS)


def test_trigger_object_has_every_field(backend: AbejaBackend) -> None:
    trigger = backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, {**BODY, "environment": None}).wire()
    assert trigger["trigger_id"].startswith("tri-") and len(trigger["trigger_id"]) == 20
    assert trigger["organization_id"] == ORGANIZATION_ID and trigger["model_version"] == "0.0.1"
    assert trigger["user_env_vars"] == {} and trigger["models"] == {} and trigger["distribution"] is None
    assert trigger["retry_count"] == 5 and trigger["output_service_name"] is None
    assert trigger["created_at"].endswith("Z") and len(trigger["created_at"]) == 27
    assert [t["trigger_id"] for t in backend.deployment(USER, ORGANIZATION_ID, DEPLOYMENT_ID).wire()["triggers"]] == [
        trigger["trigger_id"]
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retry_count": 10}, "retry_count"),
        ({"retry_count": -1}, "retry_count"),
        ({"retry_count": "3"}, "retry_count"),
        ({"version_id": "ver-ffffffffffffffff"}, "version_id"),
        ({"input_service_id": "1400000000099"}, "input_service_id"),
        ({"input_service_name": "s3"}, "input_service_name"),
        ({"output_service_name": "datalake"}, "output_service_id"),
        ({"output_service_id": OUTPUT_CHANNEL_ID}, "output_service_name"),
        ({"environment": ["A"]}, "environment"),
        ({"models": {"alias": "1500000000099"}}, "models.alias"),
        ({"distribution": -1}, "distribution"),
    ],
)
def test_create_refuses_bad_fields_with_400_naming_them(backend: AbejaBackend, changes: dict, field: str) -> None:
    with pytest.raises(BadRequest) as error:
        backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, {**BODY, **changes})
    assert list(error.value.detail) == [field]


def test_missing_org_or_deployment_is_404_and_a_foreign_org_403(backend: AbejaBackend) -> None:
    with pytest.raises(NotFound):
        backend.create_trigger(USER, "1200000000099", DEPLOYMENT_ID, BODY)
    with pytest.raises(NotFound):
        backend.create_trigger(USER, ORGANIZATION_ID, "1300000000099", BODY)
    with pytest.raises(Forbidden):
        backend.list_deployments(USER, OTHER_ORGANIZATION_ID)


def test_delete_is_visible_at_once_and_deployment_delete_cascades(backend: AbejaBackend) -> None:
    first = backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    backend.delete_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, first.trigger_id)
    with pytest.raises(NotFound):
        backend.trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, first.trigger_id)
    backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    with pytest.raises(BadRequest, match="used by trigger"):
        backend.delete_version(USER, ORGANIZATION_ID, DEPLOYMENT_ID, VERSION_IDS[0])
    backend.delete_deployment(USER, ORGANIZATION_ID, DEPLOYMENT_ID)
    assert backend.list_deployments(USER, ORGANIZATION_ID) == []


def test_a_file_starts_one_run_per_matching_trigger_stepping_to_success(backend: AbejaBackend) -> None:
    listening = backend.create_trigger(
        USER,
        ORGANIZATION_ID,
        DEPLOYMENT_ID,
        {**BODY, "environment": {"A": "1"}, "models": {"alias": TRAINING_MODEL_IDS[0]}, "retry_count": 2},
    )
    backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, {**BODY, "input_service_id": OUTPUT_CHANNEL_ID})
    runs = backend.file_arrived(ORGANIZATION_ID, INPUT_CHANNEL_ID, "f1", fail=False)
    assert len(runs) == 1
    run = runs[0]
    assert run.status == "SUBMITTED" and run.input_data == {"$datalake:1": f"{INPUT_CHANNEL_ID}/f1"}
    assert run.user_env_vars == {"A": "1"} and run.models == {"alias": TRAINING_MODEL_IDS[0]} and run.retry_count == 2
    seen = []
    for _ in range(len(RUN_STEPS) + 1):
        page = backend.trigger_runs(USER, ORGANIZATION_ID, DEPLOYMENT_ID, listening.trigger_id, False, None)
        seen.append(page.entries[0].status)
    assert seen == [*RUN_STEPS[1:], "SUCCEEDED", "SUCCEEDED"]


def test_a_failing_file_ends_failed(backend: AbejaBackend) -> None:
    trigger = backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    backend.file_arrived(ORGANIZATION_ID, INPUT_CHANNEL_ID, None, fail=True)
    for _ in range(len(RUN_STEPS)):
        status = backend.trigger_runs(USER, ORGANIZATION_ID, DEPLOYMENT_ID, trigger.trigger_id, True, None).entries[0]
    assert status.status == "FAILED"


def test_bad_page_token_is_400(backend: AbejaBackend) -> None:
    trigger = backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    with pytest.raises(BadRequest):
        backend.trigger_runs(USER, ORGANIZATION_ID, DEPLOYMENT_ID, trigger.trigger_id, False, "garbage!")


def test_state_round_trips(backend: AbejaBackend) -> None:
    backend.create_trigger(USER, ORGANIZATION_ID, DEPLOYMENT_ID, BODY)
    backend.file_arrived(ORGANIZATION_ID, INPUT_CHANNEL_ID, None, fail=False)
    copy = AbejaBackend(Transitions())
    copy.load(backend.dump())
    assert copy.dump() == backend.dump()
