#!/usr/bin/env bash
# The main job: the demo stack, `pulumi up` against the local sandbox, outputs shown.
# Sets up what it needs, starts the sandbox in the background (state persisted under .work/),
# uses a local file backend inside the project, and selects or creates the stack (default dev).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STACK="${1:-dev}"
PORT="${MLP_SANDBOX_PORT:-18780}"

bash scripts/bootstrap.sh >/dev/null
# shellcheck disable=SC1091
source .work/env.sh

# The demo's passphrase is public: it protects only the demo's sandbox stacks, whose config points
# every platform at this machine. Any other stack is refused here, before Pulumi sees it (and the
# providers refuse to reach past this machine with that passphrase anyway).
if ! .venv/bin/python scripts/sandbox_stack.py "$STACK"; then
    echo "demo: the demo runs only its sandbox stacks (dev, staging); give stack $STACK a passphrase or secrets provider of its own" >&2
    exit 1
fi
export PULUMI_CONFIG_PASSPHRASE=sandbox-demo
unset PULUMI_CONFIG_PASSPHRASE_FILE

sandbox_up() {
    .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
        "http://127.0.0.1:$PORT/_sandbox/transitions" >/dev/null 2>&1
}

if ! sandbox_up; then
    echo "demo: starting the sandbox on 127.0.0.1:$PORT (log: .work/sandbox.log)"
    nohup .venv/bin/python -m providers.sandbox --port "$PORT" --state-file .work/sandbox-state.json \
        >.work/sandbox.log 2>&1 &
    echo $! >.work/sandbox.pid
    for _ in $(seq 1 50); do
        sandbox_up && break
        sleep 0.1
    done
fi

pulumi stack select "$STACK" 2>/dev/null || pulumi stack init "$STACK" --secrets-provider passphrase
pulumi up --yes --stack "$STACK"
echo
pulumi stack output --stack "$STACK"
cat <<MSG

The $STACK stack is up against the sandbox (http://127.0.0.1:$PORT). Look around in the project's environment
(its \`pulumi\` gives the demo's passphrase to the sandbox stacks alone):
  source .work/env.sh
  pulumi stack                 # resources and outputs
  pulumi preview --diff        # no changes expected
  pulumi destroy --yes         # removes every resource; the sandbox is left empty
  kill \$(cat .work/sandbox.pid)   # stops the sandbox (its state is kept in .work/sandbox-state.json)
MSG
