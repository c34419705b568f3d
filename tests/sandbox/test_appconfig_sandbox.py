"""The AppConfig emulator through plain boto3: every operation the extension adds, the strategy clock,
conflicts, stop and alarm rollbacks, paging, tags, the control plane, and a canary on moto itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import botocore.exceptions
import pytest

from providers.sandbox.appconfig import (
    SEED_APPLICATION_ID,
    SEED_ENVIRONMENT_ID,
    SEED_PROFILE_ID,
    SEED_STRATEGY_ID,
)
from tests.appconfig_support import (
    APP,
    ENV,
    PROFILE,
    QUICK,
    appconfig_requests,
    boto_client,
    boto_fixture,  # noqa: F401 (fixture)
    control_fixture,  # noqa: F401 (fixture)
    create_environment,
    create_strategy,
    deployments,
)


def start(boto, strategy=QUICK, env=ENV, version="1", **extra):
    return boto.start_deployment(
        ApplicationId=APP,
        EnvironmentId=env,
        DeploymentStrategyId=strategy,
        ConfigurationProfileId=PROFILE,
        ConfigurationVersion=version,
        **extra,
    )


def code(error: botocore.exceptions.ClientError) -> str:
    return str(error.response["Error"]["Code"])


def test_seeded_fixtures_and_reset_restores_them(sb, boto):
    assert boto.get_application(ApplicationId=SEED_APPLICATION_ID)["Name"] == "sandbox-app"
    env = boto.get_environment(ApplicationId=APP, EnvironmentId=SEED_ENVIRONMENT_ID)
    assert env["State"] == "READY_FOR_DEPLOYMENT"
    profile = boto.get_configuration_profile(ApplicationId=APP, ConfigurationProfileId=SEED_PROFILE_ID)
    assert profile["LocationUri"] == "hosted"
    version = boto.get_hosted_configuration_version(ApplicationId=APP, ConfigurationProfileId=PROFILE, VersionNumber=1)
    assert version["Content"].read().startswith(b"{") and version["VersionLabel"] == "seed"
    strategy = boto.get_deployment_strategy(DeploymentStrategyId=SEED_STRATEGY_ID)
    assert (strategy["DeploymentDurationInMinutes"], strategy["FinalBakeTimeInMinutes"], strategy["GrowthFactor"]) == (
        0,
        0,
        100.0,
    )
    create_environment(boto, "gone-after-reset")
    start(boto)
    sb.reset()
    assert [e["Id"] for e in boto.list_environments(ApplicationId=APP)["Items"]] == [ENV]
    assert deployments(boto) == []


def test_environment_crud_with_status_codes_and_tags(sb, boto):
    created = boto.create_environment(
        ApplicationId=APP, Name="staging", Description="d", Tags={"team": "ml"}, Monitors=[]
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201 and created["State"] == "READY_FOR_DEPLOYMENT"
    env_id = created["Id"]
    updated = boto.update_environment(ApplicationId=APP, EnvironmentId=env_id, Description="changed")
    assert updated["Description"] == "changed" and updated["Name"] == "staging"
    arn = f"arn:aws:appconfig:us-east-1:123456789012:application/{APP}/environment/{env_id}"
    assert boto.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "ml"}
    deleted = boto.delete_environment(ApplicationId=APP, EnvironmentId=env_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(botocore.exceptions.ClientError) as missing:
        boto.get_environment(ApplicationId=APP, EnvironmentId=env_id)
    assert code(missing.value) == "ResourceNotFoundException"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(botocore.exceptions.ClientError) as no_app:
        boto.create_environment(ApplicationId="nosuch1", Name="x")
    assert code(no_app.value) == "ResourceNotFoundException"


def test_strategies_predefined_listed_and_refused_custom_crud_on_the_misspelled_path(sb, boto):
    ids = [s["Id"] for s in boto.list_deployment_strategies()["Items"]]
    assert ids[:4] == [
        "AppConfig.AllAtOnce",
        "AppConfig.Linear50PercentEvery30Seconds",
        "AppConfig.Linear20PercentEvery6Minutes",
        "AppConfig.Canary10Percent20Minutes",
    ]
    assert SEED_STRATEGY_ID in ids
    for call in (
        lambda: boto.delete_deployment_strategy(DeploymentStrategyId="AppConfig.AllAtOnce"),
        lambda: boto.update_deployment_strategy(DeploymentStrategyId="AppConfig.AllAtOnce", Description="x"),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            call()
        assert code(refused.value) == "BadRequestException"
        assert "predefined" in refused.value.response["Error"]["Message"]
    custom = boto.create_deployment_strategy(
        Name="canary", DeploymentDurationInMinutes=10, GrowthFactor=10, GrowthType="EXPONENTIAL"
    )
    assert custom["ResponseMetadata"]["HTTPStatusCode"] == 201 and len(custom["Id"]) == 7
    changed = boto.update_deployment_strategy(DeploymentStrategyId=custom["Id"], FinalBakeTimeInMinutes=5)
    assert changed["FinalBakeTimeInMinutes"] == 5 and changed["GrowthType"] == "EXPONENTIAL"
    deleted = boto.delete_deployment_strategy(DeploymentStrategyId=custom["Id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert appconfig_requests(sb)[-1]["path"] == f"/deployementstrategies/{custom['Id']}"
    with pytest.raises(botocore.exceptions.ClientError) as too_long:
        boto.create_deployment_strategy(Name="x", DeploymentDurationInMinutes=5000, GrowthFactor=10)
    assert code(too_long.value) == "BadRequestException"


def test_quick_deployment_completes_and_botocores_waiter_sees_it(sb, boto):
    started = start(boto, Description="first", Tags={"k": "v"})
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert started["DeploymentNumber"] == 1 and started["ConfigurationName"] == "sandbox-config"
    boto.get_waiter("deployment_complete").wait(
        ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1, WaiterConfig={"Delay": 1, "MaxAttempts": 5}
    )
    got = boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert got["State"] == "COMPLETE" and got["PercentageComplete"] == 100.0 and "CompletedAt" in got
    assert [e["EventType"] for e in got["EventLog"]] == [
        "DEPLOYMENT_COMPLETED",
        "PERCENTAGE_UPDATED",
        "DEPLOYMENT_STARTED",
    ]
    arn = f"arn:aws:appconfig:us-east-1:123456789012:application/{APP}/environment/{ENV}/deployment/1"
    assert boto.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"k": "v"}


def test_clock_scale_drives_state_percentage_and_bake(sb, boto, control):
    assert control.clock() == 1.0
    control.set_clock(0.2)  # a strategy minute lasts 0.2 s
    strategy = create_strategy(boto, minutes=10, bake=5, growth=25)
    start(boto, strategy)
    first = boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert first["State"] == "DEPLOYING" and first["PercentageComplete"] == 25.0
    assert boto.get_environment(ApplicationId=APP, EnvironmentId=ENV)["State"] == "DEPLOYING"
    time.sleep(2.2)
    baking = boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert baking["State"] == "BAKING" and baking["PercentageComplete"] == 100.0
    assert baking["EventLog"][0]["EventType"] == "BAKE_TIME_STARTED"
    time.sleep(1.2)
    done = boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert done["State"] == "COMPLETE"
    assert boto.get_environment(ApplicationId=APP, EnvironmentId=ENV)["State"] == "READY_FOR_DEPLOYMENT"


def test_a_thirty_minute_strategy_is_still_active_seconds_later_and_conflicts(sb, boto):
    strategy = create_strategy(boto, minutes=30)
    start(boto, strategy)
    time.sleep(1.5)
    assert boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)["State"] == "DEPLOYING"
    with pytest.raises(botocore.exceptions.ClientError) as busy:
        start(boto)
    assert code(busy.value) == "ConflictException"
    assert busy.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    other = create_environment(boto, "other")
    assert start(boto, env=other)["DeploymentNumber"] == 1, "another environment is not busy"


def test_stop_rolls_back_and_frees_the_environment(sb, boto):
    strategy = create_strategy(boto, minutes=30)
    start(boto, strategy)
    stopped = boto.stop_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert stopped["ResponseMetadata"]["HTTPStatusCode"] == 202 and stopped["State"] == "ROLLED_BACK"
    assert [e["EventType"] for e in stopped["EventLog"]][:2] == ["ROLLBACK_COMPLETED", "ROLLBACK_STARTED"]
    assert stopped["EventLog"][1]["TriggeredBy"] == "USER"
    assert boto.get_environment(ApplicationId=APP, EnvironmentId=ENV)["State"] == "ROLLED_BACK"
    with pytest.raises(botocore.exceptions.ClientError) as again:
        boto.stop_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert code(again.value) == "BadRequestException"
    assert start(boto)["DeploymentNumber"] == 2


def test_revert_of_a_complete_deployment_with_allow_revert(sb, boto):
    start(boto)
    with pytest.raises(botocore.exceptions.ClientError):
        boto.stop_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    reverted = boto.stop_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1, AllowRevert=True)
    assert reverted["State"] == "REVERTED"
    assert boto.get_environment(ApplicationId=APP, EnvironmentId=ENV)["State"] == "REVERTED"


def test_alarm_rollback_from_the_control_plane(sb, boto, control):
    strategy = create_strategy(boto, minutes=30)
    start(boto, strategy)
    alarm = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:latency"
    answer = control.alarm_rollback(APP, ENV, alarm_arn=alarm)
    assert answer["State"] == "ROLLING_BACK"
    assert boto.get_environment(ApplicationId=APP, EnvironmentId=ENV)["State"] == "ROLLING_BACK"
    with pytest.raises(botocore.exceptions.ClientError) as busy:
        start(boto)
    assert code(busy.value) == "ConflictException"
    time.sleep(1.1)
    got = boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)
    assert got["State"] == "ROLLED_BACK"
    started = next(e for e in got["EventLog"] if e["EventType"] == "ROLLBACK_STARTED")
    assert started["TriggeredBy"] == "CLOUDWATCH_ALARM" and alarm in started["Description"]
    with pytest.raises(botocore.exceptions.WaiterError) as waited:
        boto.get_waiter("deployment_complete").wait(
            ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1, WaiterConfig={"Delay": 1, "MaxAttempts": 2}
        )
    assert "ROLLED_BACK" in str(waited.value)


def test_deploy_by_label_resolves_the_number_and_checks_parents(sb, boto):
    by_label = start(boto, version="seed")
    assert by_label["ConfigurationVersion"] == "1" and by_label["VersionLabel"] == "seed"
    for field, value in (("ConfigurationVersion", "99"), ("DeploymentStrategyId", "nosuch1")):
        with pytest.raises(botocore.exceptions.ClientError) as missing:
            boto.start_deployment(
                **{
                    "ApplicationId": APP,
                    "EnvironmentId": ENV,
                    "DeploymentStrategyId": QUICK,
                    "ConfigurationProfileId": PROFILE,
                    "ConfigurationVersion": "1",
                    field: value,
                }
            )
        assert code(missing.value) == "ResourceNotFoundException"


def test_paging_is_newest_first_without_repeats(sb, boto):
    for _ in range(5):
        start(boto)
    seen, token = [], None
    while True:
        page = boto.list_deployments(
            ApplicationId=APP, EnvironmentId=ENV, MaxResults=2, **({"NextToken": token} if token else {})
        )
        seen += [d["DeploymentNumber"] for d in page["Items"]]
        if len(seen) == 2:
            start(boto)  # a deployment started between two pages goes on top, not into the next page
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [5, 4, 3, 2, 1]
    paginated = boto.get_paginator("list_environments").paginate(ApplicationId=APP, PaginationConfig={"PageSize": 1})
    create_environment(boto, "two")
    assert len([e for page in paginated for e in page["Items"]]) == 2


def test_hosted_versions_are_listed_and_numbers_never_reused(sb, boto):
    made = boto.create_hosted_configuration_version(
        ApplicationId=APP, ConfigurationProfileId=PROFILE, Content=b"a: 1", ContentType="application/x-yaml"
    )
    assert made["VersionNumber"] == 2 and "Description" not in made
    boto.delete_hosted_configuration_version(ApplicationId=APP, ConfigurationProfileId=PROFILE, VersionNumber=2)
    again = boto.create_hosted_configuration_version(
        ApplicationId=APP, ConfigurationProfileId=PROFILE, Content=b"a: 2", ContentType="application/x-yaml"
    )
    assert again["VersionNumber"] == 3
    listed = boto.list_hosted_configuration_versions(ApplicationId=APP, ConfigurationProfileId=PROFILE)
    assert [v["VersionNumber"] for v in listed["Items"]] == [3, 1]
    with pytest.raises(botocore.exceptions.ClientError) as missing:
        boto.delete_hosted_configuration_version(ApplicationId=APP, ConfigurationProfileId=PROFILE, VersionNumber=2)
    assert code(missing.value) == "ResourceNotFoundException"


def test_faults_and_the_request_log_cover_appconfig(sb):
    boto = boto_client(sb, config=botocore.config.Config(retries={"total_max_attempts": 1}))
    sb.add_fault(platform="appconfig", method="GET", path=r"/environments$", status=503)
    with pytest.raises(botocore.exceptions.ClientError) as failed:
        boto.list_environments(ApplicationId=APP)
    assert code(failed.value) == "ServiceUnavailableException"
    boto.list_environments(ApplicationId=APP)
    sb.add_fault(platform="appconfig", method="POST", path=r"/deployments$", status=500, when="after")
    with pytest.raises(botocore.exceptions.ClientError):
        start(boto)
    assert len(deployments(boto)) == 1, "an `after` fault loses the answer, not the write"
    log = [(r["method"], r["route"], r["status"], r["fault"]) for r in appconfig_requests(sb)]
    assert log[:3] == [
        ("GET", "appconfig.list_environments", 503, True),
        ("GET", "appconfig.list_environments", 200, False),
        ("POST", "appconfig.start_deployment", 500, True),
    ]
    assert all("authorization" not in str(r).lower() for r in appconfig_requests(sb))
    assert set(appconfig_requests(sb)[0]) == set(sb.requests(platform=None)[0]), "the same fields as every platform's"
    assert appconfig_requests(sb)[0]["in_flight"] == 1


def test_state_and_the_clock_reset_with_the_sandbox(sb, control):
    control.set_clock(5)
    sb.reset()
    assert control.clock() == 1.0
    state = sb.state()["appconfig"]
    assert state["hosted_versions"] == [
        {"application_id": APP, "profile_id": PROFILE, "version_number": 1, "seeded": True}
    ]


def test_moto_canary_the_extension_still_fits_and_moto_still_lacks_these_operations():
    """Fails loudly when a moto upgrade moves what the extension relies on, or starts serving these itself."""
    import moto
    from moto.appconfig import urls
    from moto.appconfig.models import AppConfigBackend
    from moto.appconfig.responses import AppConfigResponse

    assert moto.__version__ == "5.2.5", "moto was upgraded: re-check the AppConfig extension, then this pin"
    for operation in ("create_environment", "start_deployment", "create_deployment_strategy", "stop_deployment"):
        assert not hasattr(AppConfigBackend, operation), f"moto now implements {operation}: drop the extension's"
    for path in (
        "{0}/applications$",
        "{0}/applications/(?P<app_id>[^/]+)/configurationprofiles/(?P<config_profile_id>[^/]+)"
        "/hostedconfigurationversions/(?P<version>[^/]+)$",
    ):
        assert path in urls.url_paths
    for method in ("_get_param", "_get_int_param", "dispatch", "appconfig_backend"):
        assert hasattr(AppConfigResponse, method)
    backend = AppConfigBackend("us-east-1", "123456789012")
    backend.__dict__["sandbox_extension"] = object()
    backend.reset()
    assert "sandbox_extension" not in backend.__dict__, "moto's reset must clear the extension's state"


def test_python_m_providers_sandbox_prints_the_aws_variables_and_works_without_aws_config(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(tmp_path)  # no ~/.aws
    proc = subprocess.Popen(
        [sys.executable, "-m", "providers.sandbox"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        exported = {}
        while "AWS_DEFAULT_REGION" not in exported:
            line = proc.stdout.readline()
            assert line, "the sandbox stopped before printing the AWS variables"
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                exported[name] = value.strip("'")
        assert {"AWS_ENDPOINT_URL_APPCONFIG", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= set(exported)
        script = (
            "import boto3; c = boto3.client('appconfig'); "
            f"print(c.get_environment(ApplicationId='{APP}', EnvironmentId='{ENV}')['State'])"
        )
        answer = subprocess.run(
            [sys.executable, "-c", script], env={**env, **exported}, capture_output=True, text=True, timeout=60
        )
        assert answer.stdout.strip() == "READY_FOR_DEPLOYMENT", answer.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_sandboxs_transition_modes_hold_a_rollout_in_flight(sb, boto):
    sb.set_transitions("seconds", 1, platform="appconfig")
    start(boto)
    assert boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)["State"] == "BAKING"
    time.sleep(1.1)
    assert boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)["State"] == "COMPLETE"
    sb.set_transitions("reads", 2, platform="appconfig")
    start(boto)
    states = [boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=2)["State"] for _ in range(3)]
    assert states == ["BAKING", "BAKING", "COMPLETE"]
