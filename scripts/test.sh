#!/usr/bin/env bash
# The whole test suite: unit tests (Pulumi mocks, seconds), then integration tests (the real
# Pulumi engine against the sandbox hosts, minutes). Installs what it needs first. Prints each
# phase's time as it ends and all of them at the exit, passed or not; the integration suite's
# beside its budget, an aim (over it is printed, not failed: CI's hard limit is .ci/run's).
set -euo pipefail
cd "$(dirname "$0")/.."
INTEGRATION_BUDGET=1800

times=()
# phase NAME BUDGET COMMAND...: runs COMMAND and records its time, failed or not (BUDGET 0: none).
phase() {
  local name=$1 budget=$2 start=$SECONDS code=0 took line
  shift 2
  "$@" || code=$?
  took=$((SECONDS - start))
  line="$name $took s"
  ((code == 0)) || line+=" FAILED ($code)"
  if ((budget > 0)); then
    line+=" (budget $budget s)"
    ((took <= budget)) || line+=" OVER BUDGET by $((took - budget)) s"
  fi
  times+=("$line")
  echo "test: $line"
  return "$code"
}
summary() {
  echo "test: phase times:"
  for line in "${times[@]}"; do echo "  $line"; done
}
trap summary EXIT

phase setup 0 scripts/setup.sh
. scripts/env.sh
phase typecheck 0 npx tsc --noEmit -p .
phase lint 0 npm run --silent lint
phase unit 0 npx vitest run --project unit
phase integration "$INTEGRATION_BUDGET" npx vitest run --project integration
