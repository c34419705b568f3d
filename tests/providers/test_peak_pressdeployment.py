"""PressDeploymentProvider's methods called directly, as the provider host calls them, against the sandbox."""

from __future__ import annotations

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from providers.core import BadRequestError, ConflictError, FailedStateError, WaitTimeoutError
from providers.core.ownership import OWNER_KEY, mark_label
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


def test_failed_create_reports_the_reason_deletes_it_and_the_next_run_creates_it_again(sb, provider):
    # Changed for the core rule "a new object whose create fails is deleted again" (CONTRIBUTING, Own only
    # what you made): the failed deployment no longer stays for the next run to redeploy; redeploying a
    # deployment left failed is now the update's (test_update_of_a_failed_deployment_redeploys).
    sb.fail_next("peak/press", operation="deploy", name="press-one", reason="image build failed")
    with pytest.raises(FailedStateError, match="failed: image build failed"):
        provider.create(checked(provider))
    assert live_objects(sb, "peak", "PressDeployment") == []
    sb.clear_requests()
    retried = provider.create(checked(provider))
    assert routes(sb) == ["peak.press.create_deployment"], "created again, nothing left to replace"
    assert retried.outs["status"] == "deployed"


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
    # Changed for the core rule "a new object whose create fails is deleted again": a failed create leaves
    # nothing, so the deployment is left in platform_resource_error by a failed update instead.
    created = provider.create(checked(provider))
    sb.fail_next(
        "peak/press", operation="deploy", name="press-one", reason="no capacity", status="platform_resource_error"
    )
    news = checked(provider, release_version="1.1.0")
    with pytest.raises(FailedStateError, match="platform_resource_error: no capacity"):
        provider.update(created.id, created.outs, news)
    sb.clear_requests()
    retried = provider.update(created.id, created.outs, news)
    assert routes(sb) == ["peak.press.create_revision"]
    assert retried.outs["status"] == "deployed" and retried.outs["revision"] == 3


def test_warning_is_a_success_with_the_status_in_the_outputs(sb, provider):
    sb.fail_next("peak/press", operation="deploy", name="press-one", reason="slow start", status="warning")
    created = provider.create(checked(provider))
    assert created.outs["status"] == "warning"


def test_take_over_after_a_crash_and_adopt(sb, provider, press):
    from providers.peak.press_deployment import create_body

    # Changed for the ownership rule (never take over what this resource did not make): the leftover of
    # this resource's interrupted run carries its owner mark, which the create looks for; another
    # resource (another mark) must adopt it, which marks it as its own (a metadata update).
    inputs = checked(provider, **{OWNER_KEY: "crashed"})
    press.create_deployment("block", create_body(inputs, "crashed"))
    sb.clear_requests()
    taken = provider.create(inputs)
    assert "peak.press.create_deployment" not in routes(sb), "same name and owner: taken over"
    assert len(live_objects(sb, "peak", "PressDeployment")) == 1

    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider, run_parameters={"target_url": "other"}, **{OWNER_KEY: "another"}))
    sb.clear_requests()
    adopter = {"run_parameters": {"target_url": "other"}, "adopt_existing": True, OWNER_KEY: "another"}
    adopted = provider.create(checked(provider, **adopter))
    assert adopted.id == taken.id and adopted.outs["run_parameters"] == {"target_url": "other"}
    assert routes(sb) == ["peak.press.update_deployment", "peak.press.create_revision"]
    assert press.get_deployment("block", taken.id).metadata.tag_names() == [mark_label("another")]


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
    # With the owner mark (ownership rule): what the lost create left is known to be this resource's.
    created = provider.create(checked(provider, **{OWNER_KEY: "me"}))
    assert created.outs["status"] == "deployed"
    assert len(live_objects(sb, "peak", "PressDeployment")) == 1


def test_timeout_then_the_next_create_resumes_without_duplicate(sb, provider):
    sb.set_transitions("seconds", 1.5)
    # With the owner mark (ownership rule): the next create knows the timed-out deployment as its own.
    with pytest.raises(WaitTimeoutError, match="last status deploying"):
        provider.create(checked(provider, timeout_seconds=0.3, **{OWNER_KEY: "me"}))
    retried = provider.create(checked(provider, timeout_seconds=30, **{OWNER_KEY: "me"}))
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


def test_the_owner_mark_is_a_tag_that_inputs_and_outputs_never_show(sb, provider, press):
    created = provider.create(checked(provider, tags=["team"], **{OWNER_KEY: "me"}))
    assert press.get_deployment("block", created.id).metadata.tag_names() == ["team", mark_label("me")]
    assert created.outs["tags"] == ["team"] and provider.read(created.id, created.outs).outs["tags"] == ["team"]
    sb.clear_requests()
    provider.update(created.id, created.outs, checked(provider, tags=["other"], **{OWNER_KEY: "me"}))
    assert writes(sb)[0]["body"] == {"tags": [{"name": "other"}, {"name": mark_label("me")}]}, "the mark is kept"
    # Without the owner (a direct call), a tag change keeps the marks the deployment carries.
    provider.update(created.id, created.outs, checked(provider, tags=[]))
    assert press.get_deployment("block", created.id).metadata.tag_names() == [mark_label("me")]
    with pytest.raises(ConflictError, match=rf"already exists \({created.id}\).*adopt_existing=True"):
        provider.create(checked(provider, **{OWNER_KEY: "someone-else"}))


@pytest.mark.parametrize("answer", ["masked", "missing"])
def test_parameters_masked_or_missing_in_the_answer_cause_no_revision_and_no_diff(sb, provider, monkeypatch, answer):
    # Fidelity: a block describe masks hidden values and an app describe documents no parameters, so
    # they are never read back; only a change of the inputs makes a revision.
    from providers.peak.models import PressDeploymentWire

    original = PeakPressClient.get_deployment

    def described(self, family, deployment_id):
        wire = original(self, family, deployment_id).model_dump(by_alias=True, exclude_unset=True)
        wire.pop("appParameters", None)
        if answer == "masked":
            wire["parameters"] = {"build": {}, "run": {"target_url": "********"}}
        else:
            wire.pop("parameters", None)
        return PressDeploymentWire.model_validate(wire)

    monkeypatch.setattr(PeakPressClient, "get_deployment", described)
    for base in (BLOCK, APP):
        inputs = checked(provider, base)
        created = provider.create(inputs)
        read = provider.read(created.id, created.outs)
        assert read.outs == created.outs and read.inputs == inputs
        assert provider.diff(created.id, read.outs, inputs).changes is False
        sb.clear_requests()
        provider.update(created.id, read.outs, checked(provider, base, title="T"))
        assert routes(sb) == ["peak.press.update_deployment"], "metadata alone: no new revision"


def test_a_422_busy_delete_is_ridden_out(sb, provider, press, monkeypatch):
    # Peak documents 422 for Press deletes (the sandbox's busy-422 variant answers so, not 409): a delete
    # refused while a revision someone else made deploys clears by itself.
    created = provider.create(checked(provider))
    sb.set_transitions("reads", 3)
    press.create_deployment_revision("block", created.id, {"revision": {"notes": "by someone"}})
    sb.add_variant("peak", "busy-422")
    # The delete goes out at once, as if the revision began between the settled read and the delete.
    monkeypatch.setattr(provider, "prepare_delete", lambda step, ident, known: provider.fetch(step, ident, known))
    provider.delete(created.id, created.outs)
    deletes = [r["status"] for r in platform_requests(sb) if r["route"] == "peak.press.delete_deployment"]
    assert deletes[0] == 422 and deletes[-1] < 300
    assert live_objects(sb, "peak", "PressDeployment") == []


def test_a_422_on_a_settled_deployment_is_an_error(sb, provider, monkeypatch):
    created = provider.create(checked(provider))

    def refuse(self, family, deployment_id):
        raise BadRequestError("cannot delete", status=422)

    monkeypatch.setattr(PeakPressClient, "delete_deployment", refuse)
    with pytest.raises(BadRequestError, match="cannot delete"):
        provider.delete(created.id, created.outs)
