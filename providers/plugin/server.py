"""`pulumi-resource-mlplatforms`: serves ``MlPlatformsProvider`` to the Pulumi engine over gRPC.

Pulumi's own server (``pulumi.provider.experimental.server``) does the wire work; around it: the
provider's URN at Configure (whether it is the default provider), one error shape, progress lines in
the engine's log (a plugin's stderr is not shown) and the dynamic host's end-with-the-engine rule.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import io
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, TextIO, TypeVar, cast

import grpc
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2_grpc

from ..core import host
from ..core.errors import ProviderError
from ..core.redaction import scrub
from .names import VERSION
from .provider import MlPlatformsProvider, current_urn

# A progress line the engine does not take within this long goes to stderr instead.
LOG_TIMEOUT_SECONDS = 5.0
Handler = TypeVar("Handler", bound=Callable[..., Coroutine[Any, Any, Any]])


def one_error_shape(method: Handler) -> Handler:
    """A failed request ends with the core's message (a bug with its traceback), not the server's wrapper."""

    @functools.wraps(method)
    async def handler(self: Any, request: Any, context: Any) -> Any:
        try:
            return await method(self, request, context)
        except ProviderError as failure:
            await context.abort(grpc.StatusCode.UNKNOWN, scrub(str(failure)))
        except Exception as bug:
            if isinstance(bug, grpc.aio.AbortError):
                raise
            await context.abort(
                grpc.StatusCode.UNKNOWN, scrub(f"{type(bug).__name__}: {bug}\n{traceback.format_exc()}")
            )

    return cast(Handler, handler)


class Servicer(ProviderServicer):
    """Pulumi's servicer, with the provider's URN kept from Configure and one error shape."""

    _provider: MlPlatformsProvider

    async def Configure(self, request: Any, context: Any) -> Any:
        self._provider.provider_urn = request.urn
        return await one_error_shape(ProviderServicer.Configure)(self, request, context)


# The gRPC methods the provider implements (the server registers them by name).
for _method in ("CheckConfig", "DiffConfig", "GetSchema", "Check", "Diff", "Create", "Read", "Update", "Delete"):
    setattr(Servicer, _method, one_error_shape(getattr(ProviderServicer, _method)))


class EngineLog(io.TextIOBase):
    """stderr for the plugin process: each line goes to the engine's log, under the resource the writing
    thread works on; the original stderr takes over when the engine cannot be reached."""

    def __init__(self, engine_address: str, fallback: TextIO) -> None:
        self._fallback = fallback
        self._pending = threading.local()
        self._stub: Any = engine_pb2_grpc.EngineStub(grpc.insecure_channel(engine_address)) if engine_address else None

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        buffered = getattr(self._pending, "text", "") + text
        *lines, rest = buffered.split("\n")
        self._pending.text = rest
        for line in lines:
            if line.strip():
                self._send(line)
        return len(text)

    def flush(self) -> None:
        self._fallback.flush()

    def _send(self, line: str) -> None:
        if self._stub is not None:
            try:
                request = engine_pb2.LogRequest(severity=engine_pb2.INFO, message=line, urn=current_urn())
                self._stub.Log(request, timeout=LOG_TIMEOUT_SECONDS)
                return
            except grpc.RpcError:
                self._stub = None
        print(line, file=self._fallback, flush=True)


async def serve(engine_address: str, provider: MlPlatformsProvider) -> None:
    from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS

    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(
        Servicer(sys.argv[1:], VERSION, provider, engine_address=engine_address), server
    )
    port = server.add_insecure_port(address="127.0.0.1:0")
    await server.start()
    # The first line on stdout is the port: the engine's handshake.
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    # The engine ends a plugin with SIGINT when it is done with it: stop serving, quietly.
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: stopping.append(loop.create_task(server.stop(None))))
    with contextlib.redirect_stderr(EngineLog(engine_address, sys.__stderr__ or sys.stderr)):
        await server.wait_for_termination()


def main() -> None:
    parser = argparse.ArgumentParser(prog="pulumi-resource-mlplatforms", description=__doc__)
    parser.add_argument("engine", nargs="?", default="", help="the Pulumi engine's address")
    options, _unknown = parser.parse_known_args()
    host.follow_engine()
    asyncio.run(serve(options.engine, MlPlatformsProvider()))
