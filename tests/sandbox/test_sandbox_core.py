"""The generic parts every emulator reuses: transitions, field readers, routing, faults, state file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.sandbox.core.clock import utc_iso
from providers.sandbox.core.faults import Faults
from providers.sandbox.core.http import HttpError, Request, Response, Route, Router
from providers.sandbox.core.persistence import StateFile
from providers.sandbox.core.transitions import Transitions
from providers.sandbox.core.validation import FieldError, lookup, optional_int


def test_immediate_transition_lands_on_the_first_read() -> None:
    transition = Transitions().start("peak", "AVAILABLE")

    assert transition.read(0) is True


def test_reads_transition_counts_reads() -> None:
    transitions = Transitions()
    transitions.set("reads", 3)
    transition = transitions.start("peak", "AVAILABLE")

    assert [transitions.reached(transition) for _ in range(3)] == [False, False, True]


def test_seconds_transition_stores_an_absolute_due_time() -> None:
    transitions = Transitions(clock=lambda: 100.0)
    transitions.set("seconds", 2.5)

    assert transitions.start("peak", None).due_at == 102.5


@pytest.mark.parametrize(
    ("mode", "value", "message"),
    [
        ("later", 1, "mode must be one of immediate, reads, seconds"),
        ("reads", 0, "value must be a whole number of reads >= 1"),
        ("reads", 1.5, "value must be a whole number of reads >= 1"),
        ("seconds", -1, "value must be a number >= 0"),
        ("seconds", True, "value must be a number >= 0"),
    ],
)
def test_transition_modes_are_validated(mode: str, value: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Transitions().set(mode, value)


def test_transition_modes_round_trip_and_reset() -> None:
    transitions = Transitions()
    transitions.set("reads", 2)
    transitions.set("seconds", 1, platform="peak")

    restored = Transitions()
    restored.load(json.loads(json.dumps(transitions.dump())))

    assert restored.dump() == {
        "mode": "reads",
        "value": 2,
        "platforms": {"peak": {"mode": "seconds", "value": 1}},
    }
    restored.reset()
    assert restored.dump() == {"mode": "immediate", "value": 0, "platforms": {}}


def test_lookup_treats_null_as_absent_and_names_a_bad_parent() -> None:
    assert lookup({"a": None}, "a.b") is None
    with pytest.raises(FieldError, match=r"^a\.b must be an object$"):
        lookup({"a": {"b": 3}}, "a.b.c")


def test_field_errors_are_400s() -> None:
    with pytest.raises(HttpError) as caught:
        optional_int({"n": "1"}, "n")

    assert (caught.value.status, caught.value.message) == (400, "n must be an integer")


def test_router_tells_unknown_paths_from_wrong_methods() -> None:
    def ok(request: Request) -> Response:
        return Response(200)

    router = Router([Route("GET", r"/items/(?P<item>[^/]+)", "items.get", ok)])

    found = router.match("GET", "/items/a")
    assert (found.route is not None, found.params) == (True, {"item": "a"})
    assert router.match("DELETE", "/items/a").status == 405
    assert router.match("GET", "/items/a/b").status == 404


def test_request_list_params_accept_repeated_and_comma_joined_values() -> None:
    request = Request("GET", "/", query={"status": ["A,B", "C", ""]})

    assert request.list_param("status") == ["A", "B", "C"]


def test_faults_are_used_up_in_order() -> None:
    faults = Faults()
    faults.add({"path": "/items", "method": "post", "count": 2})
    faults.add({"path": "/items"})

    taken = [faults.take("POST", "/x/items") for _ in range(3)]

    assert [fault.id if fault else None for fault in taken] == ["fault-1", "fault-1", "fault-2"]
    assert faults.take("GET", "/x/items") is None


def test_state_file_is_written_atomically_and_only_on_change(tmp_path: Path) -> None:
    path = tmp_path / "state" / "sandbox.json"
    state_file = StateFile(path)

    state_file.save({"a": 1})
    first = path.stat().st_mtime_ns
    state_file.save({"a": 1})

    assert path.stat().st_mtime_ns == first
    assert StateFile(path).load() == {"a": 1}
    assert [p.name for p in path.parent.iterdir()] == ["sandbox.json"]


def test_utc_iso_has_milliseconds_and_z() -> None:
    assert utc_iso(0.1234) == "1970-01-01T00:00:00.123Z"
