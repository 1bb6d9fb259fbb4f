// Deploy timings on the sandbox, each printed beside a floor measured in the same run:
// - no-op up, preview and preview --refresh of each deployed stack vs the same on a stack of as
//   many trivial dynamic resources (measure.ts), and the state's bytes per resource: what the
//   program, the provider and the state cost beyond Pulumi's own.
// - fresh up vs the same scripts run back to back in ONE SSH session per host (and one for each
//   run of steps on the peer, as a backup account), on hosts reset again: what the work itself
//   costs, without the engine, the planning and a session per step.
// - no-op up vs one SSH session per managed step doing nothing (`true`): the least a tool that
//   checks each step on the host (a runbook, Ansible, pyinfra) pays when nothing changed; our
//   no-op `up` decides locally and opens none.
// - the drift check run over and over: BENCH_REFRESH_RUNS (20) consecutive `preview --refresh`
//   runs of each stack, each of which must end without an error (an SSH channel refused, say).
// Run: npm run bench (sandbox up first; it resets both hosts, twice). BENCH_ROUNDS=n runs each
// measure n times (3).
import * as fs from "fs";
import { onHost, sandbox, sandboxInfo, SandboxStack, tempBackend } from "../integration/harness";
import { floors, measureStack, NOOP_HEADER, noopRows, ROUNDS, seconds, table } from "./measure";

const REFRESH_RUNS = Number(process.env.BENCH_REFRESH_RUNS ?? 20);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A value from `stack export --show-secrets`: secret ones are {plaintext: <JSON>}. */
type Exported = string | { plaintext: string } | undefined;
const reveal = (v: Exported): string | undefined => (typeof v === "object" ? JSON.parse(v.plaintext) : v);

interface Step {
  /** The sandbox host the step runs on: a stack's steps may reach its peer (a backup account, say). */
  host: string;
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
    deployment: { resources?: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
  };
  const hostAt = Object.fromEntries(Object.entries(sandboxInfo().hosts).map(([name, h]) => [h.address, name]));
  return (state.deployment.resources ?? [])
    .filter((r) => r.type.includes("RemoteCommand"))
    .map((r) => ({ ...r.inputs, ...r.outputs }))
    .map((v) => ({
      host: hostAt[(v.connection as { host: string }).host] ?? stack.host,
      label: reveal(v.label as Exported) ?? "",
      create: reveal(v.create as Exported) ?? "",
      stdin: reveal(v.stdin as Exported),
    }));
}

/** REFRESH_RUNS `preview --refresh --expect-no-changes` of a deployed stack: how many failed, and their times. */
function refreshRuns(stack: SandboxStack): { failed: string[]; seconds: number[] } {
  const failed: string[] = [];
  const times: number[] = [];
  for (let i = 0; i < REFRESH_RUNS; i++) {
    const r = stack.pulumi(["preview", "--refresh", "--expect-no-changes"], undefined, false);
    times.push(r.seconds);
    if (r.code !== 0) failed.push(`run ${i + 1}: ${(r.stderr + r.stdout).trim().split("\n").slice(-3).join(" | ")}`);
  }
  return { failed, seconds: times };
}

/**
 * The steps as one bash script: each runs as the provider runs it (`bash -euo pipefail -c`),
 * with its own stdin. Scripts and payloads travel base64-encoded inside the script, which goes
 * on the session's stdin: no secret is ever in a command line.
 */
function oneSession(steps: Step[]): string {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const lines = steps.map(
    (s) =>
      `echo ${JSON.stringify(`floor: ${s.label}`)} >&2\n` +
      `bash -euo pipefail -c "$(printf %s ${b64(s.create)} | base64 -d)" < <(printf %s ${b64(s.stdin ?? "")} | base64 -d)`,
  );
  return ["set -euo pipefail", ...lines].join("\n") + "\n";
}

/** The steps in order, each on its host: one session for each run of steps on the same host. */
function floor(steps: Step[]): number {
  let total = 0;
  for (let i = 0; i < steps.length;) {
    const host = steps[i].host;
    let end = i;
    while (end < steps.length && steps[end].host === host) end++;
    const r = onHost(host, "bash -s", oneSession(steps.slice(i, end)));
    if (r.code !== 0) throw new Error(`floor on ${host} failed (${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    total += r.seconds;
    i = end;
  }
  return total;
}

function main(): void {
  const backend = tempBackend();
  try {
    sandbox("reset", "all");
    const vps2 = new SandboxStack("vps2", backend, "bench-vps2");
    vps2.initWithSecrets();
    const vps1 = new SandboxStack("vps1", backend, "bench-vps1");
    vps1.initWithSecrets();

    const measured = [vps2, vps1].map((stack) => {
      const fresh = stack.up().seconds;
      const noops = measureStack(stack);
      const steps = deploySteps(stack);
      const baseline = median(
        Array.from({ length: ROUNDS }, () => {
          const start = Date.now();
          for (let i = 0; i < steps.length; i++) onHost(stack.host, "true");
          return (Date.now() - start) / 1000;
        }),
      );
      return { host: stack.host, steps, fresh, noops, baseline };
    });
    const floorOf = floors();
    const noopTable = [NOOP_HEADER, ...measured.flatMap((m) => noopRows(m.host, m.noops, floorOf(m.noops.resources)))];
    console.log(`no-op cost, ${ROUNDS} runs each:\n${table(noopTable)}\n`);

    const refreshTable = [["stack", "preview --refresh runs", "failed", "median", "max"]];
    const failures: string[] = [];
    for (const stack of [vps2, vps1]) {
      const runs = refreshRuns(stack);
      refreshTable.push([
        stack.host,
        String(REFRESH_RUNS),
        String(runs.failed.length),
        seconds(median(runs.seconds)),
        seconds(Math.max(...runs.seconds)),
      ]);
      failures.push(...runs.failed.map((f) => `${stack.host} ${f}`));
    }
    console.log(`the drift check, run back to back:\n${table(refreshTable)}\n${failures.join("\n")}\n`);

    // The floor of a fresh up: blank hosts again, then each host's scripts in one session, in
    // the order the stacks deploy (vps1's gateway reads vps2's database).
    sandbox("reset", "all");
    const rows: string[][] = [
      [
        "host",
        "steps",
        "fresh up",
        "floor: same scripts, 1 ssh session",
        "fresh / floor",
        "no-op up (median)",
        "baseline: 1 ssh session/step",
        "no-op / baseline",
      ],
    ];
    for (const m of measured) {
      const f = floor(m.steps);
      const noop = median(m.noops.seconds["no-op up"]);
      rows.push([
        m.host,
        String(m.steps.length),
        seconds(m.fresh),
        seconds(f),
        (m.fresh / f).toFixed(2),
        seconds(noop),
        seconds(m.baseline),
        (noop / m.baseline).toFixed(2),
      ]);
    }
    console.log(`fresh up:\n${table(rows)}`);
  } finally {
    fs.rmSync(backend, { recursive: true, force: true });
  }
}

main();
