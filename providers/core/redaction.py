"""One redaction path for every message that leaves the provider.

A process-wide set of values never to print: platforms' credentials (remembered when settings are
read and clients built) and ``Secret`` inputs (remembered by the base provider). ``scrub`` replaces
each, in every form a library quotes it in, with ``[redacted]``. Everything that can print goes
through it: ``host.say``, ``ProviderError`` messages, answers that failed validation, reprs, and
(``scrubbed_exceptions``) whatever exception leaves an engine method. ``clip`` scrubs before it
cuts, so a secret cut in half cannot leak.

Values shorter than ``MIN_SECRET_CHARS`` are not remembered: replacing every "true" or "1234" in
messages would garble them, and real credentials are far longer.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET_CHARS = 6
# Lines of a multi-line secret (a PEM key) long enough to be worth hiding on their own.
MIN_LINE_CHARS = 16

_lock = threading.Lock()
_remembered: set[str] = set()
# Every form of every remembered value, longest first; replaced whole under the lock, read without it.
_forms: tuple[str, ...] = ()


def forms_of(value: str) -> set[str]:
    """The value and the forms libraries print it in: stripped, repr-, bytes-repr-, JSON- and URL-escaped."""
    found: set[str] = set()
    for candidate in {value, value.strip()}:
        found.add(candidate)
        found.add(repr(candidate)[1:-1])
        found.add(candidate.encode("unicode_escape").decode("ascii"))
        found.add(repr(candidate.encode("utf-8", "backslashreplace"))[2:-1])
        found.add(json.dumps(candidate)[1:-1])
        found.add(json.dumps(candidate, ensure_ascii=False)[1:-1])
        found.add(quote(candidate, safe=""))
        found.add(quote(candidate))
        found.add(quote_plus(candidate))
    if "\n" in value or "\r" in value:
        found.update(line.strip() for line in value.splitlines() if len(line.strip()) >= MIN_LINE_CHARS)
    return {form for form in found if len(form) >= MIN_SECRET_CHARS}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", "replace")
    elif isinstance(value, Iterable):
        for item in value.values() if isinstance(value, Mapping) else value:
            yield from _strings(item)


def remember(value: Any) -> None:
    """Never print ``value`` (a string, or every string inside a list or mapping) in this process."""
    remember_all((value,))


def remember_all(values: Iterable[Any]) -> None:
    """``remember`` each of ``values``; cheap for values already remembered."""
    global _forms
    new = [s for value in values for s in _strings(value) if len(s.strip()) >= MIN_SECRET_CHARS]
    if not new or all(s in _remembered for s in new):
        return
    with _lock:
        fresh = [s for s in new if s not in _remembered]
        if not fresh:
            return
        _remembered.update(fresh)
        _forms = _longest_first(_forms, fresh)


def _longest_first(forms: Iterable[str], values: Iterable[str]) -> tuple[str, ...]:
    """``forms`` and every form of ``values``, longest first, so no part of a form is replaced before it."""
    combined = {*forms, *(form for value in values for form in forms_of(value))}
    return tuple(sorted(combined, key=lambda form: (-len(form), form)))


def is_remembered(value: str) -> bool:
    return value in _remembered


def scrub(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every remembered value (and each of ``extra``) replaced by ``[redacted]``."""
    if not text:
        return text
    more = [value for value in extra if value and len(value.strip()) >= MIN_SECRET_CHARS]
    for form in _longest_first(_forms, more) if more else _forms:
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def clip(text: str, limit: int, extra: Iterable[str] = ()) -> str:
    """Scrubbed, then cut to ``limit`` characters: a secret the cut would halve is already gone."""
    return scrub(text, extra)[:limit]


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)


def _leaks(exc: BaseException) -> bool:
    return any(scrub(_text(item)) != _text(item) for item in _chain(exc))


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ prints nothing of ours either
        return ""


def scrubbed(exc: BaseException) -> BaseException:
    """``exc`` with nothing remembered left in its message, or a ``ProviderError`` in its place.

    Our own errors are cleaned in place (type and attributes kept); a foreign exception whose
    message holds a secret is rebuilt from scrubbed ``args`` when that cleans it, else replaced
    by a ``ProviderError`` naming its type. Chained exceptions that leak are dropped.
    """
    from .errors import ProviderError

    if not _leaks(exc):
        return exc
    if isinstance(exc, ProviderError):
        exc.cause = scrub(exc.cause)
        exc.args = (str(exc),)
        clean: BaseException = exc
    else:
        with contextlib.suppress(Exception):
            exc.args = tuple(scrub(arg) if isinstance(arg, str) else arg for arg in exc.args)
        text = _text(exc)
        clean = exc if scrub(text) == text else ProviderError(f"{type(exc).__name__}: {scrub(text)}")
    clean.__cause__ = None
    clean.__suppress_context__ = True
    return clean


@contextlib.contextmanager
def scrubbed_exceptions() -> Iterator[None]:
    """Any exception leaving the block (or decorated engine method) leaves without a remembered value in
    its message or chain: the dynamic-provider host prints its traceback on the stderr the engine shows."""
    try:
        yield
    except Exception as exc:
        clean = scrubbed(exc)
        if clean is exc:
            raise
        raise clean from None


def _reset_for_tests() -> None:
    """Forget every remembered value (tests only)."""
    global _forms
    with _lock:
        _remembered.clear()
        _forms = ()
