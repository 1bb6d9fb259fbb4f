#!/usr/bin/env bash
# restic and sqlite3 on this machine, for the unit tests that run the gateway-state backup
# job under real bash against a local repository (test/components/restic). Debian packages,
# installed once.
set -euo pipefail
missing=()
command -v restic >/dev/null || missing+=(restic)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if ((${#missing[@]})); then
  echo "backup-tools: installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "backup-tools: $(restic version | cut -d' ' -f1-2), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
