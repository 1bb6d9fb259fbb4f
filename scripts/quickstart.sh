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

# ensure_secret STACK KEY GENERATOR: sets a secret once, from stdin, never on a command line.
ensure_secret() {
  pulumi config get "$2" --stack "$1" >/dev/null 2>&1 || $3 | pulumi config set --secret $4 "$2" --stack "$1"
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
for host in vps1 vps2; do
  sandbox/sandbox ssh "$host" 'for u in openclaw-gateway cloudflared promtail prometheus-node-exporter postgresql@17-main; do
    [ -f "/etc/systemd/system/$u.service" ] || [ -f "/usr/lib/systemd/system/$u.service" ] || [ "$u" = postgresql@17-main ] && systemctl list-unit-files "$u.service" >/dev/null 2>&1 || continue
    printf "  %-5s %-26s %-9s %s\n" "$(hostname)" "$u" "$(systemctl is-active "$u" 2>/dev/null || true)" "$(ss -Htlnp 2>/dev/null | awk -v u="$u" "index(\$0, substr(u,1,10)) {print \$4}" | sort -u | tr "\n" " ")"
  done'
done
address=$(node -e 'console.log(require("/var/lib/openclaw-infra/sandbox/hosts.json").hosts.vps1.address)')
echo "quickstart: GET http://$address:18789/health"
curl -fsS "http://$address:18789/health" && echo
