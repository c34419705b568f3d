"""Virtualenvs for the official SDKs that the fidelity tests run against the sandbox: one per SDK,
per user (outside any clone, so fresh clones and CI reuse it), built on first use under a file lock
so parallel test runs build it once, and rebuilt when its pinned requirements change."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# The per-user cache the toolchain scripts use too (scripts/setup_pulumi.sh), resolved the same way.
CACHE = Path(
    os.environ.get("PULUMI_ML_PLATFORMS_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-ml-platforms"
)


def ensure_sdk_python(name: str, requirements: Sequence[str], base_python: str = sys.executable) -> Path:
    """The python of the virtualenv `name` holding exactly `requirements` (pip specifiers)."""
    venv = CACHE / name
    python = venv / "bin" / "python"
    stamp = venv / ".requirements"
    wanted = hashlib.sha256("\n".join(sorted(requirements)).encode()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and stamp.exists() and stamp.read_text() == wanted:
            return python
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
        install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*install, *requirements], check=True, timeout=900)
        stamp.write_text(wanted)
    return python
