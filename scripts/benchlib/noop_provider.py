"""The engine's floor for the benchmark: a dynamic resource that does nothing but sleep as long
as the sandbox's simulated readiness latency. Installed-module style (pickled by reference)."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import pulumi
import pulumi.dynamic as dyn


class NoopProvider(dyn.ResourceProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        return dyn.CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        changed = [k for k in news if k != "__provider" and olds.get(k) != news.get(k)]
        return dyn.DiffResult(changes=bool(changed))

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        time.sleep(float(os.environ.get("MLP_BENCH_LATENCY", "0")))
        return dyn.CreateResult(str(uuid.uuid4()), {k: v for k, v in props.items() if k != "__provider"})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        return dyn.UpdateResult({k: v for k, v in news.items() if k != "__provider"})


class Noop(dyn.Resource, module="bench", name="Noop"):
    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoopProvider(), name, props, opts)
