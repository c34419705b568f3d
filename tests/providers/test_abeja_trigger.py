"""TriggerProvider's methods called directly, as the provider host calls them, against the sandbox."""

from __future__ import annotations

import json
import pickle

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from providers.abeja.client import AbejaClient
from providers.abeja.trigger import OWNER_ENV, TriggerOutputs, TriggerProvider
from providers.core import ConfigError, ConflictError, NotFoundError, Settings
from providers.core.ownership import OWNER_KEY
from providers.sandbox import Sandbox
from tests.sandbox.abeja_support import (
    DEPLOYMENT_ID,
    INPUT_CHANNEL_ID,
    ORGANIZATION_ID,
    OUTPUT_CHANNEL_ID,
    SANDBOX_TOKEN,
    TRAINING_MODEL_IDS,
    VERSION_IDS,
    AbejaHttp,
    abeja_api_url,
)

INPUTS = {
    "deployment_id": DEPLOYMENT_ID,
    "model_version_id": VERSION_IDS[0],
    "input_service_id": INPUT_CHANNEL_ID,
    "environment": {"MODE": "batch"},
}
CONFIG = {"abeja:apiToken": SANDBOX_TOKEN, "abeja:organizationId": ORGANIZATION_ID}
# The owner mark the program hands over as the hidden input `__owner` (ownership.owner_mark's shape).
OWNER = "0123456789abcdef"


@pytest.fixture
def provider(sb: Sandbox) -> TriggerProvider:
    p = TriggerProvider()
    p.configure(ConfigureRequest(Config({**CONFIG, "abeja:apiUrl": abeja_api_url(sb)}, "p")))
    return p


@pytest.fixture
def http(sb: Sandbox) -> AbejaHttp:
    return AbejaHttp(sb)


def checked(provider: TriggerProvider, **changes: object) -> dict:
    result = provider.check({}, {**INPUTS, **changes})
    assert result.failures == []
    return result.inputs


def abeja_requests(sb: Sandbox) -> list[tuple[str, str]]:
    return [(r["method"], r["route"]) for r in sb.requests(platform="abeja")]


def live_triggers(sb: Sandbox) -> dict[str, dict]:
    deployment = sb.state()["abeja"]["organizations"][ORGANIZATION_ID]["deployments"][DEPLOYMENT_ID]
    return dict(deployment["triggers"])


def test_basic(sb: Sandbox, provider: TriggerProvider) -> None:
    inputs = checked(provider)
    assert inputs["retry_count"] == 5 and inputs["input_service_name"] == "datalake"
    created = provider.create(inputs)
    outs = created.outs
    assert created.id.startswith("tri-") and outs["trigger_id"] == created.id
    assert outs["organization_id"] == ORGANIZATION_ID and outs["model_version"] == "0.0.1"
    assert outs["user_env_vars"] == {"MODE": "batch"} and outs["environment"] == {"MODE": "batch"}
    assert outs["created_at"].endswith("Z") and outs["modified_at"]
    assert set(outs) == set(inputs) | set(TriggerOutputs.field_specs()) | {"__meta"}
    read = provider.read(created.id, outs)
    assert read.id == created.id and read.outs == outs
    assert {k: v for k, v in read.inputs.items() if k != "organization_id"} == {
        k: v for k, v in inputs.items() if k != "organization_id"
    }
    assert provider.diff(created.id, outs, inputs).changes is False
    provider.delete(created.id, outs)
    assert live_triggers(sb) == {}
    sb.clear_requests()
    provider.delete(created.id, outs)  # idempotent: already gone is success
    assert abeja_requests(sb) == [("DELETE", "abeja.delete_trigger")]


def test_create_sends_the_sdk_body_and_checks_references_first(sb: Sandbox, provider: TriggerProvider) -> None:
    inputs = checked(
        provider,
        model_id=TRAINING_MODEL_IDS[0],
        output_service_name="datalake",
        output_service_id=OUTPUT_CHANNEL_ID,
        distribution=3.0,
        retry_count=0.0,
    )
    created = provider.create(inputs)
    log = sb.requests(platform="abeja")
    assert [r["route"] for r in log] == [
        "abeja.list_triggers",
        "abeja.get_version",
        "abeja.get_channel",
        "abeja.get_channel",
        "abeja.create_trigger",
    ]
    assert log[-1]["body"] == {
        "version_id": VERSION_IDS[0],
        "input_service_name": "datalake",
        "input_service_id": INPUT_CHANNEL_ID,
        "environment": {"MODE": "batch"},
        "models": {"alias": TRAINING_MODEL_IDS[0]},
        "output_service_name": "datalake",
        "output_service_id": OUTPUT_CHANNEL_ID,
        "retry_count": 0,
        "distribution": 3,
    }
    assert created.outs["model_id"] == TRAINING_MODEL_IDS[0] and created.outs["distribution"] == 3


def test_empty_environment_is_sent_as_null_and_read_back_as_empty(sb: Sandbox, provider: TriggerProvider) -> None:
    created = provider.create(checked(provider, environment={}))
    assert sb.requests(platform="abeja")[-1]["body"]["environment"] is None
    assert created.outs["user_env_vars"] == {} and created.outs["environment"] == {}


def test_organization_defaults_to_stack_config_and_can_be_given(sb: Sandbox, provider: TriggerProvider) -> None:
    created = provider.create(checked(provider))
    assert created.outs["organization_id"] == ORGANIZATION_ID
    explicit = checked(provider, organization_id=ORGANIZATION_ID)
    # Unset means "the stack's": filling it in from state is no change.
    assert provider.diff(created.id, created.outs, checked(provider)).changes is False
    assert provider.diff(created.id, created.outs, explicit).changes is False


def test_no_organization_anywhere_is_a_config_error(sb: Sandbox) -> None:
    p = TriggerProvider()
    p.configure(ConfigureRequest(Config({"abeja:apiToken": SANDBOX_TOKEN, "abeja:apiUrl": abeja_api_url(sb)}, "p")))
    with pytest.raises(ConfigError, match="organization_id"):
        p.create(checked(p))
    assert sb.requests(platform="abeja") == []


def test_disappears(sb: Sandbox, provider: TriggerProvider, http: AbejaHttp) -> None:
    created = provider.create(checked(provider))
    assert http.call("DELETE", f"deployments/{DEPLOYMENT_ID}/triggers/{created.id}").status_code == 200
    assert provider.read(created.id, created.outs).id == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("deployment_id", "1300000000009"),
        ("model_version_id", VERSION_IDS[1]),
        ("input_service_id", OUTPUT_CHANNEL_ID),
        ("model_id", TRAINING_MODEL_IDS[1]),
        ("retry_count", 7),
        ("distribution", 1),
        ("environment", {"MODE": "stream"}),
        ("organization_id", "1200000000002"),
    ],
)
def test_every_platform_input_replaces_deleting_first(provider: TriggerProvider, field: str, value: object) -> None:
    olds = provider.create(checked(provider)).outs
    diff = provider.diff(olds["trigger_id"], olds, checked(provider, **{field: value}))
    assert diff.replaces == [field] and diff.delete_before_replace is True


def test_output_pair_replaces(provider: TriggerProvider) -> None:
    olds = provider.create(checked(provider)).outs
    news = checked(provider, output_service_name="datalake", output_service_id=OUTPUT_CHANNEL_ID)
    diff = provider.diff(olds["trigger_id"], olds, news)
    assert sorted(diff.replaces) == ["output_service_id", "output_service_name"]


def test_create_before_delete_flips_the_order_and_alone_is_an_in_place_change(provider: TriggerProvider) -> None:
    olds = provider.create(checked(provider)).outs
    diff = provider.diff(
        olds["trigger_id"], olds, checked(provider, model_version_id=VERSION_IDS[1], create_before_delete=True)
    )
    assert diff.replaces == ["model_version_id"] and diff.delete_before_replace is False
    only_order = provider.diff(olds["trigger_id"], olds, checked(provider, create_before_delete=True))
    assert only_order.changes is True and only_order.replaces == []
    updated = provider.update(
        olds["trigger_id"], olds, checked(provider, create_before_delete=True, timeout_seconds=60)
    )
    assert updated.outs["trigger_id"] == olds["trigger_id"] and updated.outs["create_before_delete"] is True


def test_replacement_in_the_default_order_never_has_two_live_triggers(sb: Sandbox, provider: TriggerProvider) -> None:
    """What the engine does for a delete-before-replace: delete the old, then create the new."""
    old = provider.create(checked(provider))
    news = checked(provider, model_version_id=VERSION_IDS[1])
    assert provider.diff(old.id, old.outs, news).delete_before_replace
    sb.clear_requests()
    provider.delete(old.id, old.outs)
    assert live_triggers(sb) == {}
    new = provider.create(news)
    writes = [route for method, route in abeja_requests(sb) if method != "GET"]
    assert writes == ["abeja.delete_trigger", "abeja.create_trigger"]
    assert list(live_triggers(sb)) == [new.id] and new.id != old.id
    assert new.outs["model_version"] == "0.0.2"


def test_take_over_after_a_crash_after_the_post(sb: Sandbox, provider: TriggerProvider, http: AbejaHttp) -> None:
    # Ownership rule ("never touches what it does not own"): only a leftover carrying this resource's
    # owner mark is taken over, so the crashed run's POST carries it and the create is handed `__owner`.
    inputs = {**checked(provider, retry_count=2), OWNER_KEY: OWNER}
    # An earlier run's POST landed, then the provider died before recording it.
    left = http.create_trigger(environment={"MODE": "batch", OWNER_ENV: OWNER}, retry_count=2)
    other = http.create_trigger(environment={"MODE": "other"}, retry_count=2)
    sb.clear_requests()
    created = provider.create(inputs)
    assert created.id == left["trigger_id"]
    assert [m for m, _ in abeja_requests(sb)] == ["GET", "GET", "GET"], "no POST: the leftover is taken over"
    assert set(live_triggers(sb)) == {left["trigger_id"], other["trigger_id"]}


def test_lost_create_answer_is_found_not_duplicated(sb: Sandbox, provider: TriggerProvider) -> None:
    sb.add_fault(path=r"/triggers$", method="POST", status=502, when="after", platform="abeja")
    # Ownership rule: the trigger found after the lost answer is known as ours by its owner mark (`__owner`).
    created = provider.create({**checked(provider), OWNER_KEY: OWNER})
    assert list(live_triggers(sb)) == [created.id]
    posts = [r for r in sb.requests(platform="abeja") if r["method"] == "POST"]
    assert len(posts) == 1


def test_create_refused_before_processing_is_sent_again_once(sb: Sandbox, provider: TriggerProvider) -> None:
    sb.add_fault(path=r"/triggers$", method="POST", status=502, when="before", platform="abeja")
    created = provider.create(checked(provider, timeout_seconds=30))
    assert list(live_triggers(sb)) == [created.id]


def test_adopt_existing_takes_over_an_unmarked_twin_and_deletes_nothing_else(
    sb: Sandbox, provider: TriggerProvider, http: AbejaHttp
) -> None:
    # Ownership rule ("adopt_existing may delete only what it adopts"): channel mates with other settings
    # are no longer deleted; adopting means taking over an unmarked trigger with exactly these settings.
    stranger = http.create_trigger(environment={"MODE": "old"})
    elsewhere = http.create_trigger(input_service_id=OUTPUT_CHANNEL_ID)
    twin = http.create_trigger(environment={"MODE": "batch"}, retry_count=5)
    sb.clear_requests()
    created = provider.create({**checked(provider, adopt_existing=True), OWNER_KEY: OWNER})
    assert created.id == twin["trigger_id"]
    assert set(live_triggers(sb)) == {twin["trigger_id"], elsewhere["trigger_id"], stranger["trigger_id"]}
    assert [m for m, _ in abeja_requests(sb)] == ["GET", "GET", "GET"], "nothing created, nothing deleted"


def test_without_adopt_existing_other_triggers_are_left_alone(
    sb: Sandbox, provider: TriggerProvider, http: AbejaHttp
) -> None:
    stranger = http.create_trigger(environment={"MODE": "old"})
    created = provider.create(checked(provider))
    assert set(live_triggers(sb)) == {created.id, stranger["trigger_id"]}


def test_the_owner_mark_travels_in_the_environment_and_never_shows(
    sb: Sandbox, provider: TriggerProvider, http: AbejaHttp
) -> None:
    inputs = checked(provider)
    created = provider.create({**inputs, OWNER_KEY: OWNER})
    assert sb.requests(platform="abeja")[-1]["body"]["environment"] == {"MODE": "batch", OWNER_ENV: OWNER}
    live = http.call("GET", f"deployments/{DEPLOYMENT_ID}/triggers/{created.id}").json()
    assert live["user_env_vars"][OWNER_ENV] == OWNER
    for outs in (created.outs, provider.read(created.id, created.outs).outs):
        assert outs["environment"] == {"MODE": "batch"} and outs["user_env_vars"] == {"MODE": "batch"}
    assert provider.diff(created.id, created.outs, inputs).changes is False


def test_an_unmarked_twin_is_not_taken_over_without_adopt_existing(
    sb: Sandbox, provider: TriggerProvider, http: AbejaHttp
) -> None:
    twin = http.create_trigger(environment={"MODE": "batch"}, retry_count=5)
    with pytest.raises(ConflictError, match=twin["trigger_id"]) as refused:
        provider.create({**checked(provider), OWNER_KEY: OWNER})
    assert "adopt_existing=True" in str(refused.value)
    assert list(live_triggers(sb)) == [twin["trigger_id"]]


def test_a_twin_marked_by_another_resource_is_left_alone(
    sb: Sandbox, provider: TriggerProvider, http: AbejaHttp
) -> None:
    theirs = http.create_trigger(environment={"MODE": "batch", OWNER_ENV: "fedcba9876543210"}, retry_count=5)
    for adopt in (False, True):
        created = provider.create({**checked(provider, adopt_existing=adopt), OWNER_KEY: OWNER})
        assert created.id != theirs["trigger_id"] and theirs["trigger_id"] in live_triggers(sb)
        provider.delete(created.id, created.outs)
    assert list(live_triggers(sb)) == [theirs["trigger_id"]]


def test_distribution_is_never_read_back_or_compared(sb: Sandbox, provider: TriggerProvider) -> None:
    # get and list do not document `distribution`: the recorded input stands, whatever an answer holds.
    created = provider.create({**checked(provider, distribution=3), OWNER_KEY: OWNER})
    recorded = {**created.outs, "distribution": 5}
    read = provider.read(created.id, recorded)
    assert read.outs["distribution"] == 5 and read.inputs["distribution"] == 5
    # A create-before-delete replacement that changes only `distribution` makes a new trigger: the old
    # one (same mark, same documented settings) is not taken for this create's own leftover.
    moved = provider.create({**checked(provider, distribution=4, create_before_delete=True), OWNER_KEY: OWNER})
    assert moved.id != created.id
    provider.delete(created.id, created.outs)
    assert list(live_triggers(sb)) == [moved.id]


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("deployment_id", "1300000000009", "deployment_id: deployment 1300000000009 does not exist"),
        ("model_version_id", "ver-00000000000000ff", "model_version_id: version ver-00000000000000ff"),
        ("input_service_id", "1400000000009", "input_service_id: channel 1400000000009 does not exist"),
    ],
)
def test_missing_reference_is_named_and_nothing_is_created(
    sb: Sandbox, provider: TriggerProvider, field: str, value: str, named: str
) -> None:
    with pytest.raises(NotFoundError, match=named):
        provider.create(checked(provider, **{field: value}))
    assert live_triggers(sb) == {}
    assert all(r["method"] == "GET" for r in sb.requests(platform="abeja"))


def test_missing_output_channel_is_named(sb: Sandbox, provider: TriggerProvider) -> None:
    inputs = checked(provider, output_service_name="datalake", output_service_id="1400000000077")
    with pytest.raises(NotFoundError, match="output_service_id: channel 1400000000077"):
        provider.create(inputs)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"output_service_name": "datalake"}, "output_service_id"),
        ({"output_service_id": OUTPUT_CHANNEL_ID}, "output_service_name"),
        ({"retry_count": 10}, "retry_count"),
        ({"retry_count": -1}, "retry_count"),
        ({"retry_count": 1.5}, "retry_count"),
        ({"distribution": -2}, "distribution"),
        ({"input_service_name": "s3"}, "input_service_name"),
        ({"model_version_id": "1234"}, "model_version_id"),
        ({"deployment_id": "a/b"}, "deployment_id"),
        ({"environment": {"1BAD": "x"}}, "environment.1BAD"),
        ({"environment": {"ABEJA_API_URL": "x"}}, "environment.ABEJA_API_URL"),
        ({"environment": {"TRAINING_JOB_ID": "x"}}, "environment.TRAINING_JOB_ID"),
        ({"environment": {"OK": 3}}, "environment.OK"),
        ({"environment": {OWNER_ENV: "x"}}, f"environment.{OWNER_ENV}"),
        ({"deployment_id": None}, "deployment_id"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_check_failures_name_the_field_with_zero_requests(
    sb: Sandbox, provider: TriggerProvider, changes: dict, path: str
) -> None:
    inputs = {**INPUTS, **changes}
    inputs = {k: v for k, v in inputs.items() if v is not None}
    result = provider.check({}, inputs)
    assert [f.property for f in result.failures] == [path], result.failures
    assert sb.requests(platform="abeja") == []


def test_check_never_echoes_an_environment_value(provider: TriggerProvider) -> None:
    result = provider.check({}, {**INPUTS, "environment": {"9SECRET": "hunter2-value"}})
    assert "hunter2-value" not in repr([(f.property, f.reason) for f in result.failures])


def test_unknowns_pass_check_and_diff_as_replacements(sb: Sandbox, provider: TriggerProvider) -> None:
    unknown = Unknown()
    result = provider.check({}, {**INPUTS, "model_version_id": unknown})
    assert result.failures == [] and result.inputs["model_version_id"] is unknown
    olds = provider.create(checked(provider)).outs
    diff = provider.diff(olds["trigger_id"], olds, {**checked(provider), "model_version_id": unknown})
    assert diff.replaces == ["model_version_id"]


def test_provider_pickles_to_nothing_and_state_holds_no_credential(provider: TriggerProvider) -> None:
    created = provider.create(checked(provider, environment={"API_KEY": "env-secret-value"}))
    assert provider.__getstate__() == {}
    pickled = pickle.dumps(provider)
    assert SANDBOX_TOKEN.encode() not in pickled and b"env-secret-value" not in pickled
    assert SANDBOX_TOKEN not in json.dumps(created.outs)


def test_user_id_and_personal_access_token_work_as_the_sdk_sends_them(sb: Sandbox) -> None:
    from tests.sandbox.abeja_support import SANDBOX_PAT, SANDBOX_USER_ID

    p = TriggerProvider()
    config = {
        "abeja:userId": SANDBOX_USER_ID,
        "abeja:personalAccessToken": SANDBOX_PAT,
        "abeja:apiUrl": abeja_api_url(sb),
        "abeja:organizationId": ORGANIZATION_ID,
    }
    p.configure(ConfigureRequest(Config(config, "p")))
    created = p.create(checked(p))
    assert created.id in live_triggers(sb)


def test_the_official_shapes_seen_by_a_second_client(sb: Sandbox, provider: TriggerProvider) -> None:
    created = provider.create(checked(provider))
    client = AbejaClient.from_settings(Settings.from_mapping({**CONFIG, "abeja:apiUrl": abeja_api_url(sb)}, environ={}))
    listed = list(client.iter_triggers(ORGANIZATION_ID, DEPLOYMENT_ID))
    assert [t.trigger_id for t in listed] == [created.id]
