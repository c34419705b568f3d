"""The suite and the benchmark hand their pulumi commands a default SIGINT, however they were started."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIGINT_BIT = 1 << (signal.SIGINT - 1)

CHILD = """
import subprocess
from tests.harness import interrupt_by_default
interrupt_by_default()
print(subprocess.run(["grep", "SigIgn", "/proc/self/status"], capture_output=True, text=True).stdout.split()[1])
"""


def ignored_mask_of_a_grandchild(python_source: str) -> int:
    started = subprocess.run(
        [sys.executable, "-c", python_source],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # a job started with `&`
    )
    return int(started.stdout.strip(), 16)


def test_a_process_started_with_sigint_ignored_starts_its_commands_with_it_default():
    assert ignored_mask_of_a_grandchild(CHILD) & SIGINT_BIT == 0


def test_without_it_the_ignore_reaches_every_command():
    """The control: what `&` passes on, and why the language host waits 5 s for its SIGKILL."""
    assert ignored_mask_of_a_grandchild(CHILD.replace("interrupt_by_default()\n", "")) & SIGINT_BIT
