"""The DSS emulator's backend as plain Python: seeds, the code studio state machine, futures, zones."""

from __future__ import annotations

import pytest

from providers.sandbox.core.transitions import Transitions
from providers.sandbox.dataiku.exceptions import Conflict, Forbidden, NotFound, NotRunning, TaskFailed
from providers.sandbox.dataiku.models import DEFAULT_ZONES, SANDBOX_PROJECT, Conflicts, DataikuBackend


@pytest.fixture
def clock():
    # A settable clock: tests move `clock.now` to see lastStateChange follow it.
    moment = type("Moment", (), {"now": 1_700_000_000.0})()
    return moment


@pytest.fixture
def backend(clock):
    return DataikuBackend(Transitions(lambda: clock.now))


def new_studio(backend, name="cs", template="vscode", user="admin"):
    return backend.create_code_studio(user, SANDBOX_PROJECT, {"name": name, "templateId": template})


def start(backend, studio):
    future = backend.restart_code_studio("admin", SANDBOX_PROJECT, studio.id)
    backend.get_future(future.job_id, peek=False)
    return future


def test_seeds_exist_from_the_start_and_come_back_on_reset(backend):
    assert set(backend.state.users) == {"admin", "analyst"} and backend.user("admin").admin
    assert [p.key for p in backend.list_projects()] == [SANDBOX_PROJECT]
    assert [t.id for t in backend.list_templates("admin")] == ["vscode", "jupyterlab"]
    backend.delete_project("admin", SANDBOX_PROJECT, wait=True)
    assert backend.list_projects() == []
    backend.reset()
    assert [p.key for p in backend.list_projects()] == [SANDBOX_PROJECT]


def test_start_and_stop_through_futures(backend, clock):
    studio = new_studio(backend)
    assert studio.state == "STOPPED" and studio.last_state_change == 0 and studio.owner == "admin"
    future = backend.restart_code_studio("admin", SANDBOX_PROJECT, studio.id)
    assert studio.state == "STARTING" and not future.finished()
    clock.now += 1
    polled = backend.get_future(future.job_id, peek=False)
    assert polled.has_result and polled.result == {"state": "RUNNING", "codeStudioId": studio.id}
    assert studio.state == "RUNNING" and list(studio.zones) == list(DEFAULT_ZONES)
    assert studio.last_state_change == 1_700_000_001_000
    assert backend.get_future(future.job_id, peek=False).has_result, "finished futures stay fetchable"

    stop = backend.stop_code_studio("admin", SANDBOX_PROJECT, studio.id)
    assert studio.state == "STOPPING"
    backend.code_studio_status(SANDBOX_PROJECT, studio.id)  # a status read advances the task too
    assert studio.state == "STOPPED" and studio.zones == {} and stop.has_result
    inline = backend.stop_code_studio("admin", SANDBOX_PROJECT, studio.id)
    assert inline.has_result and inline.finished(), "stop of a stopped studio finishes inline"


def test_transitions_in_reads_mode(backend):
    backend.transitions.set("reads", 3)
    studio = new_studio(backend)
    future = backend.restart_code_studio("admin", SANDBOX_PROJECT, studio.id)
    assert not backend.get_future(future.job_id, peek=False).has_result
    assert not backend.get_future(future.job_id, peek=True).has_result
    assert backend.get_future(future.job_id, peek=False).has_result and studio.state == "RUNNING"


def test_busy_studios(backend):
    backend.transitions.set("reads", 10)
    studio = new_studio(backend)
    first = backend.restart_code_studio("admin", SANDBOX_PROJECT, studio.id)
    assert backend.restart_code_studio("admin", SANDBOX_PROJECT, studio.id) is first, "the task under way"
    with pytest.raises(Conflict):
        backend.stop_code_studio("admin", SANDBOX_PROJECT, studio.id)
    with pytest.raises(Conflict):
        backend.delete_code_studio("admin", SANDBOX_PROJECT, studio.id)


def test_failed_and_aborted_tasks(backend):
    studio = new_studio(backend)
    backend.schedule_failure("start", "cs", "quota exceeded")
    future = backend.restart_code_studio("admin", SANDBOX_PROJECT, studio.id)
    with pytest.raises(TaskFailed, match="quota exceeded") as raised:
        backend.get_future(future.job_id, peek=False)
    assert raised.value.status == 500 and studio.state == "STOPPED"
    assert not backend.get_future(future.job_id, peek=True).has_result, "peek answers the state, not the error"
    backend.transitions.set("reads", 10)
    second = backend.restart_code_studio("admin", SANDBOX_PROJECT, studio.id)
    backend.abort_future(second.job_id)
    with pytest.raises(TaskFailed, match="aborted"):
        backend.get_future(second.job_id, peek=False)
    assert studio.state == "STOPPED"


def test_zones_conflicts_pull_and_lost_work(backend):
    studio = new_studio(backend)
    with pytest.raises(NotRunning):
        backend.conflicts(SANDBOX_PROJECT, studio.id, "recipes")
    start(backend, studio)
    backend.put_zone(SANDBOX_PROJECT, "cs", "recipes", ["a.py"], Conflicts(modified=["a.py"], authors=["analyst"]))
    backend.put_zone(SANDBOX_PROJECT, studio.id, "notebooks", ["n.ipynb"], Conflicts())
    found = backend.conflicts(SANDBOX_PROJECT, studio.id, "recipes")
    assert found["recipes"]["modified"] == ["a.py"] and found["recipes"]["authors"] == ["analyst"]
    assert backend.conflicts(SANDBOX_PROJECT, studio.id, "unknown") == {
        "error": f"Zone unknown is not synchronized in code studio {studio.id}"
    }
    assert backend.pull(SANDBOX_PROJECT, studio.id, "notebooks")["notebooks"]["count"] == 1
    assert studio.pulled == {"notebooks": ["n.ipynb"]}
    assert backend.push(SANDBOX_PROJECT, studio.id, "notebooks") == {"count": 1, "size": 1024}
    stop = backend.stop_code_studio("admin", SANDBOX_PROJECT, studio.id)
    backend.get_future(stop.job_id, peek=False)
    assert [(w.zone, w.files) for w in backend.state.lost_work] == [("recipes", ["a.py"])]


def test_owners_and_permissions(backend):
    studio = new_studio(backend, user="analyst")
    assert studio.owner == "analyst"
    backend.change_owner("analyst", SANDBOX_PROJECT, studio.id, "admin")
    with pytest.raises(Forbidden):
        backend.change_owner("analyst", SANDBOX_PROJECT, studio.id, "analyst")
    with pytest.raises(NotFound):
        backend.change_owner("admin", SANDBOX_PROJECT, studio.id, "nobody")
    with pytest.raises(Forbidden):
        backend.list_templates("analyst")
    assert backend.effective_user("admin", "analyst") == "analyst"
    with pytest.raises(Forbidden):
        backend.effective_user("analyst", "admin")


def test_missing_objects_answer_the_configured_status(backend):
    with pytest.raises(NotFound) as raised:
        backend.get_code_studio(SANDBOX_PROJECT, "nope")
    assert raised.value.status == 404
    backend.configure({"not_found_status": 500})
    with pytest.raises(NotFound) as raised:
        backend.get_project("NOPE")
    assert raised.value.status == 500 and raised.value.body()["errorType"].endswith("UnknownObjectException")


def test_project_delete_removes_its_studios(backend):
    new_studio(backend)
    future = backend.delete_project("admin", SANDBOX_PROJECT, wait=False)
    assert not future.finished()
    backend.get_future(future.job_id, peek=False)
    assert backend.state.code_studios == {} and backend.list_projects() == []


def test_dump_and_load(backend):
    studio = new_studio(backend)
    start(backend, studio)
    saved = backend.dump()
    backend.reset()
    backend.load(saved)
    assert backend.get_code_studio(SANDBOX_PROJECT, studio.id).state == "RUNNING"
