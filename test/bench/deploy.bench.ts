// Deploy timings on the sandbox, printed with a baseline measured in the same run: one SSH
// session per managed step, doing nothing (`true`). That is the least a tool that checks each
// step on the host (a runbook, Ansible, pyinfra) pays on a run where nothing changed; our
// no-op `up` decides locally and opens none. Run: npm run bench (sandbox up first).
import { randomBytes } from "crypto";
import * as fs from "fs";
import { onHost, sandbox, SandboxStack, tempBackend } from "../integration/harness";

const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function managedSteps(stack: SandboxStack): number {
  const state = JSON.parse(stack.ok(["stack", "export"]).stdout) as { deployment: { resources?: { type: string }[] } };
  return (state.deployment.resources ?? []).filter((r) => r.type.includes("RemoteCommand")).length;
}

function main(): void {
  const backend = tempBackend();
  try {
    sandbox("reset", "all");
    const vps2 = new SandboxStack("vps2", backend, "bench-vps2");
    vps2.init({ "postgresPasswords.openclaw": randomBytes(18).toString("hex") });
    const vps1 = new SandboxStack("vps1", backend, "bench-vps1");
    vps1.init({ gatewayToken: randomBytes(24).toString("hex"), tunnelToken: randomBytes(48).toString("base64") });

    const rows: string[][] = [["host", "steps", "fresh up", "no-op up (median)", "baseline: 1 ssh session/step", "no-op / baseline"]];
    for (const stack of [vps2, vps1]) {
      const fresh = stack.up().seconds;
      const noop = median(Array.from({ length: ROUNDS }, () => stack.up().seconds));
      const steps = managedSteps(stack);
      const baseline = median(
        Array.from({ length: ROUNDS }, () => {
          const start = Date.now();
          for (let i = 0; i < steps; i++) onHost(stack.host, "true");
          return (Date.now() - start) / 1000;
        }),
      );
      rows.push([stack.host, String(steps), `${fresh.toFixed(1)} s`, `${noop.toFixed(1)} s`, `${baseline.toFixed(1)} s`, (noop / baseline).toFixed(2)]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    console.log(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n"));
  } finally {
    fs.rmSync(backend, { recursive: true, force: true });
  }
}

main();
