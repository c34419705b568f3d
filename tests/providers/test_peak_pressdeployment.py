"""PressDeploymentProvider's methods called directly, as the provider host calls them, against the sandbox."""

from __future__ import annotations

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from providers.core import ConflictError, FailedStateError, WaitTimeoutError
from providers.peak.client import PeakPressClient
from providers.peak.press_deployment import PressDeploymentOutputs, PressDeploymentProvider
from tests.harness import PEAK_TEST_KEY, live_objects, platform_requests, writes

BLOCK_SPEC = "5eed0000-b10c-4000-8000-000000000001"
APP_SPEC = "5eed0000-a990-4000-8000-000000000002"
BLOCK = {
    "kind": "block",
    "spec_id": BLOCK_SPEC,
    "release_version": "1.0.0",
    "name": "press-one",
    "summary": "first",
    "run_parameters": {"target_url": "https://a.example"},
}
APP = {
    "kind": "app",
    "spec_id": APP_SPEC,
    "release_version": "1.0.0",
    "name": "app-one",
    "summary": "an app",
    "run_parameters": {"region": "eu"},
    "block_parameters": {"sandbox-block": {"run": {"target_url": "https://b.example"}}},
}


@pytest.fixture
def provider(sb):
    p = PressDeploymentProvider()
    p.configure(ConfigureRequest(Config({"peak:apiKey": PEAK_TEST_KEY, "peak:endpoint": sb.peak_endpoint}, "p")))
    return p


@pytest.fixture
def press(peak_settings):
    return PeakPressClient.from_settings(peak_settings)


def checked(provider, base=BLOCK, **changes):
    result = provider.check({}, {**base, **changes})
    assert result.failures == []
    return result.inputs


def routes(sb):
    return [r["route"] for r in writes(sb)]


def test_basic_block(sb, provider):
    inputs = checked(provider)
    created = provider.create(inputs)
    outs = created.outs
    assert outs["status"] == "deployed" and outs["revision"] == 1 and outs["revision_status"] == "deployed"
    assert outs["run_parameters"] == {"target_url": "https://a.example"} and outs["blocks"] == []
    assert set(outs) == set(inputs) | set(PressDeploymentOutputs.field_specs()) | {"__meta"}
    read = provider.read(created.id, outs)
    assert read.id == created.id and read.outs == outs
    assert read.inputs == inputs, "no drift: refreshed inputs equal the stored ones"
    assert provider.diff(created.id, outs, inputs).changes is False
    provider.delete(created.id, outs)
    assert live_objects(sb, "peak", "PressDeployment") == []
    provider.delete(created.id, outs)  # idempotent


def test_basic_app_exposes_blocks_and_deletes_them(sb, provider, press):
    created = provider.create(checked(provider, APP))
    (block,) = created.outs["blocks"]
    assert block["name"] == "sandbox-block" and block["status"] == "deployed" and block["platform_id"]
    child = press.get_deployment("block", block["deployment_id"])
    assert child.parent is not None and child.parent.id == created.id
    assert child.parameters["run"] == {"target_url": "https://b.example"}
    assert created.outs["block_parameters"] == {
        "sandbox-block": {"build": {}, "run": {"target_url": "https://b.example"}}
    }
    assert len(live_objects(sb, "peak", "PressDeployment")) == 2
    provider.delete(created.id, created.outs)
    assert live_objects(sb, "peak", "PressDeployment") == []


def test_unset_release_deploys_the_newest_and_is_not_diffed(sb, provider):
    inputs = checked(provider, release_version=None)
    created = provider.create(inputs)
    assert created.outs["release_version"] == "1.1.0"
    assert provider.read(created.id, created.outs).inputs["release_version"] is None
    assert provider.diff(created.id, created.outs, inputs).changes is False


def test_disappears(sb, provider, press):
    created = provider.create(checked(provider))
    press.delete_deployment("block", created.id)
    assert provider.read(created.id, created.outs).id == ""


def test_refresh_shows_metadata_changed_by_hand(sb, provider, press):
    created = provider.create(checked(provider, title="Mine"))
    press.update_deployment_metadata("block", created.id, {"title": "by hand"})
    read = provider.read(created.id, created.outs)
    assert read.outs["title"] == "by hand" and read.inputs["title"] == "by hand"
    assert provider.diff(created.id, read.outs, checked(provider, title="Mine")).changes is True


def test_metadata_change_is_one_patch_and_no_revision(sb, provider):
    created = provider.create(checked(provider))
    news = checked(provider, title="Two", summary="second", tags=["x"], description="d", image_url="https://i/1.png")
    diff = provider.diff(created.id, created.outs, news)
    assert diff.changes is True and diff.replaces == []
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, news)
    assert routes(sb) == ["peak.press.update_deployment"]
    patch = writes(sb)[0]["body"]
    assert patch == {
        "title": "Two",
        "summary": "second",
        "description": "d",
        "imageUrl": "https://i/1.png",
        "tags": [{"name": "x"}],
    }
    assert updated.outs["revision"] == 1 and updated.outs["title"] == "Two" and updated.outs["tags"] == ["x"]
    assert set(updated.outs) == set(created.outs)


@pytest.mark.parametrize(
    "change",
    [
        {"release_version": "1.1.0"},
        {"run_parameters": {"target_url": "https://c.example"}},
        {"revision_notes": "again"},
    ],
)
def test_release_or_parameter_change_is_one_new_revision(sb, provider, change):
    created = provider.create(checked(provider))
    news = checked(provider, **change)
    assert provider.diff(created.id, created.outs, news).replaces == []
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, news)
    assert routes(sb) == ["peak.press.create_revision"]
    assert updated.outs["revision"] == 2 and updated.outs["status"] == "deployed"
    for key, value in change.items():
        assert updated.outs[key] == value


def test_app_block_parameter_change_revises_through_blocks(sb, provider, press):
    created = provider.create(checked(provider, APP))
    news = checked(provider, APP, block_parameters={"sandbox-block": {"run": {"target_url": "https://z"}}}, title="T")
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, news)
    assert routes(sb) == ["peak.press.update_deployment", "peak.press.create_revision"]
    assert updated.outs["revision"] == 2
    child = press.get_deployment("block", updated.outs["blocks"][0]["deployment_id"])
    assert child.parameters["run"] == {"target_url": "https://z"}


@pytest.mark.parametrize("change", [{"kind": "app", "spec_id": APP_SPEC}, {"spec_id": APP_SPEC}])
def test_replace_on_kind_or_spec(sb, provider, change):
    created = provider.create(checked(provider))
    diff = provider.diff(created.id, created.outs, checked(provider, **change))
    assert set(diff.replaces) == set(change)
    assert diff.delete_before_replace, "the name is kept, so the old deployment goes first"


def test_failed_create_reports_the_reason_and_the_next_run_redeploys(sb, provider):
    sb.fail_next("peak/press", operation="deploy", name="press-one", reason="image build failed")
    with pytest.raises(FailedStateError, match="failed: image build failed"):
        provider.create(checked(provider))
    (left,) = live_objects(sb, "peak", "PressDeployment")
    assert left["status"] == "failed"
    sb.clear_requests()
    retried = provider.create(checked(provider))
    assert routes(sb) == ["peak.press.redeploy"], "redeployed, not created again nor replaced"
    assert retried.id == left["id"] and retried.outs["status"] == "deployed"


def test_update_of_a_failed_deployment_redeploys(sb, provider):
    created = provider.create(checked(provider))
    sb.fail_next("peak/press", operation="deploy", name="press-one", reason="quota")
    news = checked(provider, release_version="1.1.0")
    with pytest.raises(FailedStateError, match="failed: quota"):
        provider.update(created.id, created.outs, news)
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, checked(provider, release_version="1.1.0", title="x"))
    assert routes(sb) == ["peak.press.update_deployment", "peak.press.redeploy"]
    assert updated.outs["status"] == "deployed" and updated.outs["revision"] == 2


def test_a_failure_the_platform_does_not_redeploy_gets_a_new_revision(sb, provider):
    sb.fail_next(
        "peak/press", operation="deploy", name="press-one", reason="no capacity", status="platform_resource_error"
    )
    with pytest.raises(FailedStateError, match="platform_resource_error: no capacity"):
        provider.create(checked(provider))
    sb.clear_requests()
    retried = provider.create(checked(provider))
    assert routes(sb) == ["peak.press.create_revision"]
    assert retried.outs["status"] == "deployed" and retried.outs["revision"] == 2


def test_warning_is_a_success_with_the_status_in_the_outputs(sb, provider):
    sb.fail_next("peak/press", operation="deploy", name="press-one", reason="slow start", status="warning")
    created = provider.create(checked(provider))
    assert created.outs["status"] == "warning"


def test_take_over_after_a_crash_and_adopt(sb, provider, press):
    from providers.peak.press_deployment import create_body

    inputs = checked(provider)
    press.create_deployment("block", create_body(inputs))
    sb.clear_requests()
    taken = provider.create(inputs)
    assert "peak.press.create_deployment" not in routes(sb), "same name and inputs: taken over"
    assert len(live_objects(sb, "peak", "PressDeployment")) == 1

    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider, run_parameters={"target_url": "other"}))
    sb.clear_requests()
    adopted = provider.create(checked(provider, run_parameters={"target_url": "other"}, adopt_existing=True))
    assert adopted.id == taken.id and adopted.outs["run_parameters"] == {"target_url": "other"}
    assert routes(sb) == ["peak.press.create_revision"]


def test_adopt_refuses_a_deployment_of_another_spec(sb, provider, press):
    from providers.peak.press_deployment import create_body

    press.create_deployment("app", create_body(checked(provider, APP, name="shared-name")))
    other_app_spec = press.create_spec(
        "app",
        {
            "version": 1,
            "kind": "app",
            "metadata": {"name": "other-app", "summary": "s"},
            "release": {"version": "1.0.0", "notes": "n"},
            "config": [{"id": BLOCK_SPEC, "release": {"version": "1.0.0"}}],
        },
    )
    with pytest.raises(ConflictError, match="deploys spec"):
        provider.create(
            checked(
                provider, APP, name="shared-name", spec_id=other_app_spec, release_version=None, adopt_existing=True
            )
        )


def test_lost_create_answer_does_not_duplicate(sb, provider):
    sb.add_fault(path=r"/press/v1/blocks/deployments/?$", method="POST", status=502, when="after")
    created = provider.create(checked(provider))
    assert created.outs["status"] == "deployed"
    assert len(live_objects(sb, "peak", "PressDeployment")) == 1


def test_timeout_then_the_next_create_resumes_without_duplicate(sb, provider):
    sb.set_transitions("seconds", 1.5)
    with pytest.raises(WaitTimeoutError, match="last status deploying"):
        provider.create(checked(provider, timeout_seconds=0.3))
    retried = provider.create(checked(provider, timeout_seconds=30))
    assert retried.outs["status"] == "deployed"
    assert routes(sb).count("peak.press.create_deployment") == 1


def test_delete_failed_is_an_error_with_the_reason(sb, provider):
    created = provider.create(checked(provider))
    sb.fail_next("peak/press", operation="delete", name="press-one", reason="resources still attached")
    with pytest.raises(FailedStateError, match="delete_failed: resources still attached"):
        provider.delete(created.id, created.outs)


def test_check_failures_name_the_field_and_send_nothing(sb, provider):
    result = provider.check(
        {},
        {
            "kind": "workflow",
            "spec_id": "not-a-uuid",
            "release_version": "v1",
            "name": "Bad Name",
            "summary": "",
            "block_parameters": {"x": {"run": {}, "nope": 1}},
            "nope": 1,
        },
    )
    assert {f.property for f in result.failures} == {
        "kind",
        "spec_id",
        "release_version",
        "name",
        "summary",
        "block_parameters.x.nope",
        "nope",
    }
    blockish = provider.check({}, {**BLOCK, "includes": {APP_SPEC: "1.0.0"}})
    assert [f.property for f in blockish.failures] == ["includes"]
    assert platform_requests(sb) == []


def test_unknowns_pass_check(sb, provider):
    result = provider.check({}, {**BLOCK, "run_parameters": {"target_url": Unknown()}, "spec_id": Unknown()})
    assert result.failures == []


def test_lookups_hide_paging(sb, provider, press, peak_settings, monkeypatch):
    from providers.peak import functions

    monkeypatch.setattr(functions, "program_settings", lambda: peak_settings)
    for index in range(3):
        provider.create(checked(provider, name=f"press-{index}", release_version="1.1.0"))
    provider.create(checked(provider, name="press-old"))

    specs = functions.list_press_specs(kind=["workflow"], status=["available"], sort=["name:asc"])
    assert [(s["name"], s["latest_release_version"]) for s in specs] == [("sandbox-block", "1.1.0")]
    assert [s["name"] for s in functions.list_press_specs(term="sandbox-a")] == ["sandbox-app"]
    releases = functions.list_press_spec_releases(BLOCK_SPEC)
    assert [r["version"] for r in releases] == ["1.1.0", "1.0.0"]
    assert [r["version"] for r in functions.list_press_spec_releases(APP_SPEC, kind="app")] == ["1.1.0", "1.0.0"]
    on_new = functions.list_press_spec_release_deployments(BLOCK_SPEC, version="1.1.0", sort=["name:desc"])
    assert [d["name"] for d in on_new] == ["press-2", "press-1", "press-0"]
    assert {d["status"] for d in on_new} == {"deployed"}
    assert [d["name"] for d in functions.list_press_spec_release_deployments(BLOCK_SPEC, name="press-o")] == [
        "press-old"
    ]
