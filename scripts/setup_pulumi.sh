#!/usr/bin/env bash
# Provides the pinned Pulumi CLI and Python language host, built from the Go module proxy
# (the vendor's download site is unreachable here). The build is cached per user, outside any
# clone, so fresh clones and CI reuse it. Prints the bin directory on stdout; progress on stderr.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.259.0}"
# The last sdk release that still carried the Python language host inside the sdk/v3 module.
LANGUAGE_HOST_VERSION="3.79.0"
CACHE_ROOT="${PULUMI_ML_PLATFORMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ml-platforms}"
BIN="$CACHE_ROOT/pulumi-v$PULUMI_VERSION/bin"

log() { echo "setup_pulumi: $*" >&2; }

version_matches() {
    [ -x "$1" ] && [ "$(PULUMI_SKIP_UPDATE_CHECK=1 "$1" version 2>/dev/null)" = "v$PULUMI_VERSION" ]
}

complete_bin() {
    [ -x "$1/pulumi-language-python" ] && [ -x "$1/pulumi-resource-pulumi-python" ] \
        && [ -f "$1/pulumi-language-python-exec" ]
}

if version_matches "$BIN/pulumi" && complete_bin "$BIN"; then
    echo "$BIN"; exit 0
fi
on_path="$(command -v pulumi || true)"
if [ -n "$on_path" ] && version_matches "$on_path" && complete_bin "$(dirname "$on_path")"; then
    echo "$(dirname "$on_path")"; exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    log "no pulumi v$PULUMI_VERSION found and Go is not installed to build one."
    log "Install the CLI with the vendor's installer: curl -fsSL https://get.pulumi.com | sh -s -- --version $PULUMI_VERSION"
    log "then put it on PATH and run this command again."
    exit 1
fi

log "building pulumi v$PULUMI_VERSION from the Go module proxy (about 3 minutes cold) into $BIN"
started=$(date +%s)
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-build.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

module_dir() {
    (cd "$work" && go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
}

sdk_dir="$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION")"
pkg_dir="$(module_dir "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION")"
host_sdk_dir="$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$LANGUAGE_HOST_VERSION")"

# pkg/go.mod replaces sdk/v3 with ../sdk: rebuild the monorepo layout in a writable copy.
mkdir -p "$work/cli" "$work/host"
cp -r "$sdk_dir" "$work/cli/sdk"
cp -r "$pkg_dir" "$work/cli/pkg"
cp -r "$host_sdk_dir" "$work/host/sdk"
chmod -R u+w "$work/cli" "$work/host"

staging="$BIN.partial"
rm -rf "$staging"; mkdir -p "$staging"
(cd "$work/cli/pkg" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$staging/pulumi" ./cmd/pulumi)
(cd "$work/host/sdk" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGUAGE_HOST_VERSION" \
    -o "$staging/pulumi-language-python" ./python/cmd/pulumi-language-python)
# Module zips keep no file modes: set them explicitly.
install -m755 "$work/cli/sdk/python/cmd/pulumi-language-python-exec" "$staging/"
install -m755 "$work/cli/sdk/python/dist/pulumi-resource-pulumi-python" "$staging/"

version_matches "$staging/pulumi" || { log "built pulumi does not report v$PULUMI_VERSION"; exit 1; }
rm -rf "$BIN"; mv "$staging" "$BIN"
log "built in $(( $(date +%s) - started )) s"
echo "$BIN"
