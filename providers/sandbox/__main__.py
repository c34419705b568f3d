"""`python -m providers.sandbox`: serve every emulated platform and print the environment that points at it."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading

from providers.sandbox.core.answers import PROFILES
from providers.sandbox.sandbox import Sandbox


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM; print `export NAME=value` lines on stdout once listening."""
    parser = argparse.ArgumentParser(prog="python -m providers.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, the OS picks)")
    parser.add_argument("--state-file", help="JSON file to keep the state in across restarts")
    parser.add_argument(
        "--answers",
        choices=PROFILES,
        help="answer with every field (full, the default) or only what each platform documents",
    )
    args = parser.parse_args(argv)

    try:
        sandbox = Sandbox(args.host, args.port, state_file=args.state_file, answers=args.answers)
    except (OSError, ValueError) as error:
        print(f"sandbox: cannot start: {error}", file=sys.stderr)
        return 2

    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    sandbox.start()
    for name, value in sandbox.environment().items():
        print(f"export {name}={shlex.quote(value)}")
    sys.stdout.flush()
    print(f"sandbox: serving on {sandbox.url}; stop with Ctrl-C", file=sys.stderr, flush=True)
    while not stopping.wait(0.5):
        pass
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
