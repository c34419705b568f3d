"""Known variants of the platforms' real answers, injectable like faults (see the sandbox's README):
each platform's kinds, plus the generic `omit-field` and `fill-default`."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from providers.sandbox.core.http import Request, Response
from providers.sandbox.core.validation import FieldError, lookup, optional_int, optional_regex, optional_str


@dataclass
class Variant:
    id: str
    platform: str
    variant: str
    routes: str
    field: str | None
    value: Any
    count: int | None


@dataclass(frozen=True)
class VariantKind:
    """What a variant changes: the request before its handler runs (`response` None), or the answer;
    True when it changed it. With the routes (a regex on route names), field and value it defaults to."""

    description: str
    change: Callable[[Variant, Request, Response | None], bool]
    routes: str = ".*"
    field: str | None = None
    value: Any = None


def omit(variant: Variant, request: Request, response: Response | None) -> bool:
    """Leave the dotted `field` out of a 2xx JSON answer (in every item of a list on the way)."""

    def drop(value: Any, path: list[str]) -> bool:
        if isinstance(value, list):
            return any([drop(item, path) for item in value])
        if not isinstance(value, dict) or path[0] not in value:
            return False
        if path[1:]:
            return drop(value[path[0]], path[1:])
        del value[path[0]]
        return True

    return response is not None and 200 <= response.status < 300 and drop(response.body, str(variant.field).split("."))


def fill(variant: Variant, request: Request, response: Response | None) -> bool:
    """Give a JSON request body that lacks the top-level `field` the platform's `value`."""
    document, field = request.json_or_none(), str(variant.field)
    if response is not None or not isinstance(document, dict) or document.get(field) is not None:
        return False
    request.body = json.dumps({**document, field: variant.value}).encode()
    return True


def status_swap(
    description: str, routes: str, old: int, new: int, body: Callable[[Any], Any] = lambda b: b
) -> VariantKind:
    """A kind that answers `new` where the sandbox answers `old` (its body rewritten by `body`)."""

    def swap(variant: Variant, request: Request, response: Response | None) -> bool:
        if response is None or response.status != old:
            return False
        response.status, response.body = new, body(response.body)
        return True

    return VariantKind(description, swap, routes)


GENERIC = {
    "omit-field": VariantKind("an optional field absent from an answer (give routes and field)", omit),
    "fill-default": VariantKind("a default the platform fills when none was sent (give routes, field, value)", fill),
}


class Variants:
    """The armed variants, in the order they were added."""

    def __init__(self, kinds: Mapping[str, Mapping[str, VariantKind]]) -> None:
        self.kinds = {platform: {**GENERIC, **own} for platform, own in kinds.items()}
        self._armed: list[Variant] = []
        self._ids = itertools.count(1)

    def add(self, document: Mapping[str, Any]) -> Variant:
        """Arm a variant described by a control-plane body; FieldError on a bad field."""
        platform, name = optional_str(document, "platform") or "", optional_str(document, "variant") or ""
        if platform not in self.kinds:
            raise FieldError(f"platform must be one of {', '.join(self.kinds)}")
        kind = self.kinds[platform].get(name)
        if kind is None:
            raise FieldError(f"variant must be one of {', '.join(self.kinds[platform])} for {platform}")
        routes, field = optional_regex(document, "routes") or kind.routes, optional_str(document, "field") or kind.field
        if field is None and name in GENERIC:
            raise FieldError(f"field is required for {name}")
        value = lookup(document, "value") if "value" in document else kind.value
        count = optional_int(document, "count", minimum=1)
        self._armed.append(Variant(f"variant-{next(self._ids)}", platform, name, routes, field, value, count))
        return self._armed[-1]

    def apply(self, platform: str, route: str, request: Request, response: Response | None = None) -> None:
        """Let the armed variants change a request before its handler runs, or (`response`) its answer."""
        for variant in [v for v in self._armed if v.platform == platform and re.fullmatch(v.routes, route)]:
            if self.kinds[platform][variant.variant].change(variant, request, response) and variant.count:
                variant.count -= 1
                if variant.count == 0:
                    self._armed.remove(variant)

    def list(self) -> list[dict[str, Any]]:
        return [asdict(variant) for variant in self._armed]

    def known(self) -> dict[str, dict[str, str]]:
        return {
            platform: {name: kind.description for name, kind in own.items()} for platform, own in self.kinds.items()
        }

    def clear(self) -> None:
        self._armed.clear()
