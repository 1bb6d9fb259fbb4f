#!/usr/bin/env bash
# Everything a fresh clone needs before deploying or testing, each step skipped when done:
# Node 22 for the tooling, npm packages, the Pulumi toolchain (built from Go modules) and
# the local sandbox (two Debian 13 hosts plus their package mirrors).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
start=$SECONDS

scripts/node22.sh
lock=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.lock-stamp 2>/dev/null)" != "$lock" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock" > node_modules/.lock-stamp
else
  echo "setup: npm packages up to date"
fi
toolchain/build.sh
scripts/prometheus-tools.sh
scripts/backup-tools.sh
sandbox/sandbox up
echo "setup: ready in $((SECONDS - start))s"
