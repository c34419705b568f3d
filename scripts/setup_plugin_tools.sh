#!/usr/bin/env bash
# Builds, once per user and cached like the Pulumi CLI (scripts/setup_pulumi.sh), the Go tools the
# provider plugin needs, and prints the directory holding the one asked for:
#   setup_plugin_tools.sh gen-python-sdk   Pulumi's own Python SDK generator over our schema
#                                          (tools/gen-python-sdk; used by scripts/gen_plugin.py)
#   setup_plugin_tools.sh yaml             the YAML language host (pulumi-language-yaml), for YAML
#                                          programs using the plugin; put the printed dir on PATH
# Both come from the Go module proxy; progress on stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
YAML_VERSION="${PULUMI_YAML_VERSION:-1.25.0}"
CACHE_ROOT="${PULUMI_ML_PLATFORMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ml-platforms}"
tool="${1:-}"

log() { echo "setup_plugin_tools: $*" >&2; }

need_go() {
    if ! command -v go >/dev/null 2>&1; then
        log "Go is needed to build $1 (https://go.dev/dl/, 1.25 or later)"
        exit 1
    fi
    export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
}

# One build at a time per cache (bootstrap starts them in the background; a test may ask meanwhile):
# a second caller waits for the first, then finds the tool built.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.plugin-tools.lock"
flock 9

case "$tool" in
gen-python-sdk)
    # Keyed by the tool's sources, so a change to them builds a new copy.
    key="$(cat "$ROOT"/tools/gen-python-sdk/go.mod "$ROOT"/tools/gen-python-sdk/go.sum \
        "$ROOT"/tools/gen-python-sdk/main.go | sha256sum | cut -c1-12)"
    BIN="$CACHE_ROOT/gen-python-sdk-$key/bin"
    if [ ! -x "$BIN/gen-python-sdk" ]; then
        need_go gen-python-sdk
        log "building gen-python-sdk (Pulumi's Python generator, pkg/v3) into $BIN"
        started=$(date +%s)
        rm -rf "$BIN.partial"; mkdir -p "$BIN.partial"
        (cd "$ROOT/tools/gen-python-sdk" && nice -n 10 go build -trimpath -ldflags "-s -w" \
            -o "$BIN.partial/gen-python-sdk" .)
        rm -rf "$BIN"; mv "$BIN.partial" "$BIN"
        log "built in $(( $(date +%s) - started )) s"
    fi
    ;;
yaml)
    BIN="$CACHE_ROOT/pulumi-language-yaml-v$YAML_VERSION/bin"
    if [ ! -x "$BIN/pulumi-language-yaml" ]; then
        need_go pulumi-language-yaml
        log "building pulumi-language-yaml v$YAML_VERSION from the Go module proxy into $BIN"
        started=$(date +%s)
        rm -rf "$BIN.partial"; mkdir -p "$BIN.partial"
        # The module has no replace directives, so `go install` at a version works.
        GOBIN="$BIN.partial" nice -n 10 go install -trimpath \
            -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
            "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_VERSION"
        rm -rf "$BIN"; mv "$BIN.partial" "$BIN"
        log "built in $(( $(date +%s) - started )) s"
    fi
    ;;
*)
    log "usage: setup_plugin_tools.sh gen-python-sdk|yaml"
    exit 2
    ;;
esac
echo "$BIN"
