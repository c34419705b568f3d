"""The Python API of the sandbox: start one in-process (`Sandbox`), or drive one elsewhere (`SandboxControl`)."""

from __future__ import annotations

import ipaddress
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from providers.sandbox.core.app import SandboxApp
from providers.sandbox.core.platform import Server
from providers.sandbox.core.server import ServerThread
from providers.sandbox.platforms import PLATFORMS


class SandboxError(Exception):
    """The control plane refused a call; the message is its `detail`."""


class SandboxControl:
    """Calls the `/_sandbox/` control plane of a sandbox at `url`, e.g. one run by `python -m providers.sandbox`."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    @property
    def peak_endpoint(self) -> str:
        """The Peak endpoint template, `{subdomain}` standing for `service` or `press`."""
        return f"{self.url}/peak/{{subdomain}}"

    def reset(self) -> None:
        """Clear all platform state, faults, scheduled failures and the request log; keep tokens."""
        self._call("POST", "/reset")

    def add_fault(
        self,
        *,
        path: str,
        method: str = "*",
        status: int | None = 503,
        count: int = 1,
        delay_seconds: float = 0,
        retry_after: float | None = None,
        body: dict[str, Any] | None = None,
        when: str = "before",
        platform: str | None = None,
    ) -> str:
        """Make the next `count` requests matching `method` and the `path` regex (and `platform`, when given)
        fail or be slow; returns its id."""
        fault: dict[str, Any] = dict(path=path, method=method, status=status, count=count, when=when)
        fault.update(delay_seconds=delay_seconds, retry_after=retry_after, body=body, platform=platform)
        return str(self._call("POST", "/faults", fault)["id"])

    def faults(self) -> list[dict[str, Any]]:
        """The armed faults and their remaining counts."""
        return list(self._call("GET", "/faults")["faults"])

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._call("DELETE", "/faults")

    def set_transitions(self, mode: str, value: float = 0, platform: str | None = None) -> None:
        """How asynchronous states advance: `immediate`, `reads` (N), `seconds` (S)."""
        self._call("PUT", "/transitions", {"mode": mode, "value": value, "platform": platform})

    def transitions(self) -> dict[str, Any]:
        """The transition modes in force."""
        return dict(self._call("GET", "/transitions"))

    def requests(self, platform: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """The request log, optionally of one platform and after sequence number `since`."""
        query = {"since": str(since), **({"platform": platform} if platform else {})}
        return list(self._call("GET", "/requests?" + urllib.parse.urlencode(query))["requests"])

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._call("DELETE", "/requests")

    def add_token(self, token: str, tenant: str, platform: str = "peak") -> None:
        """Register a credential for a tenant."""
        self._call("PUT", "/tokens", {"token": token, "tenant": tenant, "platform": platform})

    def fail_next(self, platform: str, **body: Any) -> None:
        """Schedule a failure, e.g. `fail_next("peak", operation="create", name="x", reason="...")`."""
        self._call("POST", f"/{platform}/failures", body)

    def state(self) -> dict[str, Any]:
        """Every platform's state, as JSON data."""
        return dict(self._call("GET", "/state"))

    def set_answers(self, profile: str, platform: str | None = None) -> dict[str, Any]:
        """Answer as `full` (every field) or `documented` (only what the platform documents), on one
        platform or (None) all of them; returns the profiles in force. A reset keeps them."""
        return dict(self._call("PUT", "/answers", {"profile": profile, "platform": platform}))

    def answers(self) -> dict[str, Any]:
        """The answer profiles in force: `{"profile", "platforms": {name: profile}}`."""
        return dict(self._call("GET", "/answers"))

    def add_variant(self, platform: str, variant: str, **options: Any) -> str:
        """Arm a known variant of a platform's answers (e.g. `add_variant("peak", "busy-422")`); `options`:
        `routes` (a regex on route names), `field`, `value`, `count` (None: until cleared). Returns its id;
        `variants()["known"]` lists the kinds."""
        return str(self._call("POST", "/variants", {"platform": platform, "variant": variant, **options})["id"])

    def variants(self) -> dict[str, Any]:
        """The armed variants (`variants`) and the kinds each platform knows (`known`)."""
        return dict(self._call("GET", "/variants"))

    def clear_variants(self) -> None:
        """Disarm every variant."""
        self._call("DELETE", "/variants")

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}/_sandbox{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read())["detail"]
            except (ValueError, KeyError, TypeError):
                detail = error.reason
            raise SandboxError(f"{method} /_sandbox{path}: {error.code} {detail}") from None


class Sandbox(SandboxControl):
    """An in-process sandbox serving every platform on loopback from a daemon thread.

    The socket is bound on construction, so `url` is known before `start()`.
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, state_file: str | Path | None = None, answers: str | None = None
    ) -> None:
        self.app = SandboxApp(PLATFORMS, state_file=state_file, answers=answers)
        main = ServerThread(self.app, host, port)
        if not _loopback(host):
            print(
                f"sandbox: warning: listening on {host}, not a loopback address: whoever reaches it can read and"
                " change every platform's state and drive the control plane",
                file=sys.stderr,
            )
        self.app.origins = {f"http://{name}:{main.port}" for name in (host, "127.0.0.1", "localhost", "[::1]")}
        self._servers: list[Server] = [main]
        # Platforms served on a server of their own (`Platform.server`) share this app's faults, log
        # and lock; each takes the next port when the port is chosen, so its endpoint is stable too.
        builders = [platform.server for platform in self.app.platforms.values() if platform.server]
        for offset, build in enumerate(builders, start=1):
            self._servers.append(build(self.app, host, port + offset if port else 0))
        super().__init__(f"http://{host}:{main.port}")

    def environment(self) -> dict[str, str]:
        """The variables that point a stack, the providers or a patched SDK at this sandbox."""
        variables = {"MLP_SANDBOX_URL": self.url}
        for platform in self.app.platforms.values():
            variables.update(platform.environment(self.url))
        return variables

    def start(self) -> Sandbox:
        """Start serving; returns self."""
        for server in self._servers:
            server.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the ports."""
        for server in self._servers:
            server.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _loopback(host: str) -> bool:
    """Whether `host` is a loopback address (or `localhost`)."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
