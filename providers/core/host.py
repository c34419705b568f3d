"""Inside Pulumi's dynamic-provider host, end when the engine is gone.

The engine starts each plugin in a process group of its own and ends it, when done, with SIGINT
(then SIGKILL 5 seconds later). When the CLI itself is killed (a CI job's timeout, a `kill -9`),
nobody ends the Python host: it outlives the CLI, and an operation it was running keeps writing to
the platform while the next run starts, which may then race it. The engine holds the write end of
the host's stdin pipe and never writes to it, so end-of-file there means the engine is gone: the host
exits at once, leaving what a killed host leaves, which the next run takes over by name. Set up once,
when our package first runs inside the host (``concurrency.ensure_host_widened``).

``say`` is the provider's one printer: every progress line goes through it and the one redaction.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import threading
from collections.abc import Callable

from .redaction import scrub

# The host's exit status when the engine went away without ending it.
ENGINE_GONE_STATUS = 1

_lock = threading.Lock()
_followed = False


def follow_engine(stdin_fd: int = 0, exit_process: Callable[[int], object] = os._exit) -> None:
    """Exit this process when the engine's end of ``stdin_fd`` closes; the first call only.

    A stdin that is not a pipe (a terminal, /dev/null: the host started by hand) is left alone.
    """
    global _followed
    with _lock:
        if _followed:
            return
        _followed = True
    with contextlib.suppress(OSError):  # a stdin that cannot be looked at is not followed either
        if stat.S_ISFIFO(os.fstat(stdin_fd).st_mode):
            threading.Thread(
                target=_watch, args=(stdin_fd, exit_process), name="pulumi-ml-platforms-engine-watch", daemon=True
            ).start()


def _watch(stdin_fd: int, exit_process: Callable[[int], object]) -> None:
    try:
        while os.read(stdin_fd, 4096):
            pass
    except OSError:
        return  # not a pipe we can follow after all
    say("pulumi-ml-platforms: the Pulumi engine is gone; ending the provider host")
    exit_process(ENGINE_GONE_STATUS)


def say(message: str) -> None:
    """One line on the host's stderr, which the engine shows (during `up`, as the resource's
    progress), credentials and secret inputs redacted; nothing if the engine has gone."""
    with contextlib.suppress(OSError, ValueError):
        print(scrub(message), file=sys.stderr, flush=True)
