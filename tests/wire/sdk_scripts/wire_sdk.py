# mypy: ignore-errors
# (runs in an official SDK's virtualenv: standard library only here.)
"""Shared by the wire tier's SDK scripts: read the run's configuration, run the named operations in
the order given, announce each to the recording proxy with a marker, and print the ids created and
the errors raised as one JSON line (the last line of stdout)."""

from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

MARK_PREFIX = "/__wire__/mark/"
END = "~end"


class Ctx:
    """What the operations share: the configuration, the inputs, ids by label and scratch state."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.inputs: dict[str, Any] = config.get("inputs", {})
        self.ids: dict[str, str] = dict(config.get("ids", {}))
        self.state: dict[str, Any] = {}


def load_config() -> dict[str, Any]:
    return json.loads(sys.argv[1])


def mark(proxy: str, op: str) -> None:
    with urllib.request.urlopen(f"{proxy}{MARK_PREFIX}{urllib.parse.quote(op)}", timeout=10):
        pass


def run(ops: dict[str, Callable[[Ctx], Any]], config: dict[str, Any]) -> None:
    ctx = Ctx(config)
    errors: dict[str, str] = {}
    for name in config["ops"]:
        mark(config["proxy"], name)
        try:
            ops[name](ctx)
        except Exception as error:  # reported by the test; the other operations still run
            errors[name] = f"{type(error).__name__}: {error}"[:600]
    mark(config["proxy"], END)
    sys.stdout.write("\n" + json.dumps({"ids": ctx.ids, "errors": errors}) + "\n")
