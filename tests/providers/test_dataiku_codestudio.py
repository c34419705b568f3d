"""CodeStudioProvider's methods called directly, as the provider host calls them, against the sandbox."""

from __future__ import annotations

import time

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from providers.core import ConflictError, FailedStateError, ProviderError, WaitTimeoutError
from providers.dataiku.client import DataikuClient
from providers.dataiku.code_studio import CodeStudioOutputs, CodeStudioProvider, UnsyncedWorkError
from tests.sandbox.dataiku_support import (
    ADMIN_KEY,
    ANALYST_KEY,
    checked_inputs,
    configure,
    configured,
    dataiku_settings,
    dss_state,
    dss_url,
    fail_next,
    put_zone,
    routes,
    studios,
)

INPUTS = {"project_key": "SANDBOX", "name": "ide one", "template_id": "vscode", "timeout_seconds": 30.0}
ZONES = 8


@pytest.fixture
def provider(sb):
    return configured(CodeStudioProvider(), sb)


@pytest.fixture
def client(sb):
    return DataikuClient.from_settings(dataiku_settings(sb))


def checked(provider, **changes):
    return checked_inputs(provider, INPUTS, **changes)


def ids(created):
    return created.id.split("/")


def test_basic(sb, provider):
    inputs = checked(provider)
    created = provider.create(inputs)
    outs = created.outs
    assert created.id == f"SANDBOX/{outs['code_studio_id']}"
    assert outs["state"] == "RUNNING" and outs["owner"] == "admin" and outs["desired_state"] == "running"
    assert outs["template_label"] == "VS Code" and outs["exposed_ports"] == [8080]
    assert len(outs["synced_zones"]) == ZONES and "code_studio-versioned" in outs["synced_zones"]
    assert outs["lib_name"] and outs["last_state_change"].endswith("Z")
    assert set(outs) == set(inputs) | set(CodeStudioOutputs.field_specs()) | {"__meta"}
    read = provider.read(created.id, outs)
    assert read.id == created.id and read.outs == outs
    assert read.inputs == inputs, "no drift: refreshed inputs equal the stored ones"
    assert provider.diff(created.id, outs, inputs).changes is False
    provider.delete(created.id, outs)
    assert studios(sb) == {}
    provider.delete(created.id, outs)  # gone already is success


def test_create_stopped_never_starts(sb, provider):
    created = provider.create(checked(provider, desired_state="stopped"))
    assert created.outs["state"] == "STOPPED" and created.outs["synced_zones"] == []
    assert created.outs["exposed_ports"] == [] and created.outs["last_state_change"] is None
    assert "restart_code_studio" not in routes(sb)


def test_disappears(sb, provider, client):
    created = provider.create(checked(provider, desired_state="stopped"))
    client.delete_code_studio(*ids(created))
    assert provider.read(created.id, created.outs).id == ""


def test_refresh_shows_a_stop_made_by_hand_and_the_next_update_starts_it(sb, provider, client):
    created = provider.create(checked(provider))
    client.create_code_studio_stop(*ids(created))
    read = provider.read(created.id, created.outs)
    assert read.outs["state"] == "STOPPED" and read.inputs["desired_state"] == "stopped"
    news = checked(provider)
    assert provider.diff(created.id, read.outs, news).changes is True
    updated = provider.update(created.id, read.outs, news)
    assert updated.outs["state"] == "RUNNING"


def test_stop_and_start_in_place(sb, provider):
    created = provider.create(checked(provider))
    put_zone(sb, "ide one", "recipes", changed=["recipes/a.py"])
    stopped_inputs = checked(provider, desired_state="stopped")
    diff = provider.diff(created.id, created.outs, stopped_inputs)
    assert diff.changes is True and diff.replaces == []
    sb.clear_requests()
    stopped = provider.update(created.id, created.outs, stopped_inputs)
    assert stopped.outs["state"] == "STOPPED" and stopped.outs["synced_zones"] == []
    called = routes(sb)
    assert called.count("pull_zone") == ZONES and called.index("stop_code_studio") > max(
        i for i, r in enumerate(called) if r == "pull_zone"
    )
    state = dss_state(sb)
    assert state["lost_work"] == []
    assert state["code_studios"][created.outs["code_studio_id"]]["pulled"] == {"recipes": ["recipes/a.py"]}
    started = provider.update(created.id, stopped.outs, checked(provider))
    assert started.outs["state"] == "RUNNING" and len(started.outs["synced_zones"]) == ZONES


def test_owner_change_in_place(sb, provider):
    created = provider.create(checked(provider))
    news = checked(provider, owner="analyst")
    assert provider.diff(created.id, created.outs, news).replaces == []
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, news)
    assert updated.outs["owner"] == "analyst" and updated.outs["state"] == "RUNNING"
    assert [r for r in routes(sb) if r in ("change_owner", "restart_code_studio", "stop_code_studio")] == [
        "change_owner"
    ]
    assert provider.read(created.id, updated.outs).outs["owner"] == "analyst"


def test_unknown_owner_fails_naming_the_user(sb, provider):
    created = provider.create(checked(provider))
    with pytest.raises(Exception, match="nobody"):
        provider.update(created.id, created.outs, checked(provider, owner="nobody"))


@pytest.mark.parametrize(
    ("field", "value"), [("template_id", "jupyterlab"), ("name", "ide two"), ("project_key", "OTHER")]
)
def test_replace_fields(provider, field, value):
    olds = {**checked(provider), "code_studio_id": "abc"}
    diff = provider.diff("SANDBOX/abc", olds, checked(provider, **{field: value}))
    assert diff.replaces == [field]
    # A replacement keeping project and name deletes (stopping safely) before it creates.
    assert diff.delete_before_replace is (field == "template_id")


def test_replace_on_template_stops_safely_then_creates(sb, provider):
    created = provider.create(checked(provider))
    put_zone(sb, "ide one", "notebooks", changed=["notebooks/n.ipynb"])
    provider.delete(created.id, created.outs)
    replacement = provider.create(checked(provider, template_id="jupyterlab"))
    assert replacement.outs["template_label"] == "JupyterLab" and replacement.outs["exposed_ports"] == [8888]
    assert list(studios(sb)) == ["ide one"] and dss_state(sb)["lost_work"] == []


def test_take_over_a_leftover_with_the_same_definition(sb, provider, client):
    leftover = client.create_code_studio("SANDBOX", "ide one", "vscode")
    sb.clear_requests()
    # Ownership rule: DSS has no place on a code studio for an owner mark, so one found with this name (even
    # from the same template) cannot be told from another stack's or a person's: taken over only when adopted.
    with pytest.raises(ConflictError, match=f"already exists \\(SANDBOX/{leftover.id}\\).*adopt_existing"):
        provider.create(checked(provider))
    assert studios(sb)["ide one"]["state"] == "STOPPED", "refused without touching it"
    created = provider.create(checked(provider, adopt_existing=True))
    assert created.outs["code_studio_id"] == leftover.id and created.outs["state"] == "RUNNING"
    assert "create_code_studio" not in routes(sb)
    assert len(studios(sb)) == 1


def test_adopt_existing(sb, provider, client):
    other = client.create_code_studio("SANDBOX", "ide one", "jupyterlab")
    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider))
    adopted = provider.create(checked(provider, adopt_existing=True))
    assert adopted.outs["code_studio_id"] == other.id and len(studios(sb)) == 1


def test_another_users_code_studio_is_neither_taken_over_nor_given_away_silently(sb, provider):
    analyst = DataikuClient.from_settings(dataiku_settings(sb, ANALYST_KEY))
    hers = analyst.create_code_studio("SANDBOX", "ide one", "vscode")
    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider))
    sb.clear_requests()
    with pytest.raises(ProviderError, match=r"belongs to analyst \(adopted\), not to admin.*owner='analyst'"):
        provider.create(checked(provider, adopt_existing=True, owner="admin"))
    assert not {"change_owner", "restart_code_studio"} & set(routes(sb)), "refused before touching it"
    assert studios(sb)["ide one"]["owner"] == "analyst" and studios(sb)["ide one"]["state"] == "STOPPED"
    adopted = provider.create(checked(provider, adopt_existing=True))
    assert adopted.outs["code_studio_id"] == hers.id and adopted.outs["owner"] == "analyst"


def test_an_owner_given_away_outside_the_stack_is_taken_back_only_once_the_diff_shows_it(sb, provider, client):
    created = provider.create(checked(provider))
    client.update_code_studio_owner(*ids(created), "analyst")
    sb.clear_requests()
    with pytest.raises(ProviderError, match=r"belongs to analyst \(set to them outside this stack\)"):
        provider.update(created.id, created.outs, checked(provider, owner="admin", desired_state="stopped"))
    assert not {"change_owner", "check_conflicts", "pull_zone", "stop_code_studio"} & set(routes(sb))
    assert studios(sb)["ide one"]["owner"] == "analyst" and studios(sb)["ide one"]["state"] == "RUNNING"
    # A refresh records the new owner, and `preview --diff` shows the change back: now it is the user's call.
    read = provider.read(created.id, created.outs)
    news = checked(provider, owner="admin")
    assert read.outs["owner"] == "analyst" and provider.diff(created.id, read.outs, news).changes is True
    assert provider.update(created.id, read.outs, news).outs["owner"] == "admin"


def test_lost_create_answer_never_duplicates(sb, provider):
    sb.add_fault(path="/code-studios/?$", method="POST", status=502, when="after", platform="dataiku")
    created = provider.create(checked(provider))
    assert len(studios(sb)) == 1 and created.outs["state"] == "RUNNING"


def test_lost_start_answer_is_not_sent_again(sb, provider):
    # A second restart of a started studio would throw its work away: the provider looks first.
    sb.add_fault(path="/restart$", method="POST", status=502, when="after", platform="dataiku")
    created = provider.create(checked(provider))
    assert created.outs["state"] == "RUNNING"
    assert routes(sb).count("restart_code_studio") == 1


def test_destroy_with_clean_zones_pulls_them_first(sb, provider):
    created = provider.create(checked(provider))
    put_zone(sb, "ide one", "recipes", changed=["recipes/a.py", "recipes/b.py"])
    put_zone(sb, "ide one", "code_studio-versioned", changed=["src/main.py"])
    sb.clear_requests()
    provider.delete(created.id, created.outs)
    called = routes(sb)
    first_pull, last_pull = called.index("pull_zone"), len(called) - 1 - called[::-1].index("pull_zone")
    assert called.count("check_conflicts") == ZONES and called.count("pull_zone") == ZONES
    assert max(i for i, r in enumerate(called) if r == "check_conflicts") < first_pull
    assert last_pull < called.index("stop_code_studio") < called.index("delete_code_studio")
    assert dss_state(sb)["lost_work"] == [] and studios(sb) == {}


CONFLICTS = {"modified": ["recipes/a.py"], "added": ["recipes/new.py"], "authors": ["analyst"]}


def test_destroy_with_conflicts_fails_listing_the_files_and_leaves_it_running(sb, provider):
    created = provider.create(checked(provider))
    put_zone(sb, "ide one", "recipes", changed=["recipes/a.py"], conflicts=CONFLICTS)
    put_zone(sb, "ide one", "notebooks", changed=["notebooks/n.ipynb"])
    sb.clear_requests()
    with pytest.raises(UnsyncedWorkError) as raised:
        provider.delete(created.id, created.outs)
    message = str(raised.value)
    assert message.startswith(f"deleting Dataiku CodeStudio ({created.id}): stopping the code studio would lose work")
    assert "zone recipes: added: recipes/new.py; modified: recipes/a.py (changed on the DSS side by analyst)" in message
    assert "discard_conflicting_files=True" in message and "left running" in message
    assert not {"pull_zone", "stop_code_studio", "delete_code_studio"} & set(routes(sb))
    assert studios(sb)["ide one"]["state"] == "RUNNING" and dss_state(sb)["lost_work"] == []


def test_destroy_accepting_the_loss_pulls_clean_zones_and_drops_only_the_conflicts(sb, provider):
    created = provider.create(checked(provider, discard_conflicting_files=True))
    put_zone(sb, "ide one", "recipes", changed=["recipes/a.py"], conflicts=CONFLICTS)
    put_zone(sb, "ide one", "notebooks", changed=["notebooks/n.ipynb"])
    sb.clear_requests()
    provider.delete(created.id, created.outs)
    assert routes(sb).count("pull_zone") == ZONES - 1
    lost = dss_state(sb)["lost_work"]
    assert [(item["zone"], item["files"]) for item in lost] == [("recipes", ["recipes/a.py", "recipes/new.py"])]
    assert studios(sb) == {}


def test_stop_in_place_with_conflicts_fails_and_keeps_it_running(sb, provider):
    created = provider.create(checked(provider))
    put_zone(sb, "ide one", "user-versioned", conflicts={"deleted": ["old.txt"], "authors": ["admin"]})
    with pytest.raises(UnsyncedWorkError, match=r"zone user-versioned: deleted: old\.txt"):
        provider.update(created.id, created.outs, checked(provider, desired_state="stopped"))
    assert studios(sb)["ide one"]["state"] == "RUNNING"


def test_a_zone_whose_conflicts_cannot_be_read_blocks_the_stop_unless_discarding(sb, provider):
    created = provider.create(checked(provider))
    put_zone(sb, "ide one", "recipes", changed=["recipes/a.py"])
    # An answer not keyed by the zone asked for says nothing of its conflicts: never "no conflicts".
    sb.add_fault(path="/conflicts/recipes$", method="GET", status=200, body={"other": {}}, platform="dataiku")
    sb.clear_requests()
    with pytest.raises(UnsyncedWorkError, match="zone recipes: its conflicts could not be read"):
        provider.delete(created.id, created.outs)
    assert not {"pull_zone", "stop_code_studio", "delete_code_studio"} & set(routes(sb))
    assert studios(sb)["ide one"]["state"] == "RUNNING" and dss_state(sb)["lost_work"] == []
    accepting = provider.update(created.id, created.outs, checked(provider, discard_conflicting_files=True))
    sb.add_fault(
        path="/conflicts/recipes$", method="GET", status=200, body={"error": "sync failed"}, platform="dataiku"
    )
    sb.clear_requests()
    provider.delete(created.id, accepting.outs)
    assert routes(sb).count("pull_zone") == ZONES - 1 and studios(sb) == {}
    assert [(w["zone"], w["files"]) for w in dss_state(sb)["lost_work"]] == [("recipes", ["recipes/a.py"])]


def test_failed_start_fails_with_the_platform_message_and_leaves_nothing(sb, provider):
    fail_next(sb, "start", "ide one", "No Kubernetes node can host the pod")
    with pytest.raises(FailedStateError, match="No Kubernetes node can host the pod"):
        provider.create(checked(provider))
    assert studios(sb) == {}


def test_failed_stop_fails_with_the_platform_message(sb, provider):
    created = provider.create(checked(provider))
    fail_next(sb, "stop", "ide one", "pod did not terminate")
    with pytest.raises(FailedStateError, match="pod did not terminate"):
        provider.update(created.id, created.outs, checked(provider, desired_state="stopped"))
    assert studios(sb)["ide one"]["state"] == "RUNNING"


def test_futures_finished_inline(sb, provider):
    configure(sb, inline_futures=True)
    created = provider.create(checked(provider))
    assert created.outs["state"] == "RUNNING"
    stopped = provider.update(created.id, created.outs, checked(provider, desired_state="stopped"))
    assert stopped.outs["state"] == "STOPPED"
    assert "get_future" not in routes(sb)


def test_futures_followed_over_several_polls(sb, provider):
    sb.set_transitions("reads", 3, platform="dataiku")
    created = provider.create(checked(provider))
    assert created.outs["state"] == "RUNNING"
    assert routes(sb).count("get_future") >= 2


def test_not_found_answered_as_500_still_means_gone(sb, provider, client):
    created = provider.create(checked(provider, desired_state="stopped"))
    client.delete_code_studio(*ids(created))
    configure(sb, not_found_status=500)
    started = time.monotonic()
    assert provider.read(created.id, created.outs).id == ""
    assert time.monotonic() - started < 2, "a 500 meaning 'missing' is not retried"


def test_missing_answered_as_a_500_saying_it_does_not_exist_is_gone(sb, provider, client):
    # DSS often answers a missing object with a 500 whose message says so, under another exception class.
    created = provider.create(checked(provider, desired_state="stopped"))
    project_key, studio_id = ids(created)
    client.delete_code_studio(project_key, studio_id)
    body = {"errorType": "java.lang.IllegalArgumentException", "message": f"Code studio {studio_id} does not exist"}
    sb.add_fault(path=f"/code-studios/{studio_id}", method="GET", status=500, body=body, count=9, platform="dataiku")
    started = time.monotonic()
    assert provider.read(created.id, created.outs).id == ""
    provider.delete(created.id, created.outs)
    assert time.monotonic() - started < 2, "neither retried to the deadline"


def test_deadline_hit(sb, provider):
    # Ownership rule: a type without a place for an owner mark deletes a new object whose create timed out
    # (the next run could not tell it from another's); the cleanup rides the start and a safe stop to the
    # end, so the tasks here take 2 s (not 60) and the whole create is allowed the cleanup's time.
    sb.set_transitions("seconds", 2, platform="dataiku")
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="timed out after 1s"):
        provider.create(checked(provider, timeout_seconds=1))
    assert time.monotonic() - started < 15
    assert studios(sb) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"project_key": "bad key!"}, "project_key"),
        ({"name": ""}, "name"),
        ({"template_id": ""}, "template_id"),
        ({"desired_state": "paused"}, "desired_state"),
        ({"owner": ""}, "owner"),
        ({"timeout_seconds": -1}, "timeout_seconds"),
        ({"discard_conflicting_files": "maybe"}, "discard_conflicting_files"),
        ({"nmae": "typo"}, "nmae"),
    ],
)
def test_check_failures_name_the_field_and_send_nothing(sb, provider, changes, field):
    sb.clear_requests()
    result = provider.check({}, {**INPUTS, **changes})
    assert [f.property for f in result.failures] == [field]
    assert sb.requests(platform="dataiku") == []


def test_no_credentials_in_outputs_or_errors(sb, provider):
    created = provider.create(checked(provider))
    assert ADMIN_KEY not in repr(created.outs)
    bad = CodeStudioProvider()
    bad.configure(ConfigureRequest(Config({"dataiku:apiKey": "wrong-key-123", "dataiku:url": dss_url(sb)}, "p")))
    with pytest.raises(Exception) as raised:
        bad.read(created.id, created.outs)
    assert "UnauthorizedException" in str(raised.value) and "wrong-key-123" not in str(raised.value)
