#!/usr/bin/env bash
# The whole test suite on a fresh clone: sets up what it needs, then lint, types and every tier
# (unit, clients, sandbox, providers, engine with the real pulumi CLI, meta). Extra arguments go
# to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)
# The Kubernetes plugin (only the composition test needs it) builds in the background from the
# start, while the virtualenv and the CLI are set up and lint, types and the other tiers run; that
# test, ordered last, waits for it. Cached after the first time. It needs only Go and python3.
mkdir -p .work
bash scripts/setup_kubernetes_plugin.sh >/dev/null 2>.work/kubernetes-plugin-build.log &
PULUMI_BIN="$(bash scripts/bootstrap.sh)"
export MLP_PULUMI_BIN="$PULUMI_BIN"
# One command per line: under `set -e` a failure on the left of `&&` would not stop the script.
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy providers scripts
echo "== pytest"
status=0
# Four workers (the engine tier mostly waits on the CLI), each with its own sandbox; a file's tests stay on one worker (module fixtures).
.venv/bin/python -m pytest -n "${MLP_TEST_WORKERS:-4}" --dist loadfile --durations=15 "$@" || status=$?
echo "test command took $(( $(date +%s) - started )) s"
exit $status
