// npm run drill -- vps1|vps2|all: the disaster-recovery drill (sandbox/drill.ts) against the
// quickstart's stacks (sandbox-vps1, sandbox-vps2). Run `npm run quickstart` first.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { drill, DrillResult, TARGETS } from "../sandbox/drill";

const REPO = path.resolve(__dirname, "..");
const STATE = "/var/lib/openclaw-infra/pulumi";

function rebuild(host: string): void {
  const stack = `sandbox-${host}`;
  if (!fs.existsSync(path.join(REPO, `Pulumi.${stack}.yaml`))) throw new Error(`drill: no stack ${stack}: run npm run quickstart first`);
  console.log(`drill ${host}: pulumi up --refresh --stack ${stack}`);
  const r = spawnSync("pulumi", ["up", "--refresh", "--yes", "--skip-preview", "--stack", stack, "--non-interactive"], {
    cwd: REPO,
    stdio: "inherit",
    env: { ...process.env, PULUMI_BACKEND_URL: `file://${STATE}/backend`, PULUMI_CONFIG_PASSPHRASE_FILE: `${STATE}/passphrase` },
  });
  if (r.status !== 0) throw new Error(`drill ${host}: pulumi up --refresh failed (${r.status})`);
}

const arg = process.argv[2];
const hosts = arg === "all" ? ["vps2", "vps1"] : arg && arg in TARGETS ? [arg] : undefined;
if (!hosts) {
  console.error(`usage: npm run drill -- ${Object.keys(TARGETS).join("|")}|all`);
  process.exit(2);
}
const results: DrillResult[] = [];
for (const host of hosts) {
  results.push(drill(host, () => rebuild(host)));
  // The other hosts kept a backup repository on the lost one: their stacks make it again.
  for (const other of Object.keys(TARGETS).filter((h) => h !== host)) rebuild(other);
}
console.log("\ndrill results:");
for (const r of results) {
  console.log(
    `  ${r.host}: RTO ${r.rtoSeconds.toFixed(1)} s, RPO ${r.rpoSeconds.toFixed(1)} s, backup ${r.backupSeconds.toFixed(1)} s, known entry ${r.knownEntryRestored ? "restored" : "MISSING"}`,
  );
}
process.exit(results.every((r) => r.knownEntryRestored) ? 0 : 1);
