#!/usr/bin/env bash
# Writes the stack config for deploying HOST of the sandbox: the same program and components
# as production; only the topology (addresses, host keys), the SSH key and the package
# sources differ. Usage: scripts/sandbox-stack.sh HOST CONFIG_FILE
set -euo pipefail
host=${1:?usage: sandbox-stack.sh HOST CONFIG_FILE}
out=${2:?usage: sandbox-stack.sh HOST CONFIG_FILE}
hosts_json=/var/lib/openclaw-infra/sandbox/hosts.json
cd "$(dirname "$0")/.."   # reads Pulumi.yaml; CONFIG_FILE is relative to the repo
[ -f "$hosts_json" ] || { echo "sandbox-stack: $hosts_json missing: run 'npm run sandbox -- up' first" >&2; exit 1; }

# Keep the encryption salt if the file exists already (it protects the stack's secrets).
node - "$hosts_json" "$host" "$out" <<'JS'
const fs = require("fs");
const YAML = require(require.resolve("yaml", { paths: [process.cwd()] }));
const [hostsJson, host, out] = process.argv.slice(2);
const sb = JSON.parse(fs.readFileSync(hostsJson, "utf8"));
// Roles come from the topology in Pulumi.yaml: only addresses and host keys are the sandbox's.
const production = YAML.parse(fs.readFileSync("Pulumi.yaml", "utf8")).config["openclaw-infra:topology"].value.hosts;
const roles = Object.fromEntries(Object.entries(production).map(([name, h]) => [name, h.roles]));
if (!sb.hosts[host]) { console.error(`sandbox-stack: no host '${host}' in ${hostsJson}`); process.exit(1); }
for (const name of Object.keys(sb.hosts)) {
  if (!production[name]) { console.error(`sandbox-stack: sandbox host '${name}' is not in the topology of Pulumi.yaml`); process.exit(1); }
}
const existing = fs.existsSync(out) ? YAML.parse(fs.readFileSync(out, "utf8")) ?? {} : {};
const config = {
  ...(existing.config ?? {}),
  "openclaw-infra:host": host,
  "openclaw-infra:topology": {
    hosts: Object.fromEntries(Object.entries(sb.hosts).map(([name, h]) => [name, {
      address: h.address,
      // One network in the sandbox: the bridge is both the SSH and the private network.
      privateAddress: h.address,
      hostKey: h.hostKey,
      roles: roles[name],
    }])),
  },
  "openclaw-infra:ssh": { user: sb.sshUser, privateKeyPath: sb.privateKeyPath },
  "openclaw-infra:sources": {
    npmRegistry: sb.npmRegistry,
    nodeDist: sb.nodeDistUrl,
    logAgentReleases: sb.promtail.releaseUrl,
    logAgentAsset: sb.promtail.asset,
  },
  // Listen on the bridge too, so /health answers from the machine running the sandbox.
  "openclaw-infra:gateway": { ...(existing.config?.["openclaw-infra:gateway"] ?? {}), bind: "lan" },
  // Grafana's apt repository is out of reach: promtail comes from the local mirror.
  "openclaw-infra:logs": { from: "archive", version: sb.promtail.version, sha256: sb.promtail.sha256 },
  // Debian 13 has PostgreSQL 17 and pgvector; PGDG is out of reach.
  "openclaw-infra:postgres": { source: "distribution" },
};
// Cloudflare's API and edge are out of reach: only the host side of the tunnel, switched off.
if (roles[host]?.includes("gateway")) config["openclaw-infra:cloudflared"] = { run: false };
fs.writeFileSync(out, YAML.stringify({ ...existing, config }));
JS
echo "sandbox-stack: wrote $out for $host"
