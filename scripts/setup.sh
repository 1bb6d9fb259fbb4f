#!/usr/bin/env bash
# Everything a fresh clone needs before deploying or testing, each step skipped when done:
# Node 22 for the tooling, npm packages, the Pulumi toolchain (built from Go modules) and
# the local sandbox (two Debian 13 hosts plus their package mirrors).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
start=$SECONDS

scripts/node22.sh
scripts/npm-packages.sh
toolchain/build.sh
scripts/prometheus-tools.sh
scripts/backup-tools.sh
scripts/sshd-tools.sh
scripts/network-tools.sh
sandbox/sandbox up
echo "setup: ready in $((SECONDS - start))s"
