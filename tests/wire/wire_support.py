"""The wire-conformance tier's machinery: one operation sent through an official SDK and through our
client against the same freshly reset sandbox, and the two requests compared.

What was sent is read from the sandbox's request log (method, path, query, JSON body, route, status).
The log never keeps headers (they carry credentials), so a recording proxy in front of the sandbox
adds what only headers and raw bodies show: the auth scheme, the header names, and the field names
of a multipart or form body. It reduces each request to those shapes as it arrives and keeps no
header value and no body: nothing a credential could leak through.

Both sides run a list of named operations in the same order, each announced by a marker to the
proxy, so every logged request is attributed to the operation that sent it. A test then compares,
request by request: method, path, query keys and values, body kind and keys (multipart field names
for multipart), auth scheme and, where a platform carries fields in headers, the header names.
Where we differ on purpose the case names the difference and why (`Differ`), and the test asserts
exactly that difference, so it fails if the difference changes or goes away.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import inspect
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.harness import SIDE_ROUTES

ABSENT = "<absent>"
PRESENT = "<present>"
MARK_PREFIX = "/__wire__/mark/"
END = "~end"
SDK_SCRIPTS = Path(__file__).parent / "sdk_scripts"
# Requests the official SDK makes on its own, not for the operation (peak-sdk's session start-up
# and telemetry): never compared. The request log names them by route (tests/harness.py).
SIDE_PATH_SUFFIXES = (
    "/tenant-management/api/v1/external/tenants/tenant-metadata",
    "/resource-usage/api/v1/telemetry",
)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "expect",
        "content-length",
    }
)
# Headers that carry or select a credential besides Authorization: named when present, never read.
CREDENTIAL_HEADERS = ("x-dku-apiticket", "x-dku-proxyuser", "x-amz-security-token", "x-api-key")
KNOWN_SCHEMES = ("Basic", "Bearer", "Token", "AWS4-HMAC-SHA256")


# ---- what a request looked like ----------------------------------------------------------------


def describe_auth(headers: Mapping[str, str]) -> str:
    """Which header carries the credential and in what scheme, without the credential itself."""
    parts: list[str] = []
    value = headers.get("authorization")
    if value is None:
        parts.append("no Authorization")
    else:
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() == "basic" and rest:
            parts.append("Authorization: Basic " + _basic_shape(rest.strip()))
        elif scheme == "AWS4-HMAC-SHA256":
            parts.append("Authorization: AWS4-HMAC-SHA256 " + _sigv4_scope(rest))
        elif scheme in KNOWN_SCHEMES and rest:
            parts.append(f"Authorization: {scheme} <token>")
        elif " " not in value.strip() and value.strip():
            parts.append("Authorization: <raw token, no scheme>")
        else:
            parts.append("Authorization: <unrecognised scheme>")
    parts.extend(f"{name}: <set>" for name in CREDENTIAL_HEADERS if name in headers)
    return "; ".join(parts)


def _basic_shape(encoded: str) -> str:
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return "<undecodable>"
    prefix = next((p for p in ("user-", "datasource-") if user.startswith(p)), "")
    user_shape = f"{prefix}<set>" if user else "<empty>"
    return f"(user {user_shape}, password {'<set>' if password else '<empty>'})"


def _sigv4_scope(rest: str) -> str:
    """`scope <region>/<service>` from `Credential=<key id>/<date>/<region>/<service>/aws4_request`."""
    for item in rest.split(","):
        name, _, value = item.strip().partition("=")
        if name == "Credential":
            scope = value.split("/")
            if len(scope) == 5:
                return f"(scope {scope[2]}/{scope[3]})"
    return "(no credential scope)"


def form_shape(content_type: str, body: bytes) -> dict[str, Any] | None:
    """Field names of a multipart or url-encoded form body (values are never kept)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
        )
        fields: list[str] = []
        files: list[str] = []
        for part in message.iter_parts() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                (files if part.get_filename() is not None else fields).append(name)
        return {"kind": "multipart", "keys": sorted(fields), "files": sorted(files)}
    if kind == "application/x-www-form-urlencoded":
        return {"kind": "form", "keys": sorted(parse_qs(body.decode("latin-1"), keep_blank_values=True))}
    return None


def key_paths(document: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every key of a JSON object, nested objects included (lists are leaves)."""
    paths: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            path = f"{prefix}{key}"
            paths.append(path)
            if isinstance(value, dict):
                paths.extend(key_paths(value, path + "."))
    return sorted(paths)


def summarize(method: str, target: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """What the proxy keeps of one request: shapes only, no header value, no body."""
    content_type = headers.get("content-type", "")
    return {
        "method": method,
        "path": target.split("?", 1)[0],
        "header_names": sorted(headers),
        "auth": describe_auth(headers),
        "content_type": content_type.split(";", 1)[0].strip().lower() or None,
        "form": form_shape(content_type, body) if body else None,
        "body_length": len(body),
    }


# ---- the recording proxy -----------------------------------------------------------------------


class RecordingProxy:
    """A loopback HTTP proxy in front of one upstream (the sandbox, or its AppConfig server) that
    forwards every request unchanged and records its shape, plus the markers the runners send."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.records: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        handler = type("Handler", (_ProxyHandler,), {"proxy": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread: threading.Thread | None = None

    def __enter__(self) -> RecordingProxy:
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def mark(self, op: str) -> None:
        """Every request recorded from now on belongs to operation `op`."""
        self._add({"marker": op})

    def clear(self) -> None:
        with self._lock:
            self.records.clear()

    def _add(self, record: dict[str, Any]) -> None:
        with self._lock:
            self.records.append(record)

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.records)

    def forward(
        self, method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            sent = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
            if body or method in ("POST", "PUT", "PATCH"):
                sent.append(("Content-Length", str(len(body))))
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in sent:
                connection.putheader(name, value)
            connection.endheaders(body or None)
            response = connection.getresponse()
            data = response.read()
            answer = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, answer, data
        finally:
            connection.close()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy: RecordingProxy

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        body = self._read_body()
        if self.path.startswith(MARK_PREFIX):
            self.proxy.mark(unquote(self.path[len(MARK_PREFIX) :]))
            self._answer(204, [], b"")
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.proxy._add(summarize(self.command, self.path, headers, body))
        try:
            status, answer, data = self.proxy.forward(self.command, self.path, self.headers.items(), body)
        except OSError as error:
            status, answer, data = 502, [("Content-Type", "text/plain")], f"wire proxy: {error}".encode()
        self._answer(status, answer, b"" if self.command == "HEAD" else data)

    def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


def mark_over_http(proxy_url: str, op: str) -> None:
    """The marker as an SDK script sends it (here for symmetry in tests of the proxy itself)."""
    import urllib.request

    with urllib.request.urlopen(f"{proxy_url}{MARK_PREFIX}{quote(op)}", timeout=10):
        pass


# ---- one side's requests, per operation ----------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One request as the comparison sees it; ids created during the run are `{label}` placeholders."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any] | None
    content_type: str | None
    """The media type of the body sent (None without a body)."""
    auth: str
    headers: tuple[str, ...]
    route: str | None
    status: int

    def facets(self, with_headers: bool) -> dict[str, Any]:
        facets: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "query": {k: list(v) for k, v in self.query.items()},
            "body": None if self.body is None else json.loads(json.dumps(self.body)),
            "content-type": self.content_type,
            "auth": self.auth,
        }
        if with_headers:
            facets["headers"] = list(self.headers)
        return facets

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, values in sorted(self.query.items()) for v in values)
        return f"{self.method} {self.path}{'?' + query if query else ''} -> {self.status} ({self.route})"


@dataclass
class Side:
    """What one side (the SDK or ours) sent for each operation, and the operations that raised."""

    name: str
    sent: dict[str, list[Sent]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def is_side_path(path: str) -> bool:
    return path.endswith(SIDE_PATH_SUFFIXES)


def placeholders(ids: Mapping[str, str]) -> Callable[[str], str]:
    """Replaces every id created during a run by `{label}`, longest first (short ids are left alone)."""
    chosen = sorted(((str(v), k) for k, v in ids.items() if v and len(str(v)) >= 6), key=lambda p: -len(p[0]))

    def replace(text: str) -> str:
        for value, label in chosen:
            text = text.replace(value, "{" + label + "}").replace(quote(value, safe=""), "{" + label + "}")
        return text

    return replace


def collect(
    name: str,
    records: Sequence[dict[str, Any]],
    log: Sequence[dict[str, Any]],
    ids: Mapping[str, str],
    header_filter: Callable[[str], bool] | None = None,
) -> dict[str, list[Sent]]:
    """Requests by operation: the proxy's records (in arrival order, markers between them) paired one
    to one with the sandbox log's entries (side routes left out of both)."""
    recorded: list[tuple[str | None, dict[str, Any]]] = []
    op: str | None = None
    for record in records:
        if "marker" in record:
            op = None if record["marker"] == END else record["marker"]
        elif not is_side_path(record["path"]):
            recorded.append((op, record))
    logged = [entry for entry in log if entry["route"] not in SIDE_ROUTES]
    if len(recorded) != len(logged):
        raise AssertionError(
            f"{name}: the proxy saw {len(recorded)} requests but the sandbox logged {len(logged)}:\n"
            + "\n".join(f"  proxy {r['method']} {r['path']}" for _, r in recorded)
            + "\n"
            + "\n".join(f"  log   {e['method']} {e['path']}" for e in logged)
        )
    rename = placeholders(ids)
    by_op: dict[str, list[Sent]] = {}
    for (op_name, record), entry in zip(recorded, logged, strict=True):
        if (record["method"], record["path"]) != (entry["method"], entry["path"]):
            raise AssertionError(
                f"{name}: proxy and log disagree: {record['method']} {record['path']} vs "
                f"{entry['method']} {entry['path']}"
            )
        if op_name is None:
            continue
        headers = tuple(h for h in record["header_names"] if header_filter is None or header_filter(h))
        body = _body_shape(entry.get("body"), record)
        sent = Sent(
            method=entry["method"],
            path=rename(entry["path"]),
            query={rename(k): [rename(v) for v in values] for k, values in (entry.get("query") or {}).items()},
            body=body,
            content_type=record["content_type"] if body is not None else None,
            auth=record["auth"],
            headers=headers,
            route=entry.get("route"),
            status=int(entry["status"]),
        )
        by_op.setdefault(op_name, []).append(sent)
    return by_op


def _body_shape(logged: Any, record: Mapping[str, Any]) -> dict[str, Any] | None:
    if record.get("form") is not None:
        return dict(record["form"])
    if logged is not None:
        keys: Any = key_paths(logged) if isinstance(logged, dict) else f"<JSON {type(logged).__name__}>"
        return {"kind": "json", "keys": keys}
    if record.get("body_length"):
        return {"kind": "raw", "content_type": record.get("content_type")}
    return None


def log_position(sandbox: Any) -> int:
    """The sequence number of the newest request the sandbox logged (0 when none is kept)."""
    entries = sandbox.requests()
    return max((int(e["seq"]) for e in entries), default=0)


def settled_log(sandbox: Any, platform: str, since: int) -> list[dict[str, Any]]:
    """The log once requests still in flight (peak-sdk's background telemetry) have arrived."""
    log: list[dict[str, Any]] = sandbox.requests(platform=platform, since=since)
    for _ in range(30):
        time.sleep(0.05)
        later: list[dict[str, Any]] = sandbox.requests(platform=platform, since=since)
        if len(later) == len(log):
            return later
        log = later
    return log


# ---- running the two sides ---------------------------------------------------------------------


class OurOps:
    """What our side's operations share: the clients (as attributes), ids by label, scratch state."""

    def __init__(self, ids: Mapping[str, str], **clients: Any) -> None:
        self.ids: dict[str, str] = dict(ids)
        self.state: dict[str, Any] = {}
        self.clients = clients

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["clients"][name]
        except KeyError:
            raise AttributeError(name) from None


def run_ours(
    proxy: RecordingProxy, order: Sequence[str], ops: Mapping[str, Callable[[OurOps], Any]], ctx: OurOps
) -> Side:
    side = Side("ours")
    for op in order:
        proxy.mark(op)
        try:
            ops[op](ctx)
        except Exception as error:  # the comparison reports it; the other operations still run
            side.errors[op] = f"{type(error).__name__}: {error}"[:600]
    proxy.mark(END)
    side.ids = dict(ctx.ids)
    return side


def run_sdk(python: Path, script: str, config: Mapping[str, Any], env: Mapping[str, str], timeout: float = 240) -> Side:
    """Run an SDK script (tests/wire/sdk_scripts/) with its venv's python; its ids and errors."""
    result = subprocess.run(
        [str(python), str(SDK_SCRIPTS / script), json.dumps(config)],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"{script} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    # peak-sdk draws an upload progress bar on stdout: the summary is the last line.
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    side = Side("SDK")
    side.ids, side.errors = dict(summary["ids"]), dict(summary["errors"])
    return side


def clean_env(
    drop_prefixes: tuple[str, ...] = ("PEAK", "API_KEY", "STAGE", "ABEJA", "PLATFORM_AUTH", "DKU", "AWS"),
) -> dict[str, str]:
    """This process's environment without any platform's settings (the caller's must not leak in)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(drop_prefixes)}


# ---- cases and the comparison ------------------------------------------------------------------


@dataclass(frozen=True)
class Differ:
    """A difference we make on purpose, asserted exactly.

    `facet`: `method`, `path`, `query`, `body`, `content-type`, `auth`, `headers` or `count` (the
    whole facet);
    `query.<key>` (the values, or ABSENT), `body.<key>` or `header.<name>` (PRESENT or ABSENT);
    `path-prefix` (`sdk` and `ours` are the prefixes, the rest of the paths must match);
    `query-booleans` (every query value the SDK sends as `True`/`False` we send in lower case).
    `request`: which request of the operation (0 first; None every one); `when`: only requests the
    predicate accepts (a platform-wide rule).
    """

    facet: str
    sdk: Any
    ours: Any
    why: str
    request: int | None = 0
    when: Callable[[Sent, Sent], bool] | None = None


@dataclass(frozen=True)
class WireCase:
    """One client method's operation and its official-SDK equivalent."""

    op: str
    ours: str
    sdk: str
    differs: tuple[Differ, ...] = ()
    bug: str | None = None
    """A client bug this case caught or guards against: the case expects the requests to match (it
    fails while the bug is there), and a failure names the bug."""

    @property
    def method(self) -> str:
        """The client method covered, `Class.method`."""
        return self.ours.split("[", 1)[0]


def compare(
    case: WireCase, sdk: list[Sent], ours: list[Sent], rules: Sequence[Differ], with_headers: bool
) -> list[str]:
    """Every way the two sides' requests differ beyond the expected differences (empty: conformant)."""
    problems: list[str] = []
    differs = [*case.differs, *rules]
    count = next((d for d in differs if d.facet == "count"), None)
    if count is not None:
        if (len(sdk), len(ours)) != (count.sdk, count.ours):
            problems.append(
                f"expected difference changed on request count ({count.why}): expected SDK {count.sdk} / ours "
                f"{count.ours}, got SDK {len(sdk)} / ours {len(ours)}"
            )
    elif len(sdk) != len(ours):
        problems.append(
            f"request count: SDK sent {len(sdk)}, we sent {len(ours)}:\n"
            + "\n".join(f"    SDK  {s.describe()}" for s in sdk)
            + "\n"
            + "\n".join(f"    ours {s.describe()}" for s in ours)
        )
    for index, (theirs, mine) in enumerate(zip(sdk, ours, strict=False)):
        label = f"request {index + 1}" if max(len(sdk), len(ours)) > 1 else "request"
        for name, sent in (("SDK", theirs), ("ours", mine)):
            if sent.route is None:
                problems.append(f"{label}: {name} sent a request the sandbox has no route for: {sent.describe()}")
            if not 200 <= sent.status < 300:
                problems.append(f"{label}: {name}'s request failed: {sent.describe()}")
        a, b = theirs.facets(with_headers), mine.facets(with_headers)
        for differ in differs:
            if differ.facet == "count" or (differ.request is not None and differ.request != index):
                continue
            if differ.when is not None and not differ.when(theirs, mine):
                continue
            problems.extend(f"{label}: {p}" for p in _expect(differ, a, b))
        for facet in a:
            if a[facet] != b[facet]:
                problems.append(
                    f"{label}: {facet}: SDK sent {_show(a[facet])}, we sent {_show(b[facet])}{_gist(a, b, facet)}"
                )
    return problems


def _gist(a: dict[str, Any], b: dict[str, Any], facet: str) -> str:
    """The names only one side sent, when the facet is a set of names (body keys, query keys, headers)."""
    names: list[set[str]] = []
    for facets in (a, b):
        value = facets[facet]
        if facet == "body" and isinstance(value, dict):
            names.append(set(value.get("keys") or []) | set(value.get("files") or []))
        elif facet in ("query", "headers") and value is not None:
            names.append(set(value))
    if len(names) != 2:
        return ""
    only_ours, only_sdk = sorted(names[1] - names[0]), sorted(names[0] - names[1])
    gist = [f"only we sent {', '.join(only_ours)}"] if only_ours else []
    gist += [f"only the SDK sent {', '.join(only_sdk)}"] if only_sdk else []
    return f" ({'; '.join(gist)})" if gist else ""


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True) if not isinstance(value, str) else value


def _changed(differ: Differ, got_sdk: Any, got_ours: Any) -> str:
    return (
        f"expected difference on {differ.facet} changed ({differ.why}): expected SDK {_show(differ.sdk)} / ours "
        f"{_show(differ.ours)}, got SDK {_show(got_sdk)} / ours {_show(got_ours)}"
    )


def _expect(differ: Differ, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Check one expected difference on the two facet maps, then take it out of both."""
    facet = differ.facet
    kind, _, key = facet.partition(".")
    if kind == "query" and key:
        got = (a["query"].pop(key, ABSENT), b["query"].pop(key, ABSENT))
        return [] if got == (differ.sdk, differ.ours) else [_changed(differ, *got)]
    if kind == "body" and key:
        got = (_take_key(a, key), _take_key(b, key))
        return [] if got == (differ.sdk, differ.ours) else [_changed(differ, *got)]
    if kind == "header" and key:
        got = (_take_header(a, key), _take_header(b, key))
        return [] if got == (differ.sdk, differ.ours) else [_changed(differ, *got)]
    if facet == "path-prefix":
        if not (a["path"].startswith(differ.sdk) and b["path"].startswith(differ.ours)):
            return [_changed(differ, a["path"], b["path"])]
        a["path"], b["path"] = a["path"][len(differ.sdk) :], b["path"][len(differ.ours) :]
        return []
    if facet == "query-booleans":
        problems = []
        for name in sorted(set(a["query"]) & set(b["query"])):
            values = a["query"][name]
            if not values or not all(v in ("True", "False") for v in values):
                continue
            if b["query"][name] == [v.lower() for v in values]:
                b["query"][name] = list(values)
            elif b["query"][name] == values:
                problems.append(_changed(differ, {name: values}, {name: b["query"][name]}))
            # Any other value differs in more than case: the query comparison reports it.
        return problems
    got = (a.get(facet), b.get(facet))
    if got != (differ.sdk, differ.ours):
        return [_changed(differ, *got)]
    a[facet] = b[facet] = "<as expected>"
    return []


def _take_key(facets: dict[str, Any], key: str) -> str:
    body = facets["body"]
    if body is None or not isinstance(body.get("keys"), list):
        return ABSENT
    files = body.get("files", [])
    found = PRESENT if key in body["keys"] or key in files else ABSENT
    body["keys"] = [k for k in body["keys"] if k != key and not k.startswith(key + ".")]
    if "files" in body:
        body["files"] = [f for f in files if f != key]
    return found


def _take_header(facets: dict[str, Any], name: str) -> str:
    headers = facets.get("headers") or []
    found = PRESENT if name in headers else ABSENT
    facets["headers"] = [h for h in headers if h != name]
    return found


def check(case: WireCase, sdk: Side, ours: Side, rules: Sequence[Differ] = (), with_headers: bool = False) -> None:
    """Fail the test with every difference between the two sides' requests for `case`."""
    problems = []
    for side in (sdk, ours):
        if case.op in side.errors:
            problems.append(f"{side.name} raised: {side.errors[case.op]}")
    sent_sdk, sent_ours = sdk.sent.get(case.op, []), ours.sent.get(case.op, [])
    if not sent_sdk and not sent_ours:
        problems.append("neither side sent a request")
    else:
        problems.extend(compare(case, sent_sdk, sent_ours, rules, with_headers))
    if problems:
        head = f"{case.ours} vs {case.sdk}"
        if case.bug:
            head += f"\nthe client bug this case watches for (the requests must match): {case.bug}"
        raise AssertionError(head + "\n  " + "\n  ".join(problems))


# ---- which client methods exist ----------------------------------------------------------------


def client_classes(modules: Iterable[ModuleType]) -> Iterator[type]:
    """The API clients: classes named `*Client` defined in the platforms' client modules."""
    for module in modules:
        for name, value in vars(module).items():
            if inspect.isclass(value) and name.endswith("Client") and value.__module__ == module.__name__:
                yield value


def public_methods(cls: type) -> set[str]:
    """`Class.method` for every public plain method, inherited ones under the class that defines
    them (constructors such as `from_settings` are classmethods and properties are not operations)."""
    found = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") and isinstance(value, FunctionType):
                found.add(f"{klass.__name__}.{name}")
    return found


@contextlib.contextmanager
def proxies(*upstreams: str) -> Iterator[list[RecordingProxy]]:
    """Recording proxies in front of the given upstream URLs, stopped on exit."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(RecordingProxy(url)) for url in upstreams]


def run_both(
    sandbox: Any,
    proxy: RecordingProxy,
    platform: str,
    setup: Callable[[Any], dict[str, str]],
    sdk_side: Callable[[dict[str, str]], Side],
    our_side: Callable[[dict[str, str]], Side],
    header_filter: Callable[[str], bool] | None = None,
) -> tuple[Side, Side]:
    """Each side against a freshly reset sandbox given the same setup (sent straight to the sandbox,
    so neither the proxy nor the compared part of the log sees it); their requests by operation."""
    sides = []
    for run in (sdk_side, our_side):
        sandbox.reset()
        ids = setup(sandbox)
        since = log_position(sandbox)
        proxy.clear()
        side = run(ids)
        side.sent = collect(side.name, proxy.snapshot(), settled_log(sandbox, platform, since), side.ids, header_filter)
        sides.append(side)
    sandbox.reset()
    return sides[0], sides[1]
