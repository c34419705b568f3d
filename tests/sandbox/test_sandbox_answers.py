"""Answer profiles: `full` and `documented`, switched through the control plane, and each platform's
documented answers carrying only what its reference and official SDK show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import requests

from providers.sandbox import Sandbox, SandboxError
from providers.sandbox.abeja import documented as abeja_documented
from providers.sandbox.dataiku import documented as dataiku_documented
from providers.sandbox.peak import documented as peak_documented
from providers.sandbox.peak.press_models import SEEDED_APP_SPEC_ID
from tests.appconfig_support import APP, boto_client
from tests.sandbox.dataiku_support import ADMIN_KEY
from tests.sandbox.sandbox_support import PeakHttp

PRESS = "/peak/press/v1"
ABEJA_ORG = "/abeja/organizations/1200000000001"
DSS = "/dataiku/public/api"


def get(sandbox: Sandbox, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
    response = requests.request(kwargs.pop("method", "GET"), sandbox.url + path, headers=headers, timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def peak(sandbox: Sandbox, path: str, **kwargs: Any) -> Any:
    return get(sandbox, path, {"Authorization": "sandbox-dev-key"}, **kwargs)


def dss(sandbox: Sandbox, path: str, **kwargs: Any) -> Any:
    return get(sandbox, DSS + path, {"Authorization": f"Bearer {ADMIN_KEY}"}, **kwargs)


def abeja(sandbox: Sandbox, path: str, **kwargs: Any) -> Any:
    return get(sandbox, ABEJA_ORG + path, {"Authorization": "Bearer sandbox-abeja-token"}, **kwargs)


def all_keys(value: Any, prefix: str = "") -> set[str]:
    """Every dotted key path of a JSON value (list items share their list's path)."""
    if isinstance(value, list):
        return {key for item in value for key in all_keys(item, prefix)}
    if isinstance(value, dict):
        return {f"{prefix}{k}" for k in value} | {p for k, v in value.items() for p in all_keys(v, f"{prefix}{k}.")}
    return set()


# ---- switching --------------------------------------------------------------------------------------


def test_profiles_are_switched_read_back_and_kept_by_reset(sandbox: Sandbox) -> None:
    assert sandbox.answers() == {"profile": "full", "platforms": {}}
    assert sandbox.set_answers("documented", platform="peak") == {
        "profile": "full",
        "platforms": {"peak": "documented"},
    }
    sandbox.reset()
    assert sandbox.answers()["platforms"] == {"peak": "documented"}
    sandbox.set_answers("documented")
    assert sandbox.answers() == {"profile": "documented", "platforms": {}}, "no platform: all of them"
    sandbox.set_answers("full")
    assert sandbox.answers() == {"profile": "full", "platforms": {}}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"profile": "terse"}, "profile must be one of full, documented"),
        ({"profile": "full", "platform": "x"}, "platform"),
    ],
)
def test_bad_profiles_are_refused(sandbox: Sandbox, body: dict[str, Any], detail: str) -> None:
    response = requests.put(sandbox.url + "/_sandbox/answers", json=body, timeout=10)
    assert response.status_code == 400 and response.json()["detail"].startswith(detail)
    with pytest.raises(SandboxError):
        sandbox.set_answers("terse")


def test_a_profile_given_at_start_wins_over_the_state_file_and_is_kept_in_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with Sandbox(state_file=state, answers="documented") as first:
        first.set_answers("full", platform="abeja")
    assert json.loads(state.read_text())["answers"] == {"profile": "documented", "platforms": {"abeja": "full"}}
    with Sandbox(state_file=state) as second:
        assert second.answers()["platforms"] == {"abeja": "full"}
    with Sandbox(state_file=state, answers="full") as third:
        assert third.answers() == {"profile": "full", "platforms": {}}


def test_every_route_has_a_documented_answer(sandbox: Sandbox) -> None:
    platforms = sandbox.app.platforms
    peak_table = peak_documented.table(platforms["peak"].backend.press)  # type: ignore[attr-defined]
    assert {route.name for route in platforms["peak"].routes} == set(peak_table)
    assert {route.name for route in platforms["abeja"].routes} == set(abeja_documented.TABLE)
    assert {route.name.removeprefix("dataiku.") for route in platforms["dataiku"].routes} == set(
        dataiku_documented.TABLE
    )


# ---- Peak -------------------------------------------------------------------------------------------


def test_peak_service_answers_documented(sandbox: Sandbox, peak: PeakHttp) -> None:
    service_id = peak.create("web", title="T", description="D", parameters={"env": {"A": "1"}})
    full = peak.describe(service_id)
    assert {"title", "description", "parameters", "lastError"} <= set(full)
    sandbox.set_answers("documented", platform="peak")

    described = peak.describe(service_id)
    assert set(described) == {
        *("id", "name", "status", "serviceType", "imageDetails", "resources", "sessionStickiness", "scaleToZero"),
        *("entrypoint", "healthCheckURL", "minInstances", "createdAt", "createdBy", "updatedAt", "updatedBy"),
        *("tags", "applicationUrl"),
    }
    listed = peak.call("GET", "", params={"featureType": "services"}).json()
    assert set(listed["services"][0]) == {
        *("id", "name", "status", "serviceType", "createdAt", "createdBy", "updatedAt", "updatedBy", "tags"),
    }
    assert peak.call("PATCH", service_id, json={"title": "U"}).json() == {"id": service_id}


def test_press_deployment_answers_documented_and_hidden_values_masked(sandbox: Sandbox) -> None:
    params = {
        "build": [],
        "run": [{"name": "token", "type": "string", "hideValue": True}, {"name": "x", "type": "string"}],
    }
    spec = {"kind": "workflow", "metadata": {"name": "blk", "summary": "s"}, "release": {"version": "1.0.0"}}
    form = {"spec": (None, json.dumps(spec)), "parameters": (None, json.dumps(params))}
    spec_id = peak(sandbox, PRESS + "/blocks/specs/", method="POST", files=form)["id"]
    body = {"metadata": {"name": "b", "summary": "s"}, "revision": {"notes": "n"}, "spec": {"id": spec_id}}
    block = peak(
        sandbox,
        PRESS + "/blocks/deployments/",
        method="POST",
        json={**body, "parameters": {"run": {"token": "t0p", "x": "1"}}},
    )
    app_body = {**body, "metadata": {"name": "a", "summary": "s"}, "spec": {"id": SEEDED_APP_SPEC_ID}}
    app = peak(
        sandbox, PRESS + "/apps/deployments/", method="POST", json={**app_body, "appParameters": {"run": {"k": 1}}}
    )
    full_app, full_block = (
        peak(sandbox, f"{PRESS}/{k}/deployments/{d['id']}") for k, d in (("apps", app), ("blocks", block))
    )
    assert {"appParameters", "parameters"} <= set(full_app) and full_block["parameters"]["run"]["token"] == "t0p"
    sandbox.set_answers("documented")

    described_app = peak(sandbox, f"{PRESS}/apps/deployments/{app['id']}")
    assert set(described_app) == {"id", "kind", "metadata", "spec", "latestRevision"}
    assert set(described_app["latestRevision"]["blocks"][0]) == {"deploymentId", "platformId", "kind", "name", "status"}
    assert "updatedBy" not in described_app["metadata"] and described_app["metadata"]["status"] == "deployed"
    described_block = peak(sandbox, f"{PRESS}/blocks/deployments/{block['id']}")
    assert set(described_block) == {"id", "kind", "metadata", "spec", "latestRevision", "parameters"}
    assert described_block["parameters"]["run"] == {"token": "********", "x": "1"}
    revision = peak(sandbox, f"{PRESS}/blocks/deployments/{block['id']}/revisions/1")
    assert revision["parameters"]["run"]["token"] == "********" and "releaseVersion" not in revision
    listed = peak(sandbox, PRESS + "/blocks/deployments/")
    assert "deploymentCount" not in listed and listed["deploymentsCount"] == 2
    assert {d["parameters"]["run"].get("token") for d in listed["deployments"]} == {"********", None}
    assert peak(sandbox, f"{PRESS}/deployments/{block['id']}/parameters/run")["token"] == "t0p", "the block's own read"
    revised = peak(
        sandbox, f"{PRESS}/blocks/deployments/{block['id']}/revisions", method="POST", json={"revision": {"notes": "2"}}
    )
    assert revised == {"id": block["id"], "revision": 2}


def test_press_spec_answers_documented(sandbox: Sandbox) -> None:
    sandbox.set_answers("documented", platform="peak")
    specs = peak(sandbox, PRESS + "/blocks/specs/")
    assert "specCount" not in specs and specs["specsCount"] == 1
    assert all_keys(specs["specs"][0]) <= {
        *("id", "kind", "featured", "scope", "tenants", "metadata", "latestRelease"),
        *(f"metadata.{k}" for k in ("name", "title", "summary", "description", "descriptionContentType")),
        *(f"metadata.{k}" for k in ("imageUrl", "tags", "tags.name", "createdAt", "createdBy")),
        *(f"latestRelease.{k}" for k in ("id", "version", "notes", "createdAt", "createdBy")),
    }
    assert "specsCount" not in peak(sandbox, PRESS + "/apps/specs/")


# ---- Dataiku DSS ------------------------------------------------------------------------------------


def test_dss_answers_documented_without_nulls(sandbox: Sandbox) -> None:
    created = dss(
        sandbox, "/projects/SANDBOX/code-studios/", method="POST", json={"name": "cs", "templateId": "vscode"}
    )
    studio = created["codeStudio"]["id"]
    assert "projectKey" in created["codeStudio"] and "displayName" in dss(sandbox, "/auth/info")
    sandbox.set_answers("documented", platform="dataiku")

    assert set(dss(sandbox, f"/projects/SANDBOX/code-studios/{studio}")) == {
        "id",
        "name",
        "owner",
        "templateId",
        "libName",
    }
    assert set(dss(sandbox, "/auth/info")) == {"authIdentifier", "groups"}
    assert set(dss(sandbox, "/admin/code-studios/vscode")) == {"type", "params", "allContainerConfs", "containerConfs"}
    dss(sandbox, f"/projects/SANDBOX/code-studios/{studio}/restart", method="POST")
    status = dss(sandbox, f"/projects/SANDBOX/code-studios/{studio}/status")
    assert all_keys(status["syncedZones"]) == {"id"}
    conflicts = dss(sandbox, f"/projects/SANDBOX/code-studios/{studio}/conflicts/recipes")
    assert set(conflicts["recipes"]) == {"added", "modified", "deleted", "authors", "commitFrom", "commitTo"}
    assert set(dss(sandbox, "/projects/SANDBOX")) == {"projectKey", "name", "ownerLogin", "projectStatus", "tags"}
    assert "null" not in json.dumps(dss(sandbox, "/projects/SANDBOX/code-studios/"))


# ---- ABEJA ------------------------------------------------------------------------------------------


def test_abeja_answers_documented(sandbox: Sandbox) -> None:
    full = abeja(sandbox, "/channels/1400000000001")
    assert {"id", "name", "organization_name"} <= set(full)
    sandbox.set_answers("documented", platform="abeja")
    channel = abeja(sandbox, "/channels/1400000000001")
    assert set(channel) == {"organization_id", "organization_name", "created_at", "updated_at", "channel"}
    listed = abeja(sandbox, "/channels")
    assert set(listed) == {
        "organization_id",
        "organization_name",
        "created_at",
        "updated_at",
        "channels",
        "limit",
        "offset",
        "has_next",
    }
    version = abeja(sandbox, "/deployments/1300000000001/versions/ver-0000000000000001")
    assert "uploaded" not in version and set(version) <= set(abeja_documented.VERSION)


# ---- AppConfig --------------------------------------------------------------------------------------


MODEL = botocore.session.get_session().get_service_model("appconfig")


def raw_answers(boto: Any) -> list[Any]:
    """The JSON bodies boto receives, before botocore keeps only the members it knows."""
    seen: list[Any] = []
    boto.meta.events.register(
        "after-call.appconfig.*", lambda http_response, **_: seen.append(json.loads(http_response.content or b"null"))
    )
    return seen


def test_appconfig_answers_carry_only_the_members_botocores_model_declares(sandbox: Sandbox) -> None:
    boto = boto_client(sandbox)
    seen = raw_answers(boto)
    boto.list_configuration_profiles(ApplicationId=APP)
    assert {"Description", "RetrievalRoleArn", "Validators"} <= set(seen[-1]["Items"][0]), (
        "moto's full answer says more"
    )
    sandbox.set_answers("documented", platform="appconfig")

    boto.list_configuration_profiles(ApplicationId=APP)
    assert set(seen[-1]["Items"][0]) <= set(MODEL.shape_for("ConfigurationProfileSummary").members)
    for call, operation in (
        (lambda: boto.get_application(ApplicationId=APP), "GetApplication"),
        (lambda: boto.list_environments(ApplicationId=APP), "ListEnvironments"),
        (lambda: boto.list_deployment_strategies(), "ListDeploymentStrategies"),
    ):
        call()
        assert set(seen[-1]) <= set(MODEL.operation_model(operation).output_shape.members), operation
