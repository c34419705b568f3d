"""The real dynamic-provider host (``python -m pulumi.dynamic``), once our package runs in it, ends
by itself when the engine is gone (its stdin pipe closed), and still ends on the engine's SIGINT.
See providers/core/host.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from providers.core import host
from providers.peak.service import ServiceProvider

ROOT = Path(__file__).resolve().parents[2]
URN = "urn:pulumi:test::project::pulumi-python:dynamic:Resource::one"


@pytest.fixture
def start_host() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,  # its own process group, as the engine starts plugins
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream:
                stream.close()


def load_our_provider(process: subprocess.Popen[bytes]) -> None:
    """One Check RPC whose __provider is ours, as the engine's first call to a resource would be."""
    assert process.stdout is not None
    port = int(process.stdout.readline())
    news = struct_pb2.Struct()
    news.update({"__provider": serialize_provider(ServiceProvider()), "name": "one"})
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        stub.Check(provider_pb2.CheckRequest(urn=URN, olds=struct_pb2.Struct(), news=news), timeout=60)


def ends_within(process: subprocess.Popen[bytes], seconds: float) -> int | None:
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


def test_a_host_whose_engine_is_gone_ends_by_itself(start_host):
    process = start_host()
    load_our_provider(process)
    assert process.stdin is not None
    process.stdin.close()  # the engine's end of the pipe: closed when the engine dies
    assert ends_within(process, 60) == host.ENGINE_GONE_STATUS
    assert process.stderr is not None
    assert b"the Pulumi engine is gone" in process.stderr.read()


def test_the_engines_sigint_still_ends_a_host_that_follows_it(start_host):
    process = start_host()
    load_our_provider(process)
    os.killpg(process.pid, signal.SIGINT)  # what the engine sends when it is done with a plugin
    # The SDK's KeyboardInterrupt path stops the server and returns from main: a clean exit.
    assert ends_within(process, 60) == 0


def test_canary_the_sdk_host_alone_outlives_its_engine(start_host):
    """Canary: the SDK's own host (our package not loaded) keeps running when the engine is gone.
    When this fails, the SDK follows its engine itself and host.py can go."""
    process = start_host()
    assert process.stdout is not None and process.stdin is not None
    process.stdout.readline()  # serving
    process.stdin.close()
    assert ends_within(process, 3) is None


def test_follow_engine_exits_on_end_of_file_and_only_once(monkeypatch):
    monkeypatch.setattr(host, "_followed", False)
    read_end, write_end = os.pipe()
    exits: list[int] = []
    try:
        host.follow_engine(stdin_fd=read_end, exit_process=exits.append)
        host.follow_engine(stdin_fd=read_end, exit_process=exits.append)  # a second call does nothing
        os.write(write_end, b"ignored")  # the engine never writes; if it did, that is not an end
        os.close(write_end)
        deadline = time.monotonic() + 30
        while not exits and time.monotonic() < deadline:
            time.sleep(0.01)
        assert exits == [host.ENGINE_GONE_STATUS]
    finally:
        os.close(read_end)


def test_follow_engine_leaves_a_stdin_that_is_not_a_pipe_alone(monkeypatch, tmp_path):
    monkeypatch.setattr(host, "_followed", False)
    started = []
    monkeypatch.setattr(host.threading, "Thread", lambda *a, **k: started.append(k) or pytest.fail("watched"))
    with open(tmp_path / "stdin", "wb+") as not_a_pipe:
        host.follow_engine(stdin_fd=not_a_pipe.fileno(), exit_process=lambda status: None)
    assert started == []
