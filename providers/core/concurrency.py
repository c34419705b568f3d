"""Run at the engine's parallelism, not the dynamic-provider host's four threads.

Pulumi's Python dynamic-provider host (``python -m pulumi.dynamic``) serves every RPC from
``grpc.server(ThreadPoolExecutor(max_workers=4))``, whatever ``pulumi up --parallel`` says: N resources
that each wait L for readiness take ceil(N/4)·L. Once our package loads in that host (the first Check
unpickles a provider on a pool worker), we raise the pool's worker limit: ``--parallel`` limits us.

This rests on a private detail of the SDK (the pool's ``_max_workers`` and its workers' ``_args``):
``tests/meta/test_sdk_canaries.py`` fails loudly when an SDK upgrade changes it, and at run time a
host that does not look as expected is left as it is, with one line saying so.

Here too: the cap on remote operations that run at once in this process (a platform's rate limits may
call for less than the engine's parallelism: ``MLP_MAX_CONCURRENCY`` or, at configure time, the stack
config's ``mlPlatforms:maxConcurrency``), and keyed turns (``turns.one_at_a_time``, re-exported).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from . import host
from .turns import one_at_a_time as one_at_a_time

DEFAULT_MAX_CONCURRENCY = 64
CONFIG_KEY = "mlPlatforms:maxConcurrency"
ENV_KEY = "MLP_MAX_CONCURRENCY"
DYNAMIC_HOST_MODULE = "pulumi.dynamic.__main__"
SDK_POOL_SIZE = 4
HOST_POOL_SIZE = 256

_lock = threading.Lock()
_limit = threading.BoundedSemaphore(DEFAULT_MAX_CONCURRENCY)
_limit_size = DEFAULT_MAX_CONCURRENCY
_widened: bool | None = None


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
    with _lock:
        if size != _limit_size:
            _limit, _limit_size = threading.BoundedSemaphore(size), size


def operation_slot() -> threading.BoundedSemaphore:
    """Held around each remote operation: at most the configured number run at once."""
    return _limit


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
    with _lock:
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


def ensure_host_widened() -> None:
    """Called from provider methods: the first call in the host widens it and makes it end with the
    engine (``host.py``); afterwards, and in any other process, this costs one comparison."""
    if _widened is None and in_dynamic_provider_host():
        host.follow_engine()
        if os.environ.get(ENV_KEY):
            set_max_concurrency(os.environ[ENV_KEY])
        widen_host()
