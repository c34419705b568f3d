"""Usage: sandbox_stack.py STACK (in the demo project): exit 0 for a sandbox stack, else say why.

A sandbox stack's config points every platform at this machine; only those may use the demo's public
passphrase (scripts/demo.sh, and the `pulumi` of .work/env.sh).
"""

import sys
from pathlib import Path

import yaml  # type: ignore[import-untyped]

from providers.core.config import is_loopback

ENDPOINTS = ("peak:endpoint", "abeja:apiUrl", "dataiku:url", "appconfig:endpoint")


def problem_with(stack: str) -> str:
    path = Path(f"Pulumi.{stack}.yaml")
    if not path.is_file():
        return f"{path} does not exist"
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    missing = [key for key in ENDPOINTS if key not in config]
    remote = [f"{key}={config[key]}" for key in ENDPOINTS if key in config and not is_loopback(str(config[key]))]
    return "; ".join(
        ([f"it does not set {', '.join(missing)}"] if missing else [])
        + ([f"it points past this machine: {', '.join(remote)}"] if remote else [])
    )


if __name__ == "__main__":
    problem = problem_with(sys.argv[1])
    if problem:
        print(f"stack {sys.argv[1]} is not a sandbox stack: {problem}", file=sys.stderr)
        sys.exit(1)
