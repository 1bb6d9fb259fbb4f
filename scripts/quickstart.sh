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

# ensure_secret STACK KEY GENERATOR [--path]: sets a secret once, from stdin, never on a command line.
ensure_secret() {
  pulumi config get ${4:-} "$2" --stack "$1" >/dev/null 2>&1 || $3 | pulumi config set --secret ${4:-} "$2" --stack "$1"
}
hex() { openssl rand -hex 32; }
token() { openssl rand -base64 48 | tr -d '\n'; }

for host in vps2 vps1; do
  stack=sandbox-$host
  pulumi stack select --create "$stack" --non-interactive >/dev/null
  scripts/sandbox-stack.sh "$host" "Pulumi.$stack.yaml"
  case $host in
    vps1) ensure_secret "$stack" gatewayToken hex; ensure_secret "$stack" tunnelToken token ;;
    vps2) ensure_secret "$stack" postgresPasswords.openclaw hex --path ;;
  esac
  echo "quickstart: pulumi up --stack $stack"
  pulumi up --yes --skip-preview --stack "$stack" --non-interactive
done

echo
echo "quickstart: what runs where"
hosts_json=/var/lib/openclaw-infra/sandbox/hosts.json
addr() { node -e "console.log(require('$hosts_json').hosts['$1'].address)"; }
vps1=$(addr vps1); vps2=$(addr vps2)
# host unit address: one line each, with the unit's state as the host reports it.
while read -r host unit where; do
  state=$(sandbox/sandbox ssh "$host" "systemctl is-active $unit" </dev/null 2>/dev/null || true)
  printf '  %-5s %-34s %-9s %s\n' "$host" "$unit" "$state" "$where"
done <<EOF_UNITS
vps1 openclaw-gateway.service http://$vps1:18789 (token auth)
vps1 cloudflared.service switched off in the sandbox (no Cloudflare edge)
vps1 promtail.service http://127.0.0.1:9080 -> http://$vps2:3100/loki/api/v1/push
vps1 prometheus-node-exporter.service http://$vps1:9100/metrics
vps2 postgresql@17-main.service postgresql://$vps2:5432/openclaw (from vps1 only)
vps2 promtail.service http://127.0.0.1:9080 -> http://$vps2:3100/loki/api/v1/push
vps2 prometheus-node-exporter.service http://$vps2:9100/metrics
EOF_UNITS
echo "quickstart: GET http://$vps1:18789/health"
curl -fsS "http://$vps1:18789/health" && echo
