"""HTTP transport shared by every REST client.

One ``requests`` session per thread (the provider host runs its RPCs on worker threads; a Session is not
guaranteed thread-safe); every request through the one retry loop of ``providers.core.retry`` (urllib3
retries nothing itself). A credential HTTP cannot carry in a header (a line break) is a ``ConfigError``
naming its setting, at once, never a retried fault.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar
from urllib.parse import quote

import requests
from urllib3.exceptions import NewConnectionError

from .config import Settings, origin
from .error_bodies import default_error_cause, parse_answer, seconds
from .errors import ConfigError, Operation, TransportError, error_for_status
from .redaction import clip, remember_all, scrub
from .retry import call_with_retries

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

C = TypeVar("C")
T = TypeVar("T")


def join_path(*segments: str | int, trailing_slash: bool = False) -> str:
    """'/'-join path segments, each percent-quoted so ids cannot change the route."""
    path = "/" + "/".join(quote(str(segment), safe="") for segment in segments)
    return path + "/" if trailing_slash else path


@dataclass(repr=False)
class HttpTransport:
    """Sends JSON requests to one platform; raises our error tree, never requests' exceptions.

    ``secrets``: the credential values in ``headers``; ``header_settings`` names each header's setting
    (and ``platform`` the platform) in the error when its value cannot be sent.
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
            if any(unsendable(value) for value in self.headers.values()):
                raise self.header_error()
            # Its adapters retry nothing (requests' default, max_retries=0): retries are the core loop's alone.
            session = requests.Session()
            session.headers.update(self.headers)
            self._local.session = session
        return session

    def request(
        self, operation: Operation, method: str, url: str, *, idempotent: bool | None = None, **send: Any
    ) -> Any:
        """``send_once`` until it succeeds or fails for good; ``idempotent`` defaults by method."""
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        return call_with_retries(operation, lambda: self.send_once(operation, method, url, **send), idempotent=safe)

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
        """One attempt: the parsed JSON body ({} when empty), or an error of our tree; extra keyword
        arguments (``files=``, ``data=``) go to ``requests`` in place of the JSON body."""
        params = {k: v for k, v in (query or {}).items() if v is not None}
        payload = {"json": body} if body is not None or not send else {}
        try:
            response = self.session().request(method, url, params=params, timeout=self.timeout, **payload, **send)
        except ValueError as exc:
            # requests refuses a header value before sending (InvalidHeader), or http.client does where
            # requests let one by ("Invalid header value b'...'"); both messages quote the value.
            if not isinstance(exc, requests.exceptions.InvalidHeader) and "header" not in str(exc).lower():
                raise
            raise self.header_error() from None
        except requests.RequestException as exc:
            reason = f"cannot reach {origin(url)}: {_reason(exc)}"
            raise TransportError(scrub(reason, self.secrets), operation, sent=_was_sent(exc)) from None
        status = response.status_code
        if status >= 400:
            cause = scrub(self.error_cause(response), self.secrets)
            error = error_for_status(status)(f"{status}: {cause}", operation, status)
            error.retry_after = seconds(response.headers.get("Retry-After"))
            raise error
        try:
            return response.json()
        except ValueError:
            return {}  # an empty body, or one that is not JSON

    def header_error(self) -> ConfigError:
        """The configuration error for a header value HTTP cannot carry, naming its setting, never its value."""
        bad = [name for name, value in self.headers.items() if unsendable(value)] or sorted(self.header_settings)
        settings = self.header_settings
        named = [f"the {name} header (from {settings[name]})" for name in bad if name in settings]
        what = ", ".join(named) or ", ".join(f"the {name} header" for name in bad) or "a header"
        platform = f"{self.platform} provider" if self.platform else "provider"
        return ConfigError(
            f"configuring {platform}: {what} holds a line break or another character HTTP headers cannot "
            f"carry; set the value again without it (a secret store may have added a trailing newline)"
        )


class JsonApiClient(Generic[C]):
    """A JSON API client: its connection's credentials remembered for the redaction, sent in ``Authorization``."""

    platform: ClassVar[str]
    connection_type: ClassVar[Any]
    # The cause of an error answer, in the platform's wording.
    _read_error: Callable[[requests.Response], str] = staticmethod(default_error_cause)
    # The ``Authorization`` header's value, the credentials in it, and the settings they come from.
    _authorization: Callable[[], tuple[str, Sequence[str], str]]

    def __init__(self, connection: C, transport: HttpTransport | None = None) -> None:
        self.connection = connection
        authorization, secrets, settings = self._authorization()
        remember_all(secrets)
        self.transport = transport or HttpTransport(
            headers={"Authorization": authorization, "Content-Type": "application/json"},
            secrets=secrets,
            error_cause=self._read_error,
            header_settings={"Authorization": settings},
            platform=self.platform,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(cls.connection_type.from_settings(settings))

    def _op(self, action: str, resource: str, ident: str) -> Operation:
        return Operation(action, self.platform, resource, ident)

    def _call(self, op: Operation, method: str, url: str, **send: Any) -> Any:
        return self.transport.request(op, method, url, **send)

    def _parsed(self, parse: Callable[[Any], T], op: Operation, method: str, url: str, **send: Any) -> T:
        return parse_answer(parse, self._call(op, method, url, **send), op)


def unsendable(value: str | bytes | None) -> bool:
    """Whether requests or http.client would refuse ``value`` as a header value."""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value or "")
    return text[:1].isspace() or any((ord(char) < 32 and char != "\t") or ord(char) == 127 for char in text)


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


def _reason(exc: requests.RequestException) -> str:
    # requests' messages embed whole URLs and pool internals; keep the exception kind and its root cause.
    root: BaseException = exc
    while root.__context__ is not None and root.__context__ is not root:
        root = root.__context__
    detail = str(root).split(": ", 1)[-1] if root is not exc else str(exc)
    return f"{type(exc).__name__} ({clip(detail, 200)})"
