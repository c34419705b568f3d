"""The core retry loop and the lifecycle patterns, with fake clocks: no network, no sleeping."""

from __future__ import annotations

import pytest

from providers.core import (
    AuthError,
    ConflictError,
    Deadline,
    NotFoundError,
    Operation,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
    TransportError,
)
from providers.core import retry as retry_module
from providers.core.lifecycle import create_or_take_over, delete_riding_conflicts, retry_conflicts, write_once
from providers.core.retry import (
    MAX_BACKOFF_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    RetryLoop,
    backoff,
    call_with_retries,
    current_deadline,
    is_transient,
    operation_deadline,
)

OP = Operation("creating", "Test", "Thing", "t-1")


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(retry_module.time, "monotonic", fake.clock)
    monkeypatch.setattr(retry_module.time, "sleep", fake.sleep)
    monkeypatch.setattr(retry_module, "progress", lambda _message: None)
    return fake


def failing(*errors, result="ok"):
    queue = list(errors)

    def call():
        if queue:
            raise queue.pop(0)
        return result

    return call


def test_what_is_transient_depends_on_idempotence():
    assert is_transient(RateLimitError("429"), idempotent=False)
    assert is_transient(TransportError("refused", sent=False), idempotent=False)
    assert not is_transient(TransportError("reset", sent=True), idempotent=False)
    assert is_transient(TransportError("reset", sent=True), idempotent=True)
    assert is_transient(ServerError("503"), idempotent=True)
    assert not is_transient(ServerError("503"), idempotent=False)
    for permanent in (AuthError("401"), NotFoundError("404"), ConflictError("409")):
        assert not is_transient(permanent, idempotent=True)


def test_backoff_grows_with_full_jitter_and_a_cap():
    assert backoff(0, lambda: 1.0) == 0.25
    assert backoff(3, lambda: 1.0) == 2.0
    assert backoff(50, lambda: 1.0) == MAX_BACKOFF_SECONDS
    assert 0 < backoff(5, lambda: 0.0) < 0.25


def test_transient_errors_are_retried_until_success(fake_time):
    call = failing(ServerError("503"), TransportError("reset"), RateLimitError("429"))
    assert call_with_retries(OP, call, idempotent=True, deadline=Deadline(fake_time.now + 60, 60)) == "ok"
    assert len(fake_time.sleeps) == 3


def test_retry_after_is_honoured_and_capped(fake_time):
    slow, huge = RateLimitError("429"), ServerError("503")
    slow.retry_after, huge.retry_after = 2.0, 3600.0
    call_with_retries(OP, failing(slow, huge), idempotent=True, deadline=Deadline(fake_time.now + 600, 600))
    assert fake_time.sleeps == [2.0, MAX_RETRY_AFTER_SECONDS]


def test_permanent_errors_fail_at_once(fake_time):
    with pytest.raises(AuthError):
        call_with_retries(OP, failing(AuthError("401: bad key")), idempotent=True)
    assert fake_time.sleeps == []


def test_a_lost_answer_to_a_write_is_an_unknown_outcome(fake_time):
    with pytest.raises(OutcomeUnknownError) as info:
        call_with_retries(OP, failing(ServerError("502: bad gateway")), idempotent=False)
    assert isinstance(info.value.original, ServerError) and fake_time.sleeps == []


def test_giving_up_names_cause_attempts_and_time(fake_time):
    always = ServerError("503: down", OP)

    def call():
        raise always

    with pytest.raises(ServerError) as info:
        call_with_retries(OP, call, idempotent=True, deadline=Deadline(fake_time.now + 10, 10))
    message = str(info.value)
    assert message.startswith("creating Test Thing (t-1): 503: down (gave up after ")
    assert "timeout_seconds 10" in message
    assert fake_time.now - 1000.0 <= 10


def test_operation_deadline_scopes_the_calls_below_it():
    mine = Deadline.after(7)
    with operation_deadline(mine):
        assert current_deadline() is mine
        assert RetryLoop(OP).deadline is mine
    assert current_deadline() is not mine


def test_write_once_looks_again_before_resending(fake_time):
    sent, looked = [], []

    def send():
        sent.append(1)
        if len(sent) == 1:
            raise ServerError("503")
        return "created-2"

    def landed():
        looked.append(1)
        return None

    assert write_once(OP, send, landed, Deadline(fake_time.now + 60, 60)) == "created-2"
    assert len(sent) == 2 and len(looked) == 1


def test_write_once_returns_what_landed_without_resending(fake_time):
    sent = []

    def send():
        sent.append(1)
        raise TransportError("read timeout", sent=True)

    assert write_once(OP, send, lambda: "found-1", Deadline(fake_time.now + 60, 60)) == "found-1"
    assert len(sent) == 1


def test_create_or_take_over_paths(fake_time):
    created = []

    def create():
        created.append(1)
        return "new"

    common = {"ident": lambda obj: obj["id"], "create": create, "deadline": Deadline(fake_time.now + 60, 60)}
    assert create_or_take_over(OP, find=lambda: None, same=lambda _: True, adopt=False, **common) == "new"
    twin = {"id": "old", "same": True}
    assert create_or_take_over(OP, find=lambda: twin, same=lambda o: o["same"], adopt=False, **common) == "old"
    other = {"id": "other", "same": False}
    with pytest.raises(ConflictError, match="adopt_existing"):
        create_or_take_over(OP, find=lambda: other, same=lambda o: o["same"], adopt=False, **common)
    converged = []
    taken = create_or_take_over(
        OP, find=lambda: other, same=lambda o: o["same"], adopt=True, converge=converged.append, **common
    )
    assert taken == "other" and converged == [other]
    discarded = []
    failed = {"id": "broken", "same": True}
    result = create_or_take_over(
        OP,
        find=lambda: failed,
        same=lambda o: o["same"],
        adopt=False,
        failed=lambda o: True,
        discard=discarded.append,
        **common,
    )
    assert result == "new" and discarded == [failed]
    assert len(created) == 2


def test_delete_rides_out_conflicts_and_treats_gone_as_done(fake_time):
    answers = [ConflictError("409 busy"), ConflictError("409 busy"), None]
    waited = []

    def delete():
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    delete_riding_conflicts(
        OP, settle=lambda: "live", delete=delete, wait_gone=lambda: waited.append(1), deadline=Deadline(1e9, 60)
    )
    assert waited == [1] and len(fake_time.sleeps) == 2

    def gone():
        raise NotFoundError("404")

    delete_riding_conflicts(OP, settle=lambda: "live", delete=gone, wait_gone=lambda: waited.append(2))
    assert waited == [1]


def test_retry_conflicts_queues_behind_a_busy_object(fake_time):
    settled = []
    call = failing(ConflictError("409 a deployment is in progress"), result="started")
    assert retry_conflicts(OP, call, settle=lambda: settled.append(1), deadline=Deadline(1e9, 60)) == "started"
    assert settled == [1]
