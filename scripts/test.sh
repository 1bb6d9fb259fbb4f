#!/usr/bin/env bash
# The whole test suite: unit tests (Pulumi mocks, seconds), then integration tests (the real
# Pulumi engine against the sandbox hosts, minutes). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
npx tsc --noEmit -p .
npx vitest run --project unit
npx vitest run --project integration
