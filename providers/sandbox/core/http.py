"""Request and response objects, the one reader of request bodies, and the route table shared by every
emulated platform."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, quote, unquote


class HttpError(Exception):
    """An error answer; the platform that served the request decides how its body looks."""

    status = 500

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(HttpError):
    """400: a request field or parameter has a wrong value; `path` names the field when it is one field
    (and the message starts with it)."""

    status = 400

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path

    @classmethod
    def field(cls, path: str, reason: str) -> BadRequest:
        """A 400 about one field: "<path> <reason>"."""
        return cls(f"{path} {reason}", path)

    @property
    def detail(self) -> dict[str, list[str]]:
        """What is wrong, per field (as ABEJA's `error_detail` shows it)."""
        return {} if self.path is None else {self.path: [self.message.removeprefix(f"{self.path} ")]}


class Forbidden(HttpError):
    status = 403


class NotFound(HttpError):
    status = 404


class Conflict(HttpError):
    status = 409


class Unprocessable(HttpError):
    status = 422


def json_object(body: bytes | str, required: bool = True) -> dict[str, Any]:
    """A request body as a JSON object, or a 400 naming what is wrong with it (`{}` when empty and not
    `required`)."""
    if not body.strip():
        if required:
            raise HttpError("request body is required (a JSON object)", 400)
        return {}
    try:
        document = json.loads(body)
    except ValueError as error:
        raise HttpError(f"request body is not valid JSON: {error}", 400) from None
    if not isinstance(document, dict):
        raise HttpError("request body must be a JSON object", 400)
    return document


def multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """The text fields and the file parts (by field name) of a `multipart/form-data` body, or a 400."""
    if not content_type.startswith("multipart/form-data"):
        raise HttpError("expected a multipart/form-data body", 400)
    if not body:
        raise HttpError("request body is empty", 400)
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise HttpError("multipart body could not be parsed", 400)
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if isinstance(name, str) and part.get_filename() is not None:
            files[name] = data
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8")
    return fields, files


@dataclass
class Request:
    """One HTTP request, parsed from the WSGI environ.

    `path` is the path as sent, still percent-encoded, so that an encoded `/` inside an id stays in
    its segment when routing; path parameters are decoded after the route matched.
    """

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)
    tenant: str | None = None
    in_flight: int | None = None
    """How many platform requests the sandbox was serving when this one arrived, itself included."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> Request:
        """Read method, path, query, headers and the whole body out of a WSGI environ."""
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if raw:
            path = str(raw).split("?", 1)[0]
        else:
            # PEP 3333 hands PATH_INFO over decoded, as latin-1 characters.
            path = quote(str(environ.get("PATH_INFO", "")).encode("latin-1"), safe="/")
        headers = {
            key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items() if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = str(environ["CONTENT_TYPE"])
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        try:
            body = environ["wsgi.input"].read(length) if length > 0 else b""
        except TimeoutError:
            # The announced body never arrived (see server.py); handlers then refuse the empty body.
            body = b""
        return cls(
            method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            path=path or "/",
            query=parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True),
            headers=headers,
            body=body,
        )

    def first(self, name: str) -> str | None:
        """The first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def list_param(self, name: str) -> list[str]:
        """A list-valued query parameter, given as repeated keys, comma-joined, or both."""
        return [item.strip() for value in self.query.get(name, []) for item in value.split(",") if item.strip()]

    def json_or_none(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON (for the request log)."""
        try:
            return json.loads(self.body) if self.body.strip() else None
        except ValueError:
            return None

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object, or a 400 naming what is wrong with it."""
        return json_object(self.body)

    def form(self) -> tuple[dict[str, str], dict[str, bytes]]:
        """A multipart body's text fields and file parts, or a 400."""
        return multipart(self.headers.get("content-type", ""), self.body)

    def authorization(self) -> tuple[str, str]:
        """The `Authorization` header as (scheme in lower case, credentials); Basic credentials come
        decoded (`user:password`), or empty when they do not decode."""
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                value = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                value = ""
        return scheme.lower(), value.strip()

    def tenant_id(self) -> str:
        """The tenant the credential belongs to; only routes that require auth may ask."""
        if self.tenant is None:
            raise RuntimeError(f"route {self.method} {self.path} is served without auth but needs a tenant")
        return self.tenant


@dataclass
class Response:
    """A JSON answer (`body=None` sends an empty body), or `raw` bytes sent as they are with their own
    `Content-Type` among the headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encode(self) -> bytes:
        """The bytes to send."""
        if self.raw is not None:
            return self.raw
        return b"" if self.body is None else json.dumps(self.body).encode("utf-8")

    def header_list(self) -> list[tuple[str, str]]:
        """Every header to send, `Content-Type` and `Content-Length` included."""
        body = self.encode()
        kind = [] if self.raw is not None else [("Content-Type", "application/json")]
        return [*kind, ("Content-Length", str(len(body))), *self.headers.items()]


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    """One entry of a route table: method and path regex (named groups become `request.params`).

    `auth=False` serves the route without a known credential; `request.tenant` is then None
    unless a known one was sent anyway.
    """

    method: str
    pattern: str
    name: str
    handler: Handler
    auth: bool = True

    def match(self, path: str) -> re.Match[str] | None:
        """The match of this route's pattern against the whole path, or None."""
        return re.fullmatch(self.pattern, path)


@dataclass(frozen=True)
class RouteMatch:
    """The outcome of routing: a route with its path parameters, or the status to answer (404/405)."""

    route: Route | None
    params: dict[str, str]
    status: int


class Router:
    """Finds the route for a method and path; tells 'no such path' (404) from 'wrong method' (405)."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def match(self, method: str, path: str) -> RouteMatch:
        """The route serving `method path`, or a RouteMatch carrying 404 or 405."""
        path_known = False
        for route in self.routes:
            found = route.match(path)
            if found is None:
                continue
            path_known = True
            if route.method == method:
                return RouteMatch(route, {name: unquote(value) for name, value in found.groupdict().items()}, 200)
        return RouteMatch(None, {}, 405 if path_known else 404)
