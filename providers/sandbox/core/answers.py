"""Answer profiles, `full` or `documented` (see the sandbox's README), and the shapes documented answers
are pruned to: `True` keeps a value as it is, a dict the keys it names (`"*"`: any other key) each by
its own shape, a one-item list each item of a list."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from providers.sandbox.core.http import Request

PROFILES = ("full", "documented")
Shape = Any
Documented = Mapping[str, Shape | Callable[[Request, Any], Any]]


def keys(names: str, **nested: Shape) -> dict[str, Shape]:
    """A dict shape: the space-separated `names` kept as they are, `nested` keys by their own shape."""
    return {**dict.fromkeys(names.split(), True), **nested}


def prune(value: Any, shape: Shape) -> Any:
    """`value` with only what `shape` declares."""
    if shape is True or value is None:
        return value
    if isinstance(shape, list) and isinstance(value, list):
        return [prune(item, shape[0]) for item in value]
    if isinstance(shape, dict) and isinstance(value, dict):
        return {
            k: prune(v, shape[k] if k in shape else shape["*"]) for k, v in value.items() if k in shape or "*" in shape
        }
    return value


def without_nulls(value: Any) -> Any:
    """`value` with every null-valued key left out, at every depth (as DSS answers)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def documented(table: Documented) -> Callable[[str, Request, Any], Any]:
    """The documented answer of a route, from a platform's table (a test holds every route to be in it)."""

    def answer(route: str, request: Request, body: Any) -> Any:
        shape = table.get(route, True)
        return shape(request, body) if callable(shape) else prune(body, shape)

    return answer


class Answers:
    """The profile in force: one for every platform, or one per platform."""

    def __init__(self, platforms: Iterable[str]) -> None:
        self.names = list(platforms)
        self.default = "full"
        self.platforms: dict[str, str] = {}

    def set(self, profile: str, platform: str | None = None) -> None:
        """Set the profile of one platform, or of all of them; ValueError on an unknown one."""
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
        if platform is not None and platform not in self.names:
            raise ValueError(f"platform must be one of {', '.join(self.names)}")
        if platform is None:
            self.default, self.platforms = profile, {}
        else:
            self.platforms[platform] = profile

    def profile(self, platform: str) -> str:
        return self.platforms.get(platform, self.default)

    def dump(self) -> dict[str, Any]:
        return {"profile": self.default, "platforms": dict(self.platforms)}

    def load(self, data: Mapping[str, Any]) -> None:
        self.default = str(data.get("profile", "full"))
        self.platforms = dict(data.get("platforms", {}))
