"""The waiter's schedule, deadline and failure handling, on a fake clock."""

from __future__ import annotations

import pytest

from providers.core import Deadline, FailedStateError, Operation, WaitFor, WaitTimeoutError
from providers.core.waiter import MAX_DELAY, next_delay, next_poll_offset

OP = Operation("creating", "Peak", "Service", "api-one")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def waiter(states, clock, lines, failure=lambda s: None):
    it = iter(states)
    return WaitFor(
        OP,
        "AVAILABLE",
        lambda: next(it),
        lambda s: s == "AVAILABLE",
        lambda s: s or "GONE",
        failure,
        sleep=clock.sleep,
        clock=clock,
        report=lines.append,
    )


def test_done_at_once_never_sleeps():
    clock, lines = FakeClock(), []
    assert waiter(["AVAILABLE"], clock, lines).run(Deadline.after(10, clock)) == "AVAILABLE"
    assert clock.sleeps == [] and lines == []


def test_delays_grow_with_elapsed_time_and_are_capped():
    assert next_delay(0, 100) == pytest.approx(0.25)
    slot = next_poll_offset(20)
    assert 1.5 <= next_poll_offset(slot) - slot <= 2.5  # a tenth of the time waited
    slot = next_poll_offset(10_000)
    assert next_poll_offset(slot) - slot == pytest.approx(MAX_DELAY)
    assert next_delay(50, 0.3) == pytest.approx(0.3)  # never sleeps past the deadline


def polls_for(wait_seconds: float, answer_seconds: float) -> int:
    """Polls a WaitFor sends for an object ready after wait_seconds, when each answer takes answer_seconds."""
    clock, lines = FakeClock(), []
    ready_at = clock.now + wait_seconds
    polls = []

    def fetch():
        polls.append(clock.now)
        clock.now += answer_seconds
        return "AVAILABLE" if clock.now >= ready_at else "CREATING"

    WaitFor(
        OP,
        "AVAILABLE",
        fetch,
        lambda s: s == "AVAILABLE",
        lambda s: s,
        sleep=clock.sleep,
        clock=clock,
        report=lines.append,
    ).run(Deadline.after(3600, clock))
    return len(polls)


@pytest.mark.parametrize("wait_seconds", [1.0, 30.0, 600.0])
def test_polls_depend_on_how_long_the_object_takes_not_on_how_long_answers_take(wait_seconds):
    # Slots are fixed offsets from the wait's start: slower answers (a loaded platform, a busy
    # machine) do not change how many polls a wait costs, as long as they are shorter than a slot.
    quick, slow = polls_for(wait_seconds, 0.001), polls_for(wait_seconds, 0.04)
    assert abs(quick - slow) <= 1
    assert polls_for(600.0, 0.001) <= 120  # a ten-minute readiness wait costs a bounded number of polls


def test_progress_names_resource_and_state_on_each_change():
    clock, lines = FakeClock(), []
    waiter(["CREATING", "CREATING", "DEPLOYING", "AVAILABLE"], clock, lines).run(Deadline.after(60, clock))
    assert len(lines) == 2
    assert lines[0].startswith("creating Peak Service (api-one): waiting for AVAILABLE, status CREATING")
    assert "status DEPLOYING" in lines[1]


def test_deadline_raises_with_last_status():
    clock, lines = FakeClock(), []
    with pytest.raises(WaitTimeoutError) as info:
        waiter(["CREATING"] * 10_000, clock, lines).run(Deadline.after(5, clock))
    assert str(info.value) == (
        "creating Peak Service (api-one): timed out after 5s waiting for AVAILABLE; last status CREATING"
    )
    assert clock.now - 100.0 == pytest.approx(5, abs=0.01)


def test_failed_state_raises_with_platform_reason():
    clock, lines = FakeClock(), []
    failure = lambda s: "image pull failed" if s == "CREATE_FAILED" else None  # noqa: E731
    with pytest.raises(FailedStateError) as info:
        waiter(["CREATING", "CREATE_FAILED"], clock, lines, failure).run(Deadline.after(60, clock))
    assert str(info.value) == "creating Peak Service (api-one): CREATE_FAILED: image pull failed"


def test_the_next_slot_is_always_strictly_ahead_even_on_slot_boundaries():
    slot = 0.0
    for _ in range(400):  # through the growing slots into the steady ten-second ones
        following = next_poll_offset(slot)
        assert following > slot
        slot = following
    assert slot > 3000
