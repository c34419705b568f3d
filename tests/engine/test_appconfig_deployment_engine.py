"""appconfig:Deployment through the real pulumi CLI against the sandbox: a hosted version whose content
carries a Peak service's URL, shipped by a deployment; no deployment on an unchanged `up`; two stacks
deploying to one environment at once both converge; secrets stay out of state; a rollback's reason."""

from __future__ import annotations

import json
import threading
import time

from tests.appconfig_support import (
    APP,
    ENV,
    PROFILE,
    QUICK,
    appconfig_requests,
    boto_fixture,  # noqa: F401 (fixture)
    control_fixture,  # noqa: F401 (fixture)
    create_environment,
    create_strategy,
    deployments,
)
from tests.harness import live_objects

DEPLOYMENT = "pulumi-python:dynamic/appconfig:Deployment"


def deployment_spec(version: str, **inputs) -> dict:
    return {
        "module": "providers.appconfig.deployment",
        "resource": "Deployment",
        "inputs": {
            "application_id": APP,
            "environment_id": ENV,
            "deployment_strategy_id": QUICK,
            "configuration_profile_id": PROFILE,
            "configuration_version": version,
            **inputs,
        },
    }


SHIP_PROGRAM = """
import pulumi

from providers.appconfig import Deployment, DeploymentArgs, HostedConfigurationVersion, HostedConfigurationVersionArgs
from providers.peak import Service, ServiceArgs

config = pulumi.Config()
svc = Service("svc", ServiceArgs(name="config-source", image_id=1, title="source"))
version = HostedConfigurationVersion(
    "config",
    HostedConfigurationVersionArgs(
        application_id="{app}",
        configuration_profile_id="{profile}",
        content=pulumi.Output.json_dumps({{"api_url": svc.application_url, "v": config.get_int("v") or 1}}),
    ),
)
ship = Deployment(
    "ship",
    DeploymentArgs(
        application_id="{app}",
        environment_id="{env}",
        deployment_strategy_id="{quick}",
        configuration_profile_id="{profile}",
        configuration_version=version.version_number,
        description="ship the service URL",
    ),
)
pulumi.export("url", svc.application_url)
pulumi.export("deployment", ship.deployment_number)
"""


def test_a_version_carrying_a_service_url_is_deployed_once_and_not_again(sb, new_project, boto, tmp_path):
    program = tmp_path / "ship"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: appconfig-ship\nruntime: python\n")
    (program / "__main__.py").write_text(SHIP_PROGRAM.format(app=APP, env=ENV, quick=QUICK, profile=PROFILE))
    project = new_project(program=program)
    project.up()
    outputs = project.outputs()
    shipped = deployments(boto)
    assert [d["State"] for d in shipped] == ["COMPLETE"] and shipped[0]["ConfigurationVersion"] == "2"
    content = boto.get_hosted_configuration_version(ApplicationId=APP, ConfigurationProfileId=PROFILE, VersionNumber=2)
    assert json.loads(content["Content"].read())["api_url"] == outputs["url"]
    assert outputs["deployment"] == 1

    sb.clear_requests()
    project.up()
    writes = [r for r in appconfig_requests(sb) if r["method"] != "GET" and r["route"] != "sts.get_caller_identity"]
    assert writes == [], "an unchanged up creates no version and starts no deployment"
    project.preview("--expect-no-changes")

    # A real change of content: one new version, one new deployment of it.
    sb.clear_requests()
    project.config("v", "2")
    project.up()
    routes = [r["route"] for r in appconfig_requests(sb) if r["method"] != "GET"]
    assert routes.count("appconfig.create_hosted_configuration_version") == 1
    assert routes.count("appconfig.start_deployment") == 1
    assert [d["ConfigurationVersion"] for d in deployments(boto)] == ["3", "2"]
    project.destroy()
    assert live_objects(sb, "appconfig", "Deployment") == []
    assert live_objects(sb, "appconfig", "HostedConfigurationVersion") == []
    assert len(deployments(boto)) == 2, "finished deployments stay as history"


def test_two_stacks_deploying_to_one_environment_at_once_both_converge(sb, new_project, boto, control, capsys):
    control.set_clock(0.5)
    env = create_environment(boto, "shared")
    slow = create_strategy(boto, minutes=4)  # two seconds each at this clock
    projects = []
    for name in ("team-a", "team-b"):
        project = new_project(program="catalog", stack=name)
        spec = deployment_spec("1", environment_id=env, deployment_strategy_id=slow, description=f"from {name}")
        project.config("resources", {"deploy": spec})
        projects.append(project)
    errors: list[BaseException] = []

    def up(project):
        try:
            project.up()
        except BaseException as error:  # reported below
            errors.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=up, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(240)
    elapsed = time.monotonic() - started
    assert errors == []
    final = deployments(boto, env=env)
    assert [d["State"] for d in final] == ["COMPLETE", "COMPLETE"]
    starts = [r["status"] for r in appconfig_requests(sb, "start_deployment")]
    assert starts.count(201) == 2 and 409 in starts, "the second stack queued behind the first"
    with capsys.disabled():
        print(f"\ntwo-stack race to one environment: both COMPLETE in {elapsed:.1f}s; StartDeployment answers {starts}")
    for project in projects:
        project.destroy()


def test_secret_extension_parameters_are_ciphertext_in_state(sb, new_project):
    project = new_project(program="catalog")
    spec = deployment_spec("1", dynamic_extension_parameters={"my-extension#token": "plain-s3cret-value"})
    project.config("resources", {"deploy": spec})
    project.up()
    # The catalog program reads its inputs from plain stack config; the resource's state is what counts.
    stored = json.dumps(project.resources(DEPLOYMENT))
    assert "plain-s3cret-value" not in stored
    assert stored.count("ciphertext") >= 2, "secret as an input and as an output"
    project.destroy()


def test_a_rollback_fails_the_up_with_the_event_log_reason(sb, new_project, boto, control):
    slow = create_strategy(boto, minutes=30)
    project = new_project(program="catalog")
    project.config("resources", {"deploy": deployment_spec("1", deployment_strategy_id=slow)})
    stop = threading.Event()
    alarm = threading.Thread(target=alarm_once_deploying, args=(boto, control, stop), daemon=True)
    alarm.start()
    try:
        result = project.up(check=False)
    finally:
        stop.set()
        alarm.join(timeout=10)
    assert result.returncode != 0
    assert "ROLLED_BACK: rolled back, triggered by CLOUDWATCH_ALARM" in result.output, result.output
    assert live_objects(sb, "appconfig", "Deployment") == []


def alarm_once_deploying(boto, control, stop: threading.Event) -> None:
    """Roll the deployment back as an alarm would, as soon as it is under way (however loaded the machine)."""
    while not stop.is_set():
        items = boto.list_deployments(ApplicationId=APP, EnvironmentId=ENV).get("Items", [])
        if any(item["State"] in ("DEPLOYING", "BAKING") for item in items):
            control.alarm_rollback(APP, ENV)
            return
        stop.wait(0.2)
