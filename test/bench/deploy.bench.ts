// Deploy timings on the sandbox, each printed beside a floor measured in the same run:
// - fresh up vs the same scripts run back to back in ONE SSH session per host, on a host reset
//   again: what the work itself costs, without the engine, the planning and a session per step.
// - no-op up vs one SSH session per managed step doing nothing (`true`): the least a tool that
//   checks each step on the host (a runbook, Ansible, pyinfra) pays when nothing changed; our
//   no-op `up` decides locally and opens none.
// Run: npm run bench (sandbox up first; it resets both hosts, twice).
import { randomBytes } from "crypto";
import * as fs from "fs";
import { onHost, sandbox, SandboxStack, tempBackend } from "../integration/harness";

const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (s: number) => `${s.toFixed(1)} s`;

/** A value from `stack export --show-secrets`: secret ones are {plaintext: <JSON>}. */
type Exported = string | { plaintext: string } | undefined;
const reveal = (v: Exported): string | undefined => (typeof v === "object" ? JSON.parse(v.plaintext) : v);

interface Step {
  label: string;
  create: string;
  stdin?: string;
}

/**
 * What the deploy ran on the host: each RemoteCommand's create script and stdin, from the
 * stack's state, in its order (the engine keeps the state in dependency order).
 */
function deploySteps(stack: SandboxStack): Step[] {
  const state = JSON.parse(stack.ok(["stack", "export", "--show-secrets"], undefined, false).stdout) as {
    deployment: { resources?: { type: string; inputs?: Record<string, Exported>; outputs?: Record<string, Exported> }[] };
  };
  return (state.deployment.resources ?? [])
    .filter((r) => r.type.includes("RemoteCommand"))
    .map((r) => ({ ...r.inputs, ...r.outputs }))
    .map((v) => ({ label: reveal(v.label)!, create: reveal(v.create)!, stdin: reveal(v.stdin) }));
}

/**
 * The steps as one bash script: each runs as the provider runs it (`bash -euo pipefail -c`),
 * with its own stdin. Scripts and payloads travel base64-encoded inside the script, which goes
 * on the session's stdin: no secret is ever in a command line.
 */
function oneSession(steps: Step[]): string {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const lines = steps.map(
    (s) => `echo ${JSON.stringify(`floor: ${s.label}`)} >&2\n` + `bash -euo pipefail -c "$(printf %s ${b64(s.create)} | base64 -d)" < <(printf %s ${b64(s.stdin ?? "")} | base64 -d)`,
  );
  return ["set -euo pipefail", ...lines].join("\n") + "\n";
}

function floor(host: string, steps: Step[]): number {
  const r = onHost(host, "bash -s", oneSession(steps));
  if (r.code !== 0) throw new Error(`floor on ${host} failed (${r.code}):\n${r.stderr.slice(-4000)}`);
  return r.seconds;
}

function main(): void {
  const backend = tempBackend();
  try {
    sandbox("reset", "all");
    const vps2 = new SandboxStack("vps2", backend, "bench-vps2");
    vps2.init({ "postgresPasswords.openclaw": randomBytes(18).toString("hex"), postgresExporterPassword: randomBytes(18).toString("hex") });
    const vps1 = new SandboxStack("vps1", backend, "bench-vps1");
    vps1.init({ gatewayToken: randomBytes(24).toString("hex"), tunnelToken: randomBytes(48).toString("base64") });

    const measured = [vps2, vps1].map((stack) => {
      const fresh = stack.up().seconds;
      const noop = median(Array.from({ length: ROUNDS }, () => stack.up().seconds));
      const steps = deploySteps(stack);
      const baseline = median(
        Array.from({ length: ROUNDS }, () => {
          const start = Date.now();
          for (let i = 0; i < steps.length; i++) onHost(stack.host, "true");
          return (Date.now() - start) / 1000;
        }),
      );
      return { host: stack.host, steps, fresh, noop, baseline };
    });

    // The floor of a fresh up: blank hosts again, then each host's scripts in one session, in
    // the order the stacks deploy (vps1's gateway reads vps2's database).
    sandbox("reset", "all");
    const rows: string[][] = [
      ["host", "steps", "fresh up", "floor: same scripts, 1 ssh session", "fresh / floor", "no-op up (median)", "baseline: 1 ssh session/step", "no-op / baseline"],
    ];
    for (const m of measured) {
      const f = floor(m.host, m.steps);
      rows.push([m.host, String(m.steps.length), seconds(m.fresh), seconds(f), (m.fresh / f).toFixed(2), seconds(m.noop), seconds(m.baseline), (m.noop / m.baseline).toFixed(2)]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    console.log(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n"));
  } finally {
    fs.rmSync(backend, { recursive: true, force: true });
  }
}

main();
