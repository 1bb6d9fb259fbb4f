#!/usr/bin/env bash
# Brings up the sandbox and deploys the whole topology onto it for real: vps2 (PostgreSQL,
# logs, metrics) first, then vps1 (the gateway, its tunnel's host side, logs, metrics), and
# prints what runs where.
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

# The sandbox stacks (hosts, their order, each stack's config and secrets, the summary) come
# from sandbox/ and the component registry: scripts/sandbox-stack.ts.
sandbox_stack() { node_modules/.bin/ts-node --transpile-only scripts/sandbox-stack.ts "$@"; }
# ensure_secret STACK PATH: sets a random secret once, from stdin, never on a command line.
ensure_secret() {
  pulumi config get --path "$2" --stack "$1" >/dev/null 2>&1 ||
    openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n' | pulumi config set --secret --path "$2" --stack "$1"
}

hosts=$(sandbox_stack order)
for host in $hosts; do
  stack=sandbox-$host
  pulumi stack select --create "$stack" --non-interactive >/dev/null
  secrets=$(sandbox_stack write "$host" "Pulumi.$stack.yaml")
  for path in $secrets; do ensure_secret "$stack" "$path"; done
  echo "quickstart: wrote Pulumi.$stack.yaml; pulumi up --stack $stack"
  pulumi up --yes --skip-preview --stack "$stack" --non-interactive
done

echo
echo "quickstart: what runs where"
# host unit how-to-reach-it: one line each, with the unit's state as the host reports it.
files=(); for host in $hosts; do files+=("Pulumi.sandbox-$host.yaml"); done
sandbox_stack summary "${files[@]}" | sort -s -k1,1 | while read -r host unit where; do
  state=$(sandbox/sandbox ssh "$host" "systemctl is-active $unit" </dev/null 2>/dev/null || true)
  printf '  %-5s %-34s %-9s %s\n' "$host" "$unit" "$state" "$where"
done
for host in $hosts; do
  url=$(pulumi stack output gatewayHealthUrl --stack "sandbox-$host" 2>/dev/null) || continue
  echo "quickstart: GET $url on $host"
  sandbox/sandbox ssh "$host" "curl -fsS $url" && echo
done
