"""DeploymentProvider's methods called directly, as the provider host calls them, against the sandbox."""

from __future__ import annotations

import threading
import time

import pytest
from pulumi.output import Unknown

from providers.appconfig import deployment as deployment_module
from providers.appconfig.deployment import START_TOKEN_TAG, DeploymentOutputs, DeploymentProvider
from providers.appconfig.hosted_configuration_version import HostedConfigurationVersionProvider
from providers.core import BadRequestError, ConflictError, FailedStateError, WaitTimeoutError, concurrency
from providers.core.ownership import OWNER_KEY
from tests.appconfig_support import (
    APP,
    ENV,
    PROFILE,
    QUICK,
    appconfig_requests,
    boto_fixture,  # noqa: F401 (fixture)
    configured,
    control_fixture,  # noqa: F401 (fixture)
    create_environment,
    create_strategy,
    deployments,
    statuses,
)

INPUTS = {
    "application_id": APP,
    "environment_id": ENV,
    "deployment_strategy_id": QUICK,
    "configuration_profile_id": PROFILE,
    "configuration_version": "1",
    "description": "first",
    "tags": {"team": "ml"},
}
SECRET_VALUE = "s3cr3t-extension-value"


@pytest.fixture
def provider(sb):
    return configured(DeploymentProvider, sb)


def checked(provider, **changes):
    result = provider.check({}, {**INPUTS, **changes})
    assert result.failures == []
    return result.inputs


def writes(sb):
    return [r for r in appconfig_requests(sb) if r["method"] != "GET" and r["route"] != "sts.get_caller_identity"]


def test_basic_to_complete_and_destroy_leaves_history(sb, provider, boto, capsys):
    inputs = checked(provider)
    created = provider.create(inputs)
    outs = created.outs
    assert created.id == f"{APP}/{ENV}/1"
    assert outs["state"] == "COMPLETE" and outs["percentage_complete"] == 100.0 and outs["deployment_number"] == 1
    assert outs["arn"].endswith(f":application/{APP}/environment/{ENV}/deployment/1")
    assert outs["growth_factor"] == 100.0 and outs["deployment_duration_in_minutes"] == 0
    assert [e["event_type"] for e in outs["event_log"]][-1] == "DEPLOYMENT_STARTED"
    assert outs["tags"] == {"team": "ml"}, "the start token never shows in the tags output"
    assert set(outs) == set(inputs) | set(DeploymentOutputs.field_specs()) | {"__meta"}
    read = provider.read(created.id, outs)
    assert read.id == created.id and read.outs == outs and read.inputs == inputs
    assert provider.diff(created.id, outs, inputs).changes is False
    sb.clear_requests()
    provider.delete(created.id, outs)
    assert [r["route"] for r in writes(sb)] == ["appconfig.untag_resource"], "history: no stop, only released"
    assert "keeps finished deployments as history" in capsys.readouterr().err
    assert [d["State"] for d in deployments(boto)] == ["COMPLETE"]
    assert START_TOKEN_TAG not in boto.list_tags_for_resource(ResourceArn=outs["arn"])["Tags"]


def test_rollback_fails_with_the_event_log_reason(sb, provider, boto, control):
    slow = create_strategy(boto, minutes=30)
    alarm = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:error-rate"
    stop = threading.Event()

    def alarm_once_under_way() -> None:
        # Not after a fixed delay: on a loaded machine the start may come later than any guess.
        while not stop.wait(0.05):
            if any(d["State"] == "DEPLOYING" for d in deployments(boto)):
                control.alarm_rollback(APP, ENV, alarm_arn=alarm)
                return

    alarm_thread = threading.Thread(target=alarm_once_under_way)
    alarm_thread.start()
    try:
        with pytest.raises(FailedStateError) as failed:
            provider.create(checked(provider, deployment_strategy_id=slow))
    finally:
        stop.set()
        alarm_thread.join(10)
    message = str(failed.value)
    print("rollback message:", message)
    assert message.startswith(f"deploying AppConfig Deployment ({APP}/{ENV}/1): ROLLED_BACK")
    assert "CLOUDWATCH_ALARM" in message and alarm in message


def test_conflict_then_success_when_the_earlier_deployment_finishes(sb, provider, boto, control):
    control.set_clock(0.25)
    slow = create_strategy(boto, minutes=4)  # one second at this clock
    boto.start_deployment(
        ApplicationId=APP,
        EnvironmentId=ENV,
        DeploymentStrategyId=slow,
        ConfigurationProfileId=PROFILE,
        ConfigurationVersion="1",
    )
    started = time.monotonic()
    created = provider.create(checked(provider))
    assert time.monotonic() - started >= 0.5
    assert created.outs["deployment_number"] == 2 and created.outs["state"] == "COMPLETE"
    assert statuses(sb, "start_deployment") == [201, 409, 201]
    assert [d["State"] for d in deployments(boto)] == ["COMPLETE", "COMPLETE"]


def test_conflict_outlasting_the_deadline_fails_naming_the_attempts(sb, provider, boto):
    slow = create_strategy(boto, minutes=600)
    boto.start_deployment(
        ApplicationId=APP,
        EnvironmentId=ENV,
        DeploymentStrategyId=slow,
        ConfigurationProfileId=PROFILE,
        ConfigurationVersion="1",
    )
    with pytest.raises((ConflictError, WaitTimeoutError)) as failed:
        provider.create(checked(provider, timeout_seconds=1.5))
    assert "1.5s" in str(failed.value) or "timeout_seconds 1.5" in str(failed.value)
    assert len(deployments(boto)) == 1


def test_destroy_while_deploying_stops_it(sb, provider, boto, capsys):
    slow = create_strategy(boto, minutes=30)
    created = provider.create(checked(provider, deployment_strategy_id=slow, wait_for="start"))
    assert created.outs["state"] == "DEPLOYING"
    provider.delete(created.id, created.outs)
    assert statuses(sb, "stop_deployment") == [202]
    assert "stopping it (AppConfig rolls it back)" in capsys.readouterr().err
    state = boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert state["State"] == "ROLLED_BACK"
    provider.delete(created.id, created.outs)  # again: nothing left to stop
    assert statuses(sb, "stop_deployment") == [202]


def test_refresh_reflects_a_stop_out_of_band(sb, provider, boto):
    slow = create_strategy(boto, minutes=30)
    created = provider.create(checked(provider, deployment_strategy_id=slow, wait_for="start"))
    boto.stop_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    read = provider.read(created.id, created.outs)
    assert read.outs["state"] == "ROLLED_BACK"
    assert read.outs["event_log"][0]["event_type"] == "ROLLBACK_COMPLETED"


def test_disappears_with_its_environment(sb, provider, boto):
    env = create_environment(boto)
    created = provider.create(checked(provider, environment_id=env))
    boto.delete_environment(ApplicationId=APP, EnvironmentId=env)
    assert provider.read(created.id, created.outs).id == ""


def test_replace_on_version_change_starts_a_new_deployment_first(sb, provider):
    created = provider.create(checked(provider))
    diff = provider.diff(created.id, created.outs, checked(provider, configuration_version="seed"))
    assert diff.replaces == ["configuration_version"] and not diff.delete_before_replace
    for field, value in (("description", "other"), ("deployment_strategy_id", "AppConfig.AllAtOnce")):
        assert provider.diff(created.id, created.outs, checked(provider, **{field: value})).replaces == [field]


def test_tags_and_wait_settings_change_in_place_without_a_new_deployment(sb, provider, boto):
    created = provider.create(checked(provider, tags={"team": "ml", "old": "x"}))
    news = checked(provider, tags={"team": "data"}, wait_for="start", timeout_seconds=60)
    diff = provider.diff(created.id, created.outs, news)
    assert diff.changes is True and diff.replaces == []
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, news)
    assert sorted(r["route"] for r in writes(sb)) == ["appconfig.tag_resource", "appconfig.untag_resource"]
    assert updated.outs["tags"] == {"team": "data"} and updated.outs["deployment_number"] == 1
    tags = boto.list_tags_for_resource(ResourceArn=created.outs["arn"])["Tags"]
    assert tags["team"] == "data" and "old" not in tags and START_TOKEN_TAG in tags
    assert len(deployments(boto)) == 1


def test_secret_extension_parameters_stay_out_of_logs_and_errors(sb, provider, capsys):
    params = {"my-extension#token": SECRET_VALUE}
    created = provider.create(checked(provider, dynamic_extension_parameters=params))
    assert "dynamic_extension_parameters" in DeploymentProvider.args_model.field_specs()
    assert created.outs["dynamic_extension_parameters"] == params  # stored as a secret output by the engine
    logged = [r["body"] for r in appconfig_requests(sb, "start_deployment")]
    assert logged and SECRET_VALUE not in str(logged)
    bad = provider.check({}, {**INPUTS, "dynamic_extension_parameters": {"no-hash": SECRET_VALUE}})
    assert [f.property for f in bad.failures] == ["dynamic_extension_parameters.no-hash"]
    assert SECRET_VALUE not in str([f.reason for f in bad.failures])
    assert SECRET_VALUE not in capsys.readouterr().err
    from providers.appconfig.deployment import DeploymentArgs
    from providers.core import Secret
    from providers.core.fields import has_marker

    assert has_marker(DeploymentArgs.field_specs()["dynamic_extension_parameters"], Secret)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("application_id", "NOT-AN-ID"),
        ("environment_id", "x"),
        ("deployment_strategy_id", "AppConfig.X"),
        ("configuration_version", ""),
        ("description", "d" * 1025),
        ("timeout_seconds", 0),
        ("wait_for", "forever"),
        ("tags.aws:reserved", None),
    ],
)
def test_check_failures_name_the_field_and_send_nothing(sb, provider, field, value):
    inputs = dict(INPUTS)
    if field.startswith("tags."):
        inputs["tags"] = {field.split(".", 1)[1]: "v"}
    else:
        inputs[field] = value
    result = provider.check({}, inputs)
    assert [f.property for f in result.failures] == [field]
    assert appconfig_requests(sb) == []


def test_unknowns_pass_check_untouched(sb, provider):
    unknown = Unknown()
    result = provider.check({}, {**INPUTS, "configuration_version": unknown})
    assert result.failures == [] and result.inputs["configuration_version"] is unknown


def test_lost_start_answer_is_found_again_not_started_twice(sb, provider, boto):
    sb.add_fault(path=r"/deployments$", method="POST", status=500, when="after", platform="appconfig")
    created = provider.create(checked(provider))
    assert created.outs["deployment_number"] == 1
    assert statuses(sb, "start_deployment") == [500], "no second StartDeployment after the lost answer"
    assert len(deployments(boto)) == 1


def test_5xx_before_the_start_is_sent_again_once_nothing_landed(sb, provider, boto):
    sb.add_fault(path=r"/deployments$", method="POST", status=503, count=2, platform="appconfig")
    created = provider.create(checked(provider))
    assert statuses(sb, "start_deployment") == [503, 503, 201]
    assert created.outs["deployment_number"] == 1 and len(deployments(boto)) == 1


def test_faults_on_every_appconfig_call_are_ridden_out(sb, provider, boto):
    for method in ("GET", "POST", "DELETE"):
        sb.add_fault(path=r".", method=method, status=503, count=2, platform="appconfig")
    sb.add_fault(path=r".", method="GET", status=429, retry_after=0.2, count=1, platform="appconfig")
    created = provider.create(checked(provider))
    assert created.outs["state"] == "COMPLETE"
    assert provider.read(created.id, created.outs).outs["state"] == "COMPLETE"
    assert len(deployments(boto)) == 1


def test_timeout_then_the_next_create_takes_it_over_and_waits_on(sb, provider, boto, control):
    control.set_clock(0.25)
    slow = create_strategy(boto, minutes=8)  # two seconds at this clock
    inputs = checked(provider, deployment_strategy_id=slow, timeout_seconds=0.5)
    with pytest.raises(WaitTimeoutError) as failed:
        provider.create(inputs)
    assert "the next `pulumi up` takes it over" in str(failed.value)
    assert [d["State"] for d in deployments(boto)] == ["DEPLOYING"]
    resumed = provider.create({**inputs, "timeout_seconds": 30})
    assert resumed.outs["deployment_number"] == 1 and resumed.outs["state"] == "COMPLETE"
    assert statuses(sb, "start_deployment") == [201]


def test_deploy_by_label_keeps_the_label_as_the_input(sb, provider):
    created = provider.create(checked(provider, configuration_version="seed"))
    assert created.outs["configuration_version"] == "seed" and created.outs["version_label"] == "seed"
    read = provider.read(created.id, created.outs)
    assert read.inputs["configuration_version"] == "seed"


def test_creates_at_once_to_one_environment_take_turns_in_process_at_a_constant_cost(sb, provider, boto, control):
    # One run's deployments to one environment queue inside the provider process: no start is
    # refused, nobody polls the environment, and no create reads the tags of the others' deployments
    # to look for its own, so each costs the same few requests however many queue.
    control.set_clock(0.05)
    slow = create_strategy(boto, minutes=3)
    sb.clear_requests()
    results: list = []

    def run(description):
        results.append(provider.create(checked(provider, deployment_strategy_id=slow, description=description)))

    threads = [threading.Thread(target=run, args=(f"d{i}",)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.outs["deployment_number"] for r in results) == [1, 2, 3, 4, 5]
    assert all(r.outs["state"] == "COMPLETE" for r in results)
    assert statuses(sb, "start_deployment") == [201] * 5
    routes = [r["route"] for r in appconfig_requests(sb)]
    assert routes.count("appconfig.get_environment") == 0
    assert routes.count("appconfig.list_tags_for_resource") == 0
    assert routes.count("appconfig.list_deployments") == 5


def test_a_run_killed_mid_create_is_taken_over_not_started_again(sb, provider, boto):
    slow = create_strategy(boto, minutes=30)
    inputs = checked(provider, deployment_strategy_id=slow, wait_for="start", tags={"a": "1"})
    first = provider.create(inputs)  # stands for the run whose answer never reached the engine
    again = provider.create({**inputs, "tags": {"a": "2"}})
    assert again.id == first.id and len(deployments(boto)) == 1
    assert statuses(sb, "start_deployment") == [201]
    assert again.outs["tags"] == {"a": "2"}


def test_a_rolled_back_leftover_is_released_and_a_new_deployment_starts(sb, provider, boto, control):
    slow = create_strategy(boto, minutes=30)
    inputs = checked(provider, deployment_strategy_id=slow, wait_for="start")
    first = provider.create(inputs)
    control.alarm_rollback(APP, ENV)
    time.sleep(1.1)  # the alarm's rollback takes one strategy minute
    again = provider.create(inputs)
    assert again.id != first.id and again.outs["deployment_number"] == 2
    assert START_TOKEN_TAG not in boto.list_tags_for_resource(ResourceArn=first.outs["arn"])["Tags"]


# ---- ownership: the start token is tied to the resource ------------------------------------------


def test_two_stacks_deploying_the_same_version_never_share_a_deployment(sb, provider, boto):
    inputs = checked(provider)
    first = provider.create({**inputs, OWNER_KEY: "aaaaaaaaaaaaaaaa"})
    again = provider.create({**inputs, OWNER_KEY: "aaaaaaaaaaaaaaaa", "tags": {"team": "x"}})
    other = provider.create({**inputs, OWNER_KEY: "bbbbbbbbbbbbbbbb"})
    assert again.id == first.id, "this resource's own deployment is taken over"
    assert other.id != first.id and other.outs["deployment_number"] == 2, "another stack's is not"
    assert statuses(sb, "start_deployment") == [201, 201]
    provider.delete(other.id, other.outs)
    tags = boto.list_tags_for_resource(ResourceArn=first.outs["arn"])["Tags"]
    assert START_TOKEN_TAG in tags, "destroying the other stack's deployment leaves this one's mark"


# ---- destroy: StopDeployment works only while DEPLOYING unless asked to revert -------------------


def test_destroy_while_baking_says_it_stays_unless_revert_on_destroy(sb, provider, boto, capsys):
    baking = create_strategy(boto, minutes=0, bake=30)
    created = provider.create(checked(provider, deployment_strategy_id=baking, wait_for="start"))
    assert created.outs["state"] == "BAKING"
    provider.delete(created.id, created.outs)
    assert statuses(sb, "stop_deployment") == [], "AppConfig would refuse: nothing is sent"
    err = capsys.readouterr().err
    assert "is BAKING" in err and "set revert_on_destroy=True" in err
    assert boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)["State"] == "BAKING"

    env = create_environment(boto)
    inputs = checked(provider, environment_id=env, deployment_strategy_id=baking, wait_for="start")
    reverting = provider.create({**inputs, "revert_on_destroy": True})
    sb.clear_requests()
    provider.delete(reverting.id, reverting.outs)
    assert statuses(sb, "stop_deployment") == [202]  # with Allow-Revert: tests/clients/test_appconfig_client.py
    assert boto.get_deployment(ApplicationId=APP, EnvironmentId=env, DeploymentNumber=1)["State"] == "ROLLED_BACK"


def test_revert_on_destroy_reverts_the_latest_complete_deployment_only(sb, provider, boto, capsys):
    older = provider.create(checked(provider, revert_on_destroy=True))
    newer = provider.create(checked(provider, description="second", revert_on_destroy=True))
    provider.delete(older.id, older.outs)
    assert statuses(sb, "stop_deployment") == []
    assert "nothing to revert" in capsys.readouterr().err
    provider.delete(newer.id, newer.outs)
    assert statuses(sb, "stop_deployment") == [202]
    assert [d["State"] for d in deployments(boto)] == ["REVERTED", "COMPLETE"]


def test_a_refused_stop_fails_the_destroy_with_advice(sb, provider, boto):
    created = provider.create(checked(provider, revert_on_destroy=True))
    refusal = {"__type": "BadRequestException", "message": "revert window passed"}
    sb.add_fault(path=r"/deployments/1$", method="DELETE", status=400, body=refusal, platform="appconfig")
    with pytest.raises(BadRequestError, match="set revert_on_destroy=False to leave it as history"):
        provider.delete(created.id, created.outs)
    assert START_TOKEN_TAG in boto.list_tags_for_resource(ResourceArn=created.outs["arn"])["Tags"]


def test_revert_on_destroy_changes_in_place_and_is_checked(sb, provider):
    created = provider.create(checked(provider))
    diff = provider.diff(created.id, created.outs, checked(provider, revert_on_destroy=True))
    assert diff.changes is True and diff.replaces == []
    sb.clear_requests()
    result = provider.check({}, {**INPUTS, "revert_on_destroy": "sometimes"})
    assert [f.property for f in result.failures] == ["revert_on_destroy"]
    assert appconfig_requests(sb) == []


# ---- concurrency: queued deployments hold no slot; the wait for a slot is bounded ----------------


@pytest.fixture
def cap():
    def set_cap(size: int) -> None:
        concurrency.set_max_concurrency(size)

    yield set_cap
    concurrency.set_max_concurrency(concurrency.DEFAULT_MAX_CONCURRENCY)


def in_background(call) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # reported by the test
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_deployments_queued_for_the_environment_hold_no_slot(sb, provider, boto, control, cap):
    control.set_clock(0.1)
    slow = create_strategy(boto, minutes=30)  # three seconds at this clock
    cap(2)
    first = in_background(lambda: provider.create(checked(provider, deployment_strategy_id=slow, description="a")))
    while not appconfig_requests(sb, "start_deployment"):
        time.sleep(0.02)
    second = in_background(lambda: provider.create(checked(provider, deployment_strategy_id=slow, description="b")))
    time.sleep(0.3)  # the second is queued for its turn at the environment now
    versions = configured(HostedConfigurationVersionProvider, sb)
    inputs = versions.check({}, {"application_id": APP, "configuration_profile_id": PROFILE, "content": "{}"}).inputs
    started = time.monotonic()
    versions.create({**inputs, "timeout_seconds": 2})  # the slot the queued deployment does not hold
    assert time.monotonic() - started < 2
    assert deployments(boto)[0]["State"] == "DEPLOYING", "the first deployment was still under way"
    for thread, _ in (first, second):
        thread.join(60)
    assert [type(o[0]).__name__ for _, o in (first, second)] == ["CreateResult", "CreateResult"]


def test_the_wait_for_a_slot_is_bounded_by_the_deadline(sb, provider, boto, control, cap):
    control.set_clock(0.1)
    slow = create_strategy(boto, minutes=30)
    cap(1)
    holder = in_background(lambda: provider.create(checked(provider, deployment_strategy_id=slow)))
    while not appconfig_requests(sb, "start_deployment"):
        time.sleep(0.02)
    env = create_environment(boto)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="free slot"):
        provider.create(checked(provider, environment_id=env, timeout_seconds=0.5))
    assert time.monotonic() - started < 2
    holder[0].join(60)


def test_the_start_token_registry_is_safe_to_release_while_others_add(monkeypatch):
    tokens: dict = {(f"k{i}", "t"): "token" for i in range(20000)}
    monkeypatch.setattr(deployment_module, "TOKENS_STARTED_HERE", tokens)
    stop = threading.Event()
    errors: list[BaseException] = []

    def add_more() -> None:
        i = 0
        while not stop.is_set():
            deployment_module.remember_token(f"new{i}", "t", "token")
            i += 1

    adder = threading.Thread(target=add_more)
    adder.start()
    try:
        for _ in range(200):
            try:
                deployment_module.forget_tokens("k1")
            except RuntimeError as error:  # "dictionary changed size during iteration" without the lock
                errors.append(error)
    finally:
        stop.set()
        adder.join()
    assert errors == [] and tokens[("k1", "t")] == ""
