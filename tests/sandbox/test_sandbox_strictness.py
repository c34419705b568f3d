"""Where the references say how a platform behaves, the sandbox is not more lenient: request flags
honoured, booleans read as the platform reads them, refusals and missing objects answered as the
platform answers them; and the control plane refuses web pages."""

from __future__ import annotations

import subprocess
import sys
import time

import botocore.exceptions
import pytest
import requests

from providers.sandbox import Sandbox
from tests.appconfig_support import (
    APP,
    ENV,
    PROFILE,
    QUICK,
    boto_client,
    create_strategy,
)
from tests.sandbox.dataiku_support import ADMIN_KEY
from tests.sandbox.sandbox_support import REPO_ROOT

DSS = "/dataiku/public/api"


def dss(sandbox: Sandbox, method: str, path: str, **kwargs: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    return requests.request(method, sandbox.url + DSS + path, headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


def running_studio(sandbox: Sandbox, template: str = "vscode") -> str:
    studio = dss(sandbox, "POST", "/projects/SANDBOX/code-studios/", json={"name": "cs", "templateId": template})
    studio_id = str(studio.json()["codeStudio"]["id"])
    dss(sandbox, "POST", f"/projects/SANDBOX/code-studios/{studio_id}/restart")
    assert dss(sandbox, "GET", f"/projects/SANDBOX/code-studios/{studio_id}/status").json()["state"] == "RUNNING"
    return studio_id


# ---- Dataiku DSS ------------------------------------------------------------------------------------


def test_template_delete_without_flags_is_refused_while_in_use_and_leaves_its_images(sandbox: Sandbox) -> None:
    studio = running_studio(sandbox)
    refused = dss(sandbox, "DELETE", "/admin/code-studios/vscode", params={"deleteRuntime": "False"})
    assert refused.status_code == 409 and "used by code studios" in refused.json()["message"]
    dss(sandbox, "DELETE", f"/projects/SANDBOX/code-studios/{studio}")

    assert dss(sandbox, "DELETE", "/admin/code-studios/vscode").status_code == 200
    assert "dku-code-studio-vscode:1700000000000" in sandbox.state()["dataiku"]["images"], "images stay behind"


def test_template_delete_runtime_and_images_deletes_the_runtimes_and_images_of_its_studios(sandbox: Sandbox) -> None:
    studio = running_studio(sandbox)
    other = running_studio(sandbox, "jupyterlab")
    build = dss(sandbox, "POST", "/admin/code-studios/vscode/build").json()["jobId"]
    assert dss(sandbox, "GET", f"/futures/{build}").json()["hasResult"] is True
    state = sandbox.state()["dataiku"]
    assert state["code_studios"][studio]["runtime"].startswith("dku-code-studio-vscode:")
    assert len([i for i, owner in state["images"].items() if owner == "vscode"]) == 2

    deleted = dss(
        sandbox, "DELETE", "/admin/code-studios/vscode", params={"deleteRuntime": "True", "deleteImages": "True"}
    )
    assert deleted.status_code == 200 and deleted.json()["success"] is True
    state = sandbox.state()["dataiku"]
    assert (state["code_studios"][studio]["state"], state["code_studios"][studio]["runtime"]) == ("STOPPED", None)
    assert state["code_studios"][other]["runtime"] is not None, "another template's studio keeps its runtime"
    assert set(state["images"].values()) == {"jupyterlab"}
    assert "vscode" not in state["templates"]


def test_dss_booleans_are_read_as_java_reads_them(sandbox: Sandbox) -> None:
    running_studio(sandbox)
    # Java's Boolean.parseBoolean: only "true" (any case) is true; "1" and "yes" are false.
    for value in ("1", "yes", "on"):
        assert dss(sandbox, "DELETE", "/admin/code-studios/vscode", params={"deleteRuntime": value}).status_code == 409
    assert dss(sandbox, "DELETE", "/admin/code-studios/vscode", params={"deleteRuntime": "TRUE"}).status_code == 200


# ---- AppConfig --------------------------------------------------------------------------------------


def start(boto: object, strategy: str = QUICK) -> None:
    boto.start_deployment(  # type: ignore[attr-defined]
        ApplicationId=APP,
        EnvironmentId=ENV,
        DeploymentStrategyId=strategy,
        ConfigurationProfileId=PROFILE,
        ConfigurationVersion="1",
    )


def error_code(call: object) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value.response["Error"]["Code"])


def test_stop_deployment_refuses_a_baking_one_unless_allow_revert(sandbox: Sandbox) -> None:
    boto = boto_client(sandbox)
    sandbox.set_transitions("reads", 5, platform="appconfig")  # hold the finished rollout in BAKING
    start(boto)
    assert boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)["State"] == "BAKING"

    stop = {"ApplicationId": APP, "EnvironmentId": ENV, "DeploymentNumber": 1}
    assert error_code(lambda: boto.stop_deployment(**stop)) == "BadRequestException"
    stopped = boto.stop_deployment(**stop, AllowRevert=True)
    assert stopped["State"] == "ROLLED_BACK"


def test_a_complete_deployment_is_reverted_only_within_72_hours(sandbox: Sandbox) -> None:
    boto = boto_client(sandbox)
    sandbox._call("PUT", "/appconfig/clock", {"seconds_per_minute": 0.0002})  # 72 h of strategy time in ~0.9 s
    start(boto, create_strategy(boto, minutes=0))
    assert boto.get_deployment(ApplicationId=APP, EnvironmentId=ENV, DeploymentNumber=1)["State"] == "COMPLETE"
    time.sleep(72 * 60 * 0.0002 + 0.2)

    stop = {"ApplicationId": APP, "EnvironmentId": ENV, "DeploymentNumber": 1, "AllowRevert": True}
    assert error_code(lambda: boto.stop_deployment(**stop)) == "BadRequestException"


def test_appconfig_deletes_of_missing_objects_and_of_a_profile_with_versions_are_refused(sandbox: Sandbox) -> None:
    boto = boto_client(sandbox)
    assert error_code(lambda: boto.delete_application(ApplicationId="nosuch1")) == "ResourceNotFoundException"
    missing = lambda: boto.delete_configuration_profile(ApplicationId=APP, ConfigurationProfileId="nosuch1")  # noqa: E731
    assert error_code(missing) == "ResourceNotFoundException"
    in_use = lambda: boto.delete_configuration_profile(ApplicationId=APP, ConfigurationProfileId=PROFILE)  # noqa: E731
    assert error_code(in_use) == "BadRequestException"
    created = boto.create_application(Name="gone")
    assert boto.delete_application(ApplicationId=created["Id"])["ResponseMetadata"]["HTTPStatusCode"] == 204


# ---- the control plane and the listening address ----------------------------------------------------


def test_the_control_plane_refuses_a_foreign_origin(sandbox: Sandbox) -> None:
    refused = requests.post(sandbox.url + "/_sandbox/reset", headers={"Origin": "https://evil.example"}, timeout=10)
    assert refused.status_code == 403 and "origin" in refused.json()["detail"]
    rebound = requests.get(sandbox.url + "/_sandbox/state", headers={"Origin": "http://attacker.test:80"}, timeout=10)
    assert rebound.status_code == 403
    own = requests.get(sandbox.url + "/_sandbox/answers", headers={"Origin": sandbox.url}, timeout=10)
    assert own.status_code == 200
    assert requests.get(sandbox.url + "/_sandbox/answers", timeout=10).status_code == 200, "scripts send no Origin"
    platform = requests.get(
        sandbox.url + "/peak/service/webapps/api/v1/webapps/",
        headers={"Origin": "https://evil.example", "Authorization": "sandbox-dev-key"},
        timeout=10,
    )
    assert platform.status_code == 200, "only the control plane checks"


def test_a_non_loopback_address_is_warned_about(capsys: pytest.CaptureFixture[str]) -> None:
    Sandbox("127.0.0.1").stop()
    assert "warning" not in capsys.readouterr().err
    Sandbox("0.0.0.0").stop()
    assert "sandbox: warning: listening on 0.0.0.0, not a loopback address" in capsys.readouterr().err


def test_python_m_providers_sandbox_starts_with_the_answers_asked_for() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "providers.sandbox", "--answers", "documented"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().split("=", 1)[1]
        assert requests.get(url + "/_sandbox/answers", timeout=10).json() == {"profile": "documented", "platforms": {}}
    finally:
        process.terminate()
        process.wait(timeout=30)
