// What a no-op costs, for deploy.bench.ts and upgrade.bench.ts: `up`, `preview` and
// `preview --refresh` of a deployed sandbox stack, each beside the floor measured in the same
// run: a stack of as many trivial dynamic resources on the same toolchain, whose provider does
// nothing; and the state's bytes per resource.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../sandbox/host";
import { changeSummary, LocalStack, onHost, REPO, Run } from "../integration/harness";

/** Runs of each measure; the table gives their median and range. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export const MEASURES = ["no-op up", "preview", "preview --refresh"] as const;
export type Measure = (typeof MEASURES)[number];

const ARGS: Record<Measure, string[]> = {
  "no-op up": ["up", "--yes", "--skip-preview"],
  preview: ["preview"],
  "preview --refresh": ["preview", "--refresh"],
};

export interface Timings {
  seconds: Record<Measure, number[]>;
  /** Runs that failed or changed something, by measure: left out of the timings, shown in the table. */
  failed: Record<Measure, number>;
  /** Resources in the state (the stack and its provider included) and the state's bytes. */
  resources: number;
  stateBytes: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const seconds = (s: number) => `${s.toFixed(1)} s`;
const spread = (xs: number[], failed: number) =>
  (xs.length ? `${seconds(median(xs))} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})` : "-") +
  (failed ? `, ${failed} failed` : "");
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** A pulumi run that must succeed and, for `up`, change nothing. */
function noChange(measure: Measure, r: Run, where: string): number {
  if (r.code !== 0) throw new Error(`${where}: pulumi ${measure} failed (${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const counts = Object.keys(changeSummary(r.stdout));
  if (counts.length !== 1 || counts[0] !== "unchanged") throw new Error(`${where}: ${measure} is not a no-op:\n${r.stdout.slice(-3000)}`);
  return r.seconds;
}

/** The state as `stack export` gives it (secrets encrypted): what every checkpoint rewrites. */
function stateOf(exported: string): { resources: number; stateBytes: number } {
  const state = JSON.parse(exported) as { deployment: { resources?: unknown[] } };
  return { resources: state.deployment.resources?.length ?? 0, stateBytes: Buffer.byteLength(exported) };
}

/**
 * Each measure ROUNDS times; with BENCH_PROFILE=<dir>, once more with the CPU profiles of its
 * Node processes written to <dir>/<name> <measure>/ (read them with profile.ts) and the engine's
 * log (-v=9, timestamped) to <dir>/<name> <measure>.log.
 */
function timeEach(
  name: string,
  env: NodeJS.ProcessEnv,
  runMeasure: (m: Measure, extra?: string[]) => Run,
): Pick<Timings, "seconds" | "failed"> {
  const timings = Object.fromEntries(MEASURES.map((m) => [m, [] as number[]])) as Record<Measure, number[]>;
  const failed = Object.fromEntries(MEASURES.map((m) => [m, 0])) as Record<Measure, number>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const m of MEASURES) {
      try {
        timings[m].push(noChange(m, runMeasure(m), name));
      } catch (err) {
        // One failed run (a flaky SSH channel in a refresh, say) is reported, not the end of a long bench.
        console.error(`${name}: ${(err as Error).message}`);
        failed[m]++;
      }
    }
  }
  const profiles = process.env.BENCH_PROFILE;
  if (profiles) {
    fs.mkdirSync(profiles, { recursive: true });
    for (const m of MEASURES) {
      env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${JSON.stringify(path.join(profiles, `${name} ${m}`))}`;
      try {
        fs.writeFileSync(path.join(profiles, `${name} ${m}.log`), runMeasure(m, ["-v=9", "--logtostderr", "--logflow"]).stderr);
      } finally {
        delete env.NODE_OPTIONS;
      }
    }
  }
  return { seconds: timings, failed };
}

/** Each measure ROUNDS times on a deployed sandbox stack, running the program in `program` (a checkout of this repo). */
export function measureStack(stack: LocalStack, program = REPO): Timings {
  const name = `${stack.stack}${program === REPO ? "" : " previous"}`;
  const timings = timeEach(name, stack.env, (m, extra = []) => stack.pulumi([...ARGS[m], ...extra, "--cwd", program]));
  return { ...timings, ...stateOf(stack.ok(["stack", "export"]).stdout) };
}

/** The floor's program: `count` dynamic resources whose provider does nothing (read gives back what it has). */
const FLOOR_PROGRAM = `import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: inputs.name, outs: inputs };
  },
  async diff() {
    return { changes: false };
  },
  async read(id, props) {
    return { id, props };
  },
};

const count = new pulumi.Config().requireNumber("count");
for (let i = 0; i < count; i++) new pulumi.dynamic.Resource(provider, \`r\${i}\`, { name: \`r\${i}\` }, {}, "floor", "Trivial");
`;

/**
 * The floor for a stack of `resources` resources (its Stack and provider included): the same
 * number of resources, all but the Stack trivial dynamic ones, on the same toolchain and node_modules.
 */
export function measureFloor(resources: number): Timings {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-floor-"));
  try {
    fs.mkdirSync(path.join(dir, "state"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: bench-floor\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n",
    );
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-floor", private: true }));
    const compilerOptions = { target: "es2022", module: "commonjs", moduleResolution: "node", types: ["node"], strict: true };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions }));
    fs.writeFileSync(path.join(dir, "index.ts"), FLOOR_PROGRAM);
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: "bench-only" };
    const pulumi = (args: string[]) => run("pulumi", [...args, "--stack", "floor", "--non-interactive"], { cwd: dir, env });
    const ok = (args: string[]) => {
      const r = pulumi(args);
      if (r.code !== 0)
        throw new Error(`floor: pulumi ${args.join(" ")} failed (${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
      return r;
    };
    ok(["stack", "init"]);
    // The Stack and the default provider are the two that are not dynamic resources.
    ok(["config", "set", "count", String(resources - 2)]);
    ok(["up", "--yes", "--skip-preview"]);
    const timings = timeEach(`floor-${resources}`, env, (m, extra = []) => pulumi([...ARGS[m], ...extra]));
    return { ...timings, ...stateOf(ok(["stack", "export"]).stdout) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor of a stack size, measured once per size in the run. */
export function floors(): (resources: number) => Timings {
  const measured = new Map<number, Timings>();
  return (resources) => {
    const floor = measured.get(resources) ?? measureFloor(resources);
    measured.set(resources, floor);
    return floor;
  };
}

/** Rows of the no-op table: each measure and the state per resource, ours beside the floor. */
export function noopRows(label: string, ours: Timings, floor: Timings): string[][] {
  const rows = MEASURES.map((m) => {
    const ratio = median(ours.seconds[m]) / median(floor.seconds[m]);
    return [
      label,
      String(ours.resources),
      m,
      spread(ours.seconds[m], ours.failed[m]),
      spread(floor.seconds[m], floor.failed[m]),
      ratio.toFixed(2),
    ];
  });
  const perResource = (t: Timings) => t.stateBytes / t.resources;
  const state = [kilobytes(perResource(ours)), kilobytes(perResource(floor)), (perResource(ours) / perResource(floor)).toFixed(1)];
  return [...rows, [label, String(ours.resources), "state / resource", ...state]];
}

export const NOOP_HEADER = ["stack", "resources", "measure", "ours: median (min-max)", "floor: trivial dynamic resources", "ours / floor"];

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n");
}

/** The deploy's SSH logins (root's) a host has accepted so far, this check's own included. */
export function sshLogins(host: string): number {
  return Number(
    onHost(
      host,
      "journalctl -q --no-pager -o cat _COMM=sshd-session _COMM=sshd | grep -c 'Accepted publickey for root ' || true",
    ).stdout.trim(),
  );
}
