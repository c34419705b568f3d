"""HTTP transport shared by every REST client.

One ``requests`` session per thread (the provider host runs its RPCs on worker threads and a
Session is not guaranteed thread-safe), every request through the one retry loop of
``providers.core.retry`` (urllib3 retries nothing itself, so attempts are counted in one place),
timeouts on every call, each path segment quoted, and one table from status to error.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from .errors import Operation, TransportError, error_for_status, redact
from .retry import call_with_retries

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def join_path(*segments: str | int, trailing_slash: bool = False) -> str:
    """'/'-join path segments, each percent-quoted so ids cannot change the route."""
    path = "/" + "/".join(quote(str(segment), safe="") for segment in segments)
    return path + "/" if trailing_slash else path


def default_error_cause(response: requests.Response) -> str:
    """Best human cause from an error body: JSON detail/message/error fields, else the text."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] if text else f"HTTP {response.status_code} {response.reason}"
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "errorMessage", "Message"):
            value = body.get(key)
            if value:
                return value if isinstance(value, str) else json.dumps(value)[:300]
    return json.dumps(body)[:300]


@dataclass
class HttpTransport:
    """Sends JSON requests to one platform; raises our error tree, never requests' exceptions."""

    headers: Mapping[str, str]
    secrets: Sequence[str] = ()
    timeout: tuple[float, float] = (5.0, 30.0)
    error_cause: Callable[[requests.Response], str] = default_error_cause
    _local: threading.local = field(default_factory=threading.local, init=False, repr=False)

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update(self.headers)
            self._local.session = session
        return session

    def request(
        self,
        operation: Operation,
        method: str,
        url: str,
        *,
        query: Mapping[str, str | int | Iterable[str]] | None = None,
        body: Any = None,
        idempotent: bool | None = None,
        **send: Any,
    ) -> Any:
        """Send a request until it succeeds or fails for good; return the parsed JSON body ({} when empty).

        ``idempotent`` defaults by method; a POST that is safe to repeat (a search) says so. Extra
        keyword arguments go to ``requests`` (``files=``, ``data=``) in place of the JSON body.
        """
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        return call_with_retries(
            operation, lambda: self.send_once(operation, method, url, query=query, body=body, **send), idempotent=safe
        )

    def send_once(
        self,
        operation: Operation,
        method: str,
        url: str,
        *,
        query: Mapping[str, str | int | Iterable[str]] | None = None,
        body: Any = None,
        **send: Any,
    ) -> Any:
        """One attempt: the parsed JSON body, or an error of our tree."""
        params = {k: v for k, v in (query or {}).items() if v is not None}
        payload = {"json": body} if body is not None or not send else {}
        try:
            response = self.session().request(method, url, params=params, timeout=self.timeout, **payload, **send)
        except requests.RequestException as exc:
            raise TransportError(
                self._clean(f"cannot reach {_origin(url)}: {_reason(exc)}"), operation, sent=_was_sent(exc)
            ) from None
        if response.status_code >= 400:
            cause = self._clean(self.error_cause(response))
            error = error_for_status(response.status_code)(
                f"{response.status_code}: {cause}", operation, response.status_code
            )
            error.retry_after = _seconds(response.headers.get("Retry-After"))
            raise error
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {}

    def _clean(self, text: str) -> str:
        return redact(text, self.secrets)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _was_sent(exc: requests.RequestException) -> bool:
    """False when the connection was never made, so the platform cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    seen: set[int] = set()
    pending: list[Any] = [exc]
    while pending:
        item = pending.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, NewConnectionError | ConnectionRefusedError):
            return False
        if isinstance(item, BaseException):
            # requests wraps urllib3's MaxRetryError, whose `reason` holds the connection failure.
            pending.extend([item.__context__, item.__cause__, getattr(item, "reason", None), *item.args])
    return True


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _reason(exc: requests.RequestException) -> str:
    # requests' messages embed whole URLs and pool internals; keep the exception kind and its root cause.
    root: BaseException = exc
    while root.__context__ is not None and root.__context__ is not root:
        root = root.__context__
    kind = type(exc).__name__
    detail = str(root).split(": ", 1)[-1] if root is not exc else str(exc)
    return f"{kind} ({detail[:200]})"
