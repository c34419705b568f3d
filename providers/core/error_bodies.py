"""Reading what a platform answered: an error body's cause, its retry-after, answers that fail validation, pages.

Each client passes ``error_cause`` only its platform's wording (which fields of an error object make
the message). Every cause is redacted before it is cut short (``redaction.clip``), so a credential cut
in half by the cut cannot leak; ``parse_answer`` never shows pydantic's text (which quotes the answer).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Any, TypeVar

from .errors import AnswerError, Operation
from .redaction import clip

T = TypeVar("T")

MAX_CAUSE_CHARS = 300
# A platform's own message (its wording) may run longer than a body quoted as a fallback.
MAX_MESSAGE_CHARS = 1000
MAX_VALIDATION_ERRORS = 3
MAX_PAGES = 1000

Wording = Callable[[Mapping[str, Any]], str | None]


def error_cause(response: Any, wording: Wording) -> str:
    """The cause of an error answer: ``wording`` of its JSON object; else the body's text (a proxy's
    HTML page), the JSON value (a bare list), or the status line when the body is empty; redacted, then cut."""
    try:
        body = response.json()
    except ValueError:
        reason = getattr(response, "reason", None)
        status = f"HTTP {response.status_code} {reason}" if reason else f"HTTP {response.status_code}"
        return clip((response.text or "").strip(), MAX_CAUSE_CHARS) or status
    worded = wording(body) if isinstance(body, dict) else None
    return clip(worded or "", MAX_MESSAGE_CHARS) or clip(str(body), MAX_CAUSE_CHARS)


def common_wording(body: Mapping[str, Any]) -> str | None:
    """The message of the usual fields (detail, message, error...), for a platform without its own."""
    for key in ("detail", "message", "error", "errorMessage", "Message"):
        value = body.get(key)
        if value:
            return value if isinstance(value, str) else json.dumps(value)
    return None


default_error_cause = partial(error_cause, wording=common_wording)


def parse_answer(parse: Callable[[Any], T], answer: Any, operation: Operation) -> T:
    """``parse(answer)`` (a wire model's ``model_validate``), with a failed validation raised as
    ``AnswerError``: the fields and what was wrong with them, never the values the answer held."""
    # pydantic_core's, which pydantic re-exports: importing it costs nothing once a wire model is loaded.
    from pydantic_core import ValidationError

    try:
        return parse(answer)
    except ValidationError as exc:
        raise AnswerError(describe_validation(exc), operation) from None


def parse_each(parse: Callable[[Any], T], items: Iterable[Any], operation: Operation) -> Iterator[T]:
    """``parse_answer`` of every item of a list answer, one by one as they are used."""
    return (parse_answer(parse, item, operation) for item in items)


def describe_validation(exc: Any) -> str:
    """A short account of a pydantic ``ValidationError`` without the input values it quotes."""
    problems = exc.errors(include_url=False, include_input=False, include_context=False)
    shown = [
        f"{'.'.join(str(part) for part in problem.get('loc', ())) or '(answer)'}: {problem.get('msg', '')}"
        for problem in problems[:MAX_VALIDATION_ERRORS]
    ]
    more = len(problems) - len(shown)
    text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return clip(f"the answer is not what the platform documents: {text}", MAX_CAUSE_CHARS)


def seconds(value: Any, per_second: float = 1.0) -> float | None:
    """A retry-after header's wait; None when unset or not a number (an HTTP date: our own backoff applies)."""
    try:
        return max(0.0, float(value) / per_second) if value is not None else None
    except ValueError:
        return None


def pages(fetch: Callable[[Any], tuple[Iterable[T], Any]], first: Any = None) -> Iterator[T]:
    """Every item of a paged list, at most ``MAX_PAGES`` pages: ``fetch(cursor)`` answers a page's
    items and the next page's cursor (a page number or token; falsy after the last page)."""
    cursor = first
    for _ in range(MAX_PAGES):
        items, cursor = fetch(cursor)
        yield from items
        if not cursor:
            return
