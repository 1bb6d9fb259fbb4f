// promtool and amtool for the unit tests, unpacked from Debian's packages into the cache by
// scripts/prometheus-tools.sh (setup.sh and `npm run test:unit` run it). Missing, a test fails
// saying so: never skipped.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const cache = process.env.OPENCLAW_CACHE ?? "/var/cache/openclaw-infra";

export function prometheusTool(name: "promtool" | "amtool"): string {
  const bin = path.join(cache, "toolchain", "prometheus", "usr", "bin", name);
  if (!fs.existsSync(bin)) {
    throw new Error(
      `${bin} is missing: run scripts/prometheus-tools.sh (it unpacks Debian's prometheus and prometheus-alertmanager packages there)`,
    );
  }
  return bin;
}

/** Runs the tool; its status and combined output. */
export function runTool(name: "promtool" | "amtool", args: string[], cwd?: string): { status: number | null; output: string } {
  const r = spawnSync(prometheusTool(name), args, { cwd, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
