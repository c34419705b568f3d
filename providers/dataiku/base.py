"""What every Dataiku DSS resource's provider shares: the platform, its client, and DSS's futures.

A DSS task (a code studio's start or stop, a template's build) answers a future: finished inline
(``hasResult``, no ``jobId``) or running (``jobId``, polled). DSS's own client polls it forever;
here it is followed within the step's deadline, and a task that failed, was aborted, or that DSS
no longer knows fails the step with DSS's reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..core.errors import FailedStateError
from ..core.lifecycle import ArgsT, WireT
from ..core.provider import PlatformProvider
from ..core.step import Step
from ..core.waiter import WaitFor

if TYPE_CHECKING:
    # Loaded by `client_class` when a request is due, never in a program or a preview.
    from .client import DataikuClient
    from .models import FutureState


class DataikuProvider(PlatformProvider[ArgsT, "DataikuClient", WireT]):
    platform = "Dataiku"
    client_class = "providers.dataiku.client:DataikuClient"
    # DSS creates a code studio stopped and a template unbuilt: a new object is brought to the inputs
    # (started, its owner set; its settings saved and built) as one taken over is.
    converge_new = True


def iso_millis(millis: int | None) -> str | None:
    """DSS's timestamps (ms since the epoch; 0 or missing means never) as ISO-8601 UTC."""
    if not millis or millis <= 0:
        return None
    return datetime.fromtimestamp(millis / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def follow(step: Step[DataikuClient], future: FutureState) -> Any:
    """A DSS task's result, followed to the end within the step's deadline."""
    if future.has_result:
        return future.result
    if not (job_id := future.job_id):
        raise FailedStateError("DSS answered neither a task id nor a result", step.operation)

    def state_of(current: FutureState | None) -> str:
        if current is None:
            return "GONE"
        return "DONE" if current.has_result else ("RUNNING" if current.alive is not False else "ENDED")

    finished = WaitFor(
        step.operation,
        f"DSS task {job_id}",
        lambda: step.client.get_future(job_id, step.operation),
        lambda current: current is not None and current.has_result,
        state_of,
        lambda current: "the task disappeared" if current is None else current.dead_without_result(),
    ).run(step.deadline)
    return finished.result if finished else None
