"""How objects in a transitional state (creating, deploying, deleting...) reach their target state.

A write that starts asynchronous work gives the object a `Transition` to its target (a status, or
None for "removed"). Reads advance it: a backend calls `Transitions.reached()` each time a client
reads the object (describe, list), and applies the target when it says so. Writes never advance.

Modes, global or per platform:
- `immediate`: the next read sees the target;
- `reads` N: the Nth read after the change sees the target;
- `seconds` S: reads made S seconds or more after the change see the target.

A transition keeps the mode it started with, so changing the mode affects later changes only.
"""

from __future__ import annotations

from typing import Any, Literal, cast, get_args

from pydantic import BaseModel

from providers.sandbox.core.clock import Clock, system_clock

Mode = Literal["immediate", "reads", "seconds"]
MODES: tuple[str, ...] = get_args(Mode)


class Transition(BaseModel):
    """A pending change of state; `error` is the failure message to record when the target is a failure."""

    target: str | None
    error: str | None = None
    reads_left: int | None = None
    due_at: float | None = None
    """Epoch seconds, so a pending transition survives a restart of the sandbox."""

    def read(self, now: float) -> bool:
        """Count one read; True when this read sees the target."""
        if self.due_at is not None:
            return now >= self.due_at
        self.reads_left = (self.reads_left or 1) - 1
        return self.reads_left <= 0


class TransitionMode(BaseModel):
    """A mode and its value (N reads or S seconds; ignored for `immediate`)."""

    mode: Mode = "immediate"
    value: float = 0


class Transitions:
    """The transition modes in force (a default and per-platform overrides) and the clock."""

    def __init__(self, clock: Clock = system_clock) -> None:
        self.clock = clock
        self.default = TransitionMode()
        self.platforms: dict[str, TransitionMode] = {}

    def set(self, mode: str, value: float = 0, platform: str | None = None) -> None:
        """Set the mode for one platform, or the default; ValueError on a bad mode or value."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError("value must be a number >= 0")
        if mode == "reads" and (value < 1 or value != int(value)):
            raise ValueError("value must be a whole number of reads >= 1 for mode 'reads'")
        chosen = TransitionMode(mode=cast(Mode, mode), value=value)
        if platform is None:
            self.default = chosen
        else:
            self.platforms[platform] = chosen

    def mode_for(self, platform: str) -> TransitionMode:
        """The mode that applies to a platform."""
        return self.platforms.get(platform, self.default)

    def start(self, platform: str, target: str | None, error: str | None = None) -> Transition:
        """A new transition to `target` under the platform's current mode."""
        chosen = self.mode_for(platform)
        if chosen.mode == "seconds":
            return Transition(target=target, error=error, due_at=self.clock() + chosen.value)
        reads = int(chosen.value) if chosen.mode == "reads" else 1
        return Transition(target=target, error=error, reads_left=reads)

    def reached(self, transition: Transition) -> bool:
        """Count a read of an object with this transition; True when the read sees the target."""
        return transition.read(self.clock())

    def reset(self) -> None:
        """Back to `immediate` everywhere."""
        self.default = TransitionMode()
        self.platforms.clear()

    def dump(self) -> dict[str, Any]:
        """The modes as JSON-ready data."""
        return {
            **self.default.model_dump(),
            "platforms": {name: mode.model_dump() for name, mode in self.platforms.items()},
        }

    def load(self, data: dict[str, Any]) -> None:
        """Restore modes saved by `dump`."""
        self.default = TransitionMode.model_validate({k: v for k, v in data.items() if k != "platforms"})
        self.platforms = {name: TransitionMode.model_validate(mode) for name, mode in data.get("platforms", {}).items()}
