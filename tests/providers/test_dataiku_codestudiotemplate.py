"""CodeStudioTemplateProvider's methods called directly against the sandbox's DSS."""

from __future__ import annotations

import time

import pytest

from providers.core import ConflictError, FailedStateError, WaitTimeoutError
from providers.dataiku.client import DataikuClient
from providers.dataiku.code_studio import CodeStudioProvider
from providers.dataiku.code_studio_template import CodeStudioTemplateOutputs, CodeStudioTemplateProvider
from tests.sandbox.dataiku_support import ANALYST_KEY, checked_inputs, configured, dataiku_settings, dss_state, routes

INPUTS = {"label": "Team IDE", "params": {"exposedPorts": [8080, 8501]}, "timeout_seconds": 30.0}


@pytest.fixture
def provider(sb):
    return configured(CodeStudioTemplateProvider(), sb)


@pytest.fixture
def templates_client(sb):
    return DataikuClient.from_settings(dataiku_settings(sb))


def checked(provider, **changes):
    return checked_inputs(provider, INPUTS, **changes)


def templates(sb):
    return {t["label"]: t for t in dss_state(sb)["templates"].values()}


def test_basic_create_builds_the_image(sb, provider):
    inputs = checked(provider)
    created = provider.create(inputs)
    outs = created.outs
    assert created.id == outs["template_id"] == "team_ide"
    assert outs["last_built"].endswith("Z") and outs["template_type"] == "block_based"
    assert outs["params"] == {"exposedPorts": [8080, 8501]}
    assert set(outs) == set(inputs) | set(CodeStudioTemplateOutputs.field_specs()) | {"__meta"}
    assert routes(sb).count("build_template") == 1 and "get_future" in routes(sb)
    read = provider.read(created.id, outs)
    assert read.outs == outs and read.inputs == inputs
    assert provider.diff(created.id, outs, inputs).changes is False
    provider.delete(created.id, outs)
    assert "Team IDE" not in templates(sb)
    provider.delete(created.id, outs)  # gone already is success


def test_settings_change_saves_the_whole_object_and_rebuilds(sb, provider):
    created = provider.create(checked(provider))
    news = checked(provider, params={"exposedPorts": [8888]}, container_confs=["gpu"])
    diff = provider.diff(created.id, created.outs, news)
    assert diff.changes is True and diff.replaces == []
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, news)
    assert updated.outs["params"] == {"exposedPorts": [8888]} and updated.outs["built_for"] == ["gpu"]
    assert [r for r in routes(sb) if r in ("save_template", "build_template")] == ["save_template", "build_template"]
    put = next(r for r in sb.requests(platform="dataiku") if r["route"] == "dataiku.save_template")
    assert put["body"]["label"] == "Team IDE" and put["body"]["type"] == "block_based", "the whole object"
    sb.clear_requests()
    provider.update(created.id, updated.outs, news)
    assert "build_template" not in routes(sb), "nothing changed: no rebuild"


def test_replace_on_type_deletes_first(provider):
    olds = {**checked(provider), "template_id": "team_ide"}
    diff = provider.diff("team_ide", olds, checked(provider, template_type="manual"))
    assert diff.replaces == ["template_type"] and diff.delete_before_replace is True


def test_take_over_an_unbuilt_leftover_and_adopt(sb, provider, templates_client):
    leftover = templates_client.create_code_studio_template("Team IDE", "block_based")
    sb.clear_requests()
    # Ownership rule: DSS has no place on a template for an owner mark, so one found with this label (even of
    # the same type) may be shared: it is never rewritten, rebuilt or deleted unless adopted.
    with pytest.raises(ConflictError, match=r"already exists \(team_ide\).*adopt_existing"):
        provider.create(checked(provider))
    assert not {"save_template", "build_template", "delete_template"} & set(routes(sb))
    created = provider.create(checked(provider, adopt_existing=True))
    assert created.id == leftover and "create_template" not in routes(sb)
    assert created.outs["last_built"], "the leftover was built"
    templates_client.create_code_studio_template("Other", "manual")
    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider, label="Other"))
    adopted = provider.create(checked(provider, label="Other", adopt_existing=True))
    assert adopted.outs["template_type"] == "manual", "adopted as it is; the type shows as a diff to replace"


def test_failed_build_fails_with_the_platform_message_and_leaves_nothing(sb, provider):
    sb._call("POST", "/dataiku/failures", {"operation": "build", "name": "Team IDE", "message": "pip install failed"})
    with pytest.raises(FailedStateError, match="pip install failed"):
        provider.create(checked(provider))
    assert "Team IDE" not in templates(sb)


def test_deadline_hit(sb, provider):
    sb.set_transitions("seconds", 60, platform="dataiku")
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="timed out after 1s"):
        provider.create(checked(provider, timeout_seconds=1))
    assert time.monotonic() - started < 5


def test_a_template_in_use_is_not_deleted(sb, provider):
    created = provider.create(checked(provider))
    studios = configured(CodeStudioProvider(), sb)
    inputs = studios.check({}, {"project_key": "SANDBOX", "name": "uses it", "template_id": created.id}).inputs
    studio = studios.create(inputs)
    assert studio.outs["exposed_ports"] == [8080, 8501]
    with pytest.raises(ConflictError, match="used by code studios"):
        provider.delete(created.id, created.outs)
    studios.delete(studio.id, studio.outs)
    provider.delete(created.id, created.outs)


def test_a_code_studio_from_an_unbuilt_template_fails_to_start(sb, templates_client):
    template_id = templates_client.create_code_studio_template("Never built", "manual")
    studios = configured(CodeStudioProvider(), sb)
    inputs = studios.check({}, {"project_key": "SANDBOX", "name": "early", "template_id": template_id}).inputs
    with pytest.raises(FailedStateError, match="has no image: build it first"):
        studios.create(inputs)
    assert dss_state(sb)["code_studios"] == {}


def query_of(sb, route):
    [request] = [r for r in sb.requests(platform="dataiku") if r["route"] == f"dataiku.{route}"]
    return {k: v[0] if isinstance(v, list) else v for k, v in request["query"].items()}


def test_destroy_leaves_the_runtimes_of_code_studios_built_from_it_unless_asked(sb, provider):
    # DSS's deleteRuntime deletes the runtimes of every code studio built from the template, anyone's:
    # sent only when the user asked, and as DSS's own client sends it otherwise.
    created = provider.create(checked(provider))
    sb.clear_requests()
    provider.delete(created.id, created.outs)
    assert query_of(sb, "delete_template") == {"deleteRuntime": "false", "deleteImages": "false"}
    asked = provider.create(checked(provider, delete_runtimes_on_destroy=True))
    assert asked.outs["delete_runtimes_on_destroy"] is True
    sb.clear_requests()
    provider.delete(asked.id, asked.outs)
    assert query_of(sb, "delete_template") == {"deleteRuntime": "true", "deleteImages": "true"}


def test_a_key_that_is_not_an_administrator_is_refused(sb):
    provider = configured(CodeStudioTemplateProvider(), sb, ANALYST_KEY)
    with pytest.raises(Exception, match="not admin"):
        provider.create(checked(provider))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"label": ""}, "label"),
        ({"template_type": ""}, "template_type"),
        ({"params": ["not", "a", "map"]}, "params"),
        ({"container_confs": "gpu"}, "container_confs"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
        ({"delete_runtimes_on_destroy": "maybe"}, "delete_runtimes_on_destroy"),
    ],
)
def test_check_failures_name_the_field_and_send_nothing(sb, provider, changes, field):
    sb.clear_requests()
    result = provider.check({}, {**INPUTS, **changes})
    assert [f.property for f in result.failures] == [field]
    assert sb.requests(platform="dataiku") == []
