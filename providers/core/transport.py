"""HTTP transport shared by every REST client.

One ``requests`` session per thread (the provider host runs its RPCs on worker threads and a
Session is not guaranteed thread-safe), every request through the one retry loop of
``providers.core.retry`` (urllib3 retries nothing itself, so attempts are counted in one place),
timeouts on every call, each path segment quoted, and one table from status to error.

Credentials ride in the session's headers: they are remembered for the one redaction when the
transport is built, never shown by its repr, and a value HTTP cannot carry in a header (a line
break) is a ``ConfigError`` naming the setting it came from, at once, never a retried fault.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from .error_bodies import default_error_cause as default_error_cause
from .errors import ConfigError, Operation, TransportError, error_for_status
from .redaction import clip, remember_all, scrub
from .retry import call_with_retries

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def join_path(*segments: str | int, trailing_slash: bool = False) -> str:
    """'/'-join path segments, each percent-quoted so ids cannot change the route."""
    path = "/" + "/".join(quote(str(segment), safe="") for segment in segments)
    return path + "/" if trailing_slash else path


@dataclass(repr=False)
class HttpTransport:
    """Sends JSON requests to one platform; raises our error tree, never requests' exceptions.

    ``secrets`` are the credential values in ``headers`` (remembered for the one redaction);
    ``header_settings`` names, per header, the setting its value comes from (``peak:apiKey or
    PEAK_AUTH_TOKEN``), for the error when that value cannot be sent; ``platform`` names the
    platform in that error.
    """

    headers: Mapping[str, str]
    secrets: Sequence[str] = ()
    timeout: tuple[float, float] = (5.0, 30.0)
    error_cause: Callable[[requests.Response], str] = default_error_cause
    header_settings: Mapping[str, str] = field(default_factory=dict)
    platform: str = ""
    _local: threading.local = field(default_factory=threading.local, init=False)

    def __post_init__(self) -> None:
        remember_all(self.secrets)

    def __repr__(self) -> str:
        # Header names only: their values are credentials.
        return f"HttpTransport(headers={sorted(self.headers)!r}, timeout={self.timeout!r})"

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            self.check_headers(self.headers)
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
        except requests.exceptions.InvalidHeader:
            # requests refuses a header value before sending; its message quotes the value.
            raise self.header_error(send.get("headers")) from None
        except ValueError as exc:
            if "header" not in str(exc).lower():
                raise
            # http.client's own refusal ("Invalid header value b'...'"), where requests let one by.
            raise self.header_error(send.get("headers")) from None
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
        return scrub(text, self.secrets)

    def check_headers(self, headers: Mapping[str, str | None]) -> None:
        """Raise the ``ConfigError`` of ``header_error`` when a header value cannot be sent."""
        if any(unsendable(value) for value in headers.values()):
            raise self.header_error(headers)

    def header_error(self, extra: Mapping[str, str | None] | None = None) -> ConfigError:
        """The configuration error for a header value HTTP cannot carry, naming its setting, never its value."""
        headers = {**self.headers, **(extra or {})}
        bad = [name for name, value in headers.items() if unsendable(value)] or sorted(self.header_settings)
        settings = self.header_settings
        named = [f"the {name} header (from {settings[name]})" for name in bad if name in settings]
        what = ", ".join(named) or ", ".join(f"the {name} header" for name in bad) or "a header"
        platform = f"{self.platform} provider" if self.platform else "provider"
        return ConfigError(
            f"configuring {platform}: {what} holds a line break or another character HTTP headers cannot "
            f"carry; set the value again without it (a secret store may have added a trailing newline)"
        )


def unsendable(value: str | bytes | None) -> bool:
    """Whether requests or http.client would refuse ``value`` as a header value."""
    if value is None:
        return False
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    if text[:1].isspace():
        return True
    return any((ord(char) < 32 and char != "\t") or ord(char) == 127 for char in text)


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
    return f"{kind} ({clip(detail, 200)})"
