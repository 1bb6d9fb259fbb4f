#!/usr/bin/env bash
# Brings up the sandbox and deploys the vps1 stack onto its vps1 host for real, then asks
# the gateway's /health from this machine over the sandbox network.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

# A local file backend and a passphrase for secrets, kept outside the repo.
state=/var/lib/openclaw-infra/pulumi
mkdir -p "$state/backend" && chmod 0700 "$state"
[ -s "$state/passphrase" ] || (umask 077 && openssl rand -hex 32 > "$state/passphrase")
export PULUMI_BACKEND_URL="file://$state/backend"
export PULUMI_CONFIG_PASSPHRASE_FILE="$state/passphrase"

stack=sandbox-vps1
scripts/sandbox-stack.sh vps1 "Pulumi.$stack.yaml"
pulumi stack select --create "$stack" --non-interactive >/dev/null
if ! pulumi config get gatewayToken --stack "$stack" >/dev/null 2>&1; then
  openssl rand -hex 32 | pulumi config set --secret gatewayToken --stack "$stack"
fi
pulumi up --yes --stack "$stack" --non-interactive

address=$(node -e 'console.log(require("/var/lib/openclaw-infra/sandbox/hosts.json").hosts.vps1.address)')
echo "quickstart: GET http://$address:18789/health"
curl -fsS "http://$address:18789/health" && echo
