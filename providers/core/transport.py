"""HTTP transport shared by every REST client.

One ``requests`` session per thread (the provider host runs 4 worker threads and a Session is
not guaranteed thread-safe), retries of idempotent methods only, timeouts on every call, each
path segment quoted, and one table from status to error.
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
from urllib3.util.retry import Retry

from .errors import Operation, RateLimitError, TransportError, error_for_status, redact

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = (429, 500, 502, 503, 504)


class CappedRetry(Retry):
    """urllib3 Retry whose Retry-After wait is capped, so a server cannot stall a deployment."""

    MAX_RETRY_AFTER_SECONDS = 30.0

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, self.MAX_RETRY_AFTER_SECONDS)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_factor: float = 0.5
    backoff_max: float = 8.0

    def build(self) -> Retry:
        # POST and PATCH are left out on purpose: a retried create can duplicate an object.
        # Creates are made safe by looking the object up first instead.
        return CappedRetry(
            total=self.attempts - 1,
            connect=self.attempts - 1,
            read=0,
            status=self.attempts - 1,
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=IDEMPOTENT_METHODS,
            respect_retry_after_header=True,
            raise_on_status=False,
        )


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
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    error_cause: Callable[[requests.Response], str] = default_error_cause
    _local: threading.local = field(default_factory=threading.local, init=False, repr=False)

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=self.retry.build())
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
    ) -> Any:
        """Send one request; return the parsed JSON body ({} when empty), or raise."""
        params = {k: v for k, v in (query or {}).items() if v is not None}
        try:
            response = self.session().request(method, url, params=params, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TransportError(self._clean(f"cannot reach {_origin(url)}: {_reason(exc)}"), operation) from None
        if response.status_code >= 400:
            cause = self._clean(self.error_cause(response))
            error = error_for_status(response.status_code)(
                f"{response.status_code}: {cause}", operation, response.status_code
            )
            if isinstance(error, RateLimitError):
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
