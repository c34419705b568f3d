#!/usr/bin/env bash
# Provides the pulumi-kubernetes resource plugin at the pinned version, built from the Go module
# proxy (the vendor's plugin downloads are unreachable here) and cached per user beside the CLI.
# Prints the bin directory holding `pulumi-resource-kubernetes` on stdout; progress on stderr.
# Cold: about 15 minutes on 2 cores (it compiles the provider's whole generated Go SDK). Cached: instant.
set -euo pipefail

KUBERNETES_VERSION="4.24.0"
# The only version of the provider module the proxy serves: a commit whose go.mod asks for sdk/v4 4.24.0.
PROVIDER_MODULE="github.com/pulumi/pulumi-kubernetes/provider/v4@v4.0.0-20260115033456-f47bc2d6f199"
SDK_MODULE="github.com/pulumi/pulumi-kubernetes/sdk/v4@v$KUBERNETES_VERSION"
# The provider's pkg/v3 needs the sdk/v3 of the same release; newer ones do not compile with it.
PULUMI_SDK_PIN="v3.215.0"
CACHE_ROOT="${PULUMI_ML_PLATFORMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ml-platforms}"
BIN="$CACHE_ROOT/pulumi-kubernetes-v$KUBERNETES_VERSION/bin"
PLUGIN="$BIN/pulumi-resource-kubernetes"

log() { echo "setup_kubernetes_plugin: $*" >&2; }

if [ -x "$PLUGIN" ] && [ -f "$BIN/.version" ] && [ "$(cat "$BIN/.version")" = "$KUBERNETES_VERSION" ]; then
    echo "$BIN"; exit 0
fi
if ! command -v go >/dev/null 2>&1; then
    log "pulumi-resource-kubernetes v$KUBERNETES_VERSION is not cached and Go is not installed to build it."
    log "Install it with: pulumi plugin install resource kubernetes v$KUBERNETES_VERSION, then put it in $BIN"
    exit 1
fi

# One build at a time per user: a second caller waits for the first and then reuses its result.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.kubernetes-build.lock"
flock 9
if [ -x "$PLUGIN" ] && [ "$(cat "$BIN/.version" 2>/dev/null)" = "$KUBERNETES_VERSION" ]; then
    echo "$BIN"; exit 0
fi

log "building pulumi-resource-kubernetes v$KUBERNETES_VERSION from the Go module proxy (about 15 minutes cold)"
started=$(date +%s)
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-kubernetes-build.XXXXXX")"
# The build cache grows to several GB and is worth nothing once the binary exists.
export GOCACHE="$work/gocache"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

module_dir() {
    (cd "$work" && go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
}

provider_dir="$(module_dir "$PROVIDER_MODULE")"
sdk_dir="$(module_dir "$SDK_MODULE")"
# The provider's go.mod replaces sdk/v4 with ../sdk: rebuild that layout in a writable copy.
cp -r "$provider_dir" "$work/provider"
cp -r "$sdk_dir" "$work/sdk"
chmod -R u+w "$work/provider" "$work/sdk"
echo "replace github.com/pulumi/pulumi/sdk/v3 => github.com/pulumi/pulumi/sdk/v3 $PULUMI_SDK_PIN" >>"$work/provider/go.mod"

# main.go embeds minified copies of the schema and the terraform mapping, which the module zip lacks.
cmd="$work/provider/cmd/pulumi-resource-kubernetes"
python3 - "$cmd" "$KUBERNETES_VERSION" <<'PY'
import json, sys
from pathlib import Path
cmd, version = Path(sys.argv[1]), sys.argv[2]
schema = json.loads((cmd / "schema.json").read_text())
schema["version"] = version
(cmd / "schema-embed.json").write_text(json.dumps(schema, separators=(",", ":")))
mapping = json.loads((cmd / "terraform-mapping.json").read_text())
(cmd / "terraform-mapping-embed.json").write_text(json.dumps(mapping, separators=(",", ":")))
PY

staging="$BIN.partial"
rm -rf "$staging"; mkdir -p "$staging"
(cd "$work/provider" && nice -n 10 go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_VERSION" \
    -o "$staging/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
echo "$KUBERNETES_VERSION" >"$staging/.version"
rm -rf "$BIN"; mv "$staging" "$BIN"
log "built in $(( $(date +%s) - started )) s ($(du -sh "$PLUGIN" | cut -f1))"
echo "$BIN"
