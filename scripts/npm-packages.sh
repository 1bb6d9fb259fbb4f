#!/usr/bin/env bash
# The npm packages of package-lock.json, installed by `npm ci` unless node_modules already
# holds exactly them (a stamp of the lock file). Run by scripts/setup.sh and `npm run test:unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
lock=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.lock-stamp 2>/dev/null)" != "$lock" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock" > node_modules/.lock-stamp
else
  echo "setup: npm packages up to date"
fi
