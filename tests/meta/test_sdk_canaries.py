"""Canaries: private details of the Pulumi SDK that our code rests on. When an SDK upgrade changes
one, these fail loudly, before users see a slower (or broken) provider."""

from __future__ import annotations

import importlib.util
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from providers.core import concurrency


@pytest.fixture
def fresh_state(monkeypatch):
    monkeypatch.setattr(concurrency, "_widened", None)


def test_the_dynamic_provider_host_still_serves_from_a_pool_of_four():
    spec = importlib.util.find_spec("pulumi.dynamic.__main__")
    assert spec is not None and spec.origin
    source = Path(spec.origin).read_text()
    assert "futures.ThreadPoolExecutor(max_workers=4)" in source, "the host's pool changed: review concurrency.py"
    assert spec.name == concurrency.DYNAMIC_HOST_MODULE


def test_a_pool_of_four_is_widened_from_one_of_its_workers(fresh_state):
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        assert pool.submit(lambda: concurrency.widen_host()).result(timeout=5) is True
        assert pool._max_workers == concurrency.HOST_POOL_SIZE
        # The widened pool really runs more than four tasks at once.
        barrier = threading.Barrier(10, timeout=5)
        results = [pool.submit(barrier.wait) for _ in range(10)]
        assert sorted(r.result(timeout=10) for r in results) == list(range(10))
    finally:
        pool.shutdown(wait=False)


def test_a_host_that_does_not_look_as_expected_is_left_alone_and_said_once(fresh_state):
    said = []
    odd = ThreadPoolExecutor(max_workers=3)
    try:
        assert odd.submit(lambda: concurrency.widen_host(report=said.append)).result(timeout=5) is False
        assert odd._max_workers == 3
        assert concurrency.widen_host(report=said.append) is False
        assert len(said) == 1 and "a pool of 3" in said[0]
    finally:
        odd.shutdown(wait=False)


def test_outside_the_host_nothing_is_touched(fresh_state):
    concurrency.ensure_host_widened()
    assert concurrency._widened is None
