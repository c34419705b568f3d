"""Page-number paging: `pageNumber` (from 1) and `pageSize` in, one page and its counts out, in an
envelope whose list and count keys each platform names itself."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from providers.sandbox.core.http import HttpError, Request

Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of items and the counts that go with it."""

    items: list[Item]
    total: int
    page_count: int
    page_number: int
    page_size: int

    def envelope(self, items: list[Any], keys: Iterable[str], counts: Iterable[str] = ()) -> dict[str, Any]:
        """The list answer: the (rendered) items under every list key, the total under every count key."""
        body: dict[str, Any] = dict.fromkeys(keys, items)
        body.update(dict.fromkeys(counts, self.total))
        body.update(pageCount=self.page_count, pageNumber=self.page_number, pageSize=self.page_size)
        return body


def paginate(items: Sequence[Item], page_number: int, page_size: int) -> Page[Item]:
    """Page `page_number` of `items`, `page_size` a page; an empty list has zero pages."""
    start = (page_number - 1) * page_size
    return Page(
        list(items[start : start + page_size]), len(items), math.ceil(len(items) / page_size), page_number, page_size
    )


def page_param(request: Request, name: str, default: int) -> int:
    """A positive integer query parameter (`pageSize`, `pageNumber`), or a 400."""
    value = request.first(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise HttpError(f"{name} must be an integer >= 1", 400)
    return int(value)
