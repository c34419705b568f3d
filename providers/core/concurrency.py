"""Run at the engine's parallelism, not the dynamic-provider host's four threads.

Pulumi's Python dynamic-provider host (``python -m pulumi.dynamic``) serves every RPC of a stack's
dynamic resources from ``grpc.server(ThreadPoolExecutor(max_workers=4))``, whatever
``pulumi up --parallel`` says: N resources that each wait L for readiness take ceil(N/4)·L. When our
package loads inside that host (the first Check unpickles a provider, on one of the pool's worker
threads), we raise the pool's worker limit, so the engine's ``--parallel`` is what limits us.

This rests on a private detail of the SDK (the pool's ``_max_workers`` and its workers' ``_args``):
``tests/meta/test_sdk_canaries.py`` fails loudly when an SDK upgrade changes it, and at run time a
host that does not look as expected is left as it is, with one line saying so.

How many create/read/update/delete calls run at once is capped separately (a platform's rate
limits may call for less): ``MLP_MAX_CONCURRENCY`` in the environment, or the stack config
``mlPlatforms:maxConcurrency`` (read at configure time), default ``DEFAULT_MAX_CONCURRENCY``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

from . import host
from .errors import Operation, WaitTimeoutError
from .waiter import Deadline, progress

DYNAMIC_HOST_MODULE = "pulumi.dynamic.__main__"
SDK_POOL_SIZE = 4
HOST_POOL_SIZE = 256
DEFAULT_MAX_CONCURRENCY = 64
CONFIG_KEY = "mlPlatforms:maxConcurrency"
ENV_KEY = "MLP_MAX_CONCURRENCY"

_state_lock = threading.Lock()
_widened: bool | None = None
_limit = threading.BoundedSemaphore(DEFAULT_MAX_CONCURRENCY)
_limit_size = DEFAULT_MAX_CONCURRENCY


def in_dynamic_provider_host() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == DYNAMIC_HOST_MODULE


def host_executor(thread: threading.Thread) -> Any | None:
    """The ThreadPoolExecutor whose worker ``thread`` is, or None when it is not one."""
    args = getattr(thread, "_args", None)
    if not isinstance(args, tuple) or not args or not callable(args[0]):
        return None
    executor = args[0]()
    if type(executor).__name__ != "ThreadPoolExecutor" or not isinstance(getattr(executor, "_max_workers", None), int):
        return None
    return executor


def widen_host(thread: threading.Thread | None = None, report: Any = None) -> bool:
    """Raise the host pool's worker limit once; True when the host now runs wider than the SDK's 4."""
    global _widened
    with _state_lock:
        if _widened is not None:
            return _widened
        executor = host_executor(thread or threading.current_thread())
        if executor is None or executor._max_workers != SDK_POOL_SIZE:
            found = "no thread pool" if executor is None else f"a pool of {executor._max_workers}"
            (report or host.say)(
                f"pulumi-ml-platforms: the dynamic-provider host does not look as expected ({found}); "
                f"running at its own concurrency"
            )
            _widened = False
            return False
        executor._max_workers = HOST_POOL_SIZE
        _widened = True
        return True


def set_max_concurrency(value: Any) -> None:
    """Cap the remote operations (create, read, update, delete) that run at once in this process."""
    global _limit, _limit_size
    try:
        size = int(str(value))
    except ValueError:
        host.say(f"pulumi-ml-platforms: ignoring {CONFIG_KEY}={value!r}: not a whole number")
        return
    if size < 1:
        host.say(f"pulumi-ml-platforms: ignoring {CONFIG_KEY}={size}: must be at least 1")
        return
    with _state_lock:
        if size != _limit_size:
            _limit, _limit_size = threading.BoundedSemaphore(size), size


def operation_slot() -> threading.BoundedSemaphore:
    """Held around each remote operation: at most the configured number run at once."""
    return _limit


def ensure_host_widened() -> None:
    """Called from every provider method (they run on the host's worker threads): the first call in
    the host widens it and makes it end with the engine (``host.py``); afterwards, and in any other
    process, this costs one comparison."""
    if _widened is None and in_dynamic_provider_host():
        host.follow_engine()
        if os.environ.get(ENV_KEY):
            set_max_concurrency(os.environ[ENV_KEY])
        widen_host()


_keyed_locks: dict[str, threading.Lock] = {}


@contextlib.contextmanager
def one_at_a_time(key: str, deadline: Deadline, operation: Operation, waiting_for: str) -> Iterator[None]:
    """Run the body for one caller per ``key`` at a time in this process, waiting until the deadline.

    For objects a platform lets change only one at a time (an AppConfig environment takes one
    deployment at a time): this run's own resources queue here, in order and without requests,
    instead of each polling the platform and retrying its refused writes. Other processes (another
    stack, another user) still meet the platform's own refusal, which the caller rides out.
    """
    with _state_lock:
        lock = _keyed_locks.setdefault(key, threading.Lock())
    if not lock.acquire(blocking=False):
        progress(f"{operation.describe()}: waiting for {waiting_for}")
        if not lock.acquire(timeout=max(0.0, deadline.remaining())):
            raise WaitTimeoutError(f"timed out after {deadline.seconds:g}s waiting for {waiting_for}", operation)
    try:
        yield
    finally:
        lock.release()
