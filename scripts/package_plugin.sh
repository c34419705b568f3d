#!/usr/bin/env bash
# Packs the provider plugin of this checkout as a plugin archive for `pulumi plugin install`, so the
# engine finds it in the plugin cache by name and version (no PATH lookup, no "using ... from $PATH"
# warning). The archive holds one launcher that runs this checkout's virtualenv: a local build, for
# this machine. Prints the archive's path and the install command.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$("$ROOT/.venv/bin/python" -c 'from providers.plugin.names import VERSION; print(VERSION)')"
OUT="${1:-$ROOT/.work/pulumi-resource-mlplatforms-v$VERSION.tar.gz}"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cat > "$staging/pulumi-resource-mlplatforms" <<LAUNCHER
#!/bin/sh
exec "$ROOT/.venv/bin/python" -m providers.plugin "\$@"
LAUNCHER
chmod 755 "$staging/pulumi-resource-mlplatforms"
mkdir -p "$(dirname "$OUT")"
tar -czf "$OUT" -C "$staging" pulumi-resource-mlplatforms
echo "$OUT"
echo "install it with: pulumi plugin install resource mlplatforms $VERSION --file $OUT" >&2
