// Where a pulumi run's time goes, from what measure.ts writes with BENCH_PROFILE=<dir>:
// - the CPU profile of the program's Node process (NODE_OPTIONS=--cpu-prof; the engine kills the
//   dynamic-provider process, which so writes none): its wall time, the time spent in each part
//   (self time by file: the TypeScript compiler, the Pulumi SDK, gRPC, our src/ and components/,
//   idle waiting for the engine or the network) and the inclusive time of the program's phases;
// - the engine's log (-v=9): when the program starts and registers, when the dynamic provider
//   answers, and how long refresh reads take.
// Run: ts-node --transpile-only test/bench/profile.ts <BENCH_PROFILE dir>
import * as fs from "fs";
import * as path from "path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Parts of a process's time, by the file of the running function; the first that matches names it. */
const PARTS: [string, RegExp][] = [
  ["TypeScript compiler (ts-node)", /node_modules\/(typescript|ts-node|@cspotcode)\//],
  ["gRPC, protobuf", /node_modules\/(@grpc|google-protobuf|protobufjs)\//],
  ["Pulumi SDK: closure serialization", /@pulumi\/pulumi\/runtime\/closure\//],
  ["Pulumi SDK: other", /node_modules\/@pulumi\//],
  ["other npm packages", /node_modules\//],
  ["ours: components/", /\/components\//],
  ["ours: src/", /\/src\//],
  ["idle (engine, network, timers)", /^\(idle\)$/],
  ["garbage collection", /^\(garbage collector\)$/],
];

/** Phases of the program: time in samples whose stack holds a function of this name in a file matching. */
const PHASES: [string, string, RegExp][] = [
  ["config checks (loadStackConfig)", "loadStackConfig", /\/src\/config\.ts$/],
  ["preflights (their CPU; their waits are idle)", "preflight", /\/src\/config\.ts$/],
  ["component construction (deployHost)", "deployHost", /\/src\/program\.ts$/],
  ["provider serialization (serializeFunction)", "serializeFunction", /closure\/serializeClosure/],
  ["module loading (require)", "require", /./],
];

const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;

function partOf(url: string, functionName: string): string {
  const key = url || `(${functionName.replace(/[()]/g, "")})`;
  return PARTS.find(([, re]) => re.test(key))?.[0] ?? "node internals, other";
}

export function summarize(file: string): string {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stack = (id: number) => {
    const frames: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) frames.push(node);
    }
    return frames;
  };
  const parts = new Map<string, number>();
  const phases = new Map<string, number>();
  const urls = new Set<string>();
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frames = stack(id);
    const top = frames[0];
    const part = partOf(top?.callFrame.url ?? "", top?.callFrame.functionName ?? "");
    parts.set(part, (parts.get(part) ?? 0) + delta);
    for (const f of frames) urls.add(f.callFrame.url);
    for (const [phase, fn, url] of PHASES) {
      if (frames.some((f) => f.callFrame.functionName === fn && url.test(f.callFrame.url)))
        phases.set(phase, (phases.get(phase) ?? 0) + delta);
    }
  });
  const all = [...urls];
  const kind = all.some((u) => u.includes("cmd/dynamic-provider"))
    ? "dynamic-provider process"
    : all.some((u) => u.includes("@pulumi/pulumi/cmd/run/"))
      ? "program"
      : "other node";
  const lines = [`${path.basename(file)}: ${kind}, ${ms(profile.endTime - profile.startTime)} from profiler start to exit`];
  for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1])) lines.push(`  ${part.padEnd(44)} ${ms(us).padStart(8)}`);
  for (const [phase, us] of phases) lines.push(`  phase, inclusive: ${phase.padEnd(44)} ${ms(us).padStart(8)}`);
  return lines.join("\n");
}

/** Moments of a run in the engine's log: the first line of each matching the pattern. */
const MOMENTS: [string, RegExp][] = [
  ["language host runs the program", /langhost\[nodejs\]\.Run\(/],
  ["program registers its first resource", /ResourceMonitor\.RegisterResource received/],
  ["engine launches the dynamic provider", /Launching plugin 'pulumi-nodejs \(resource\)'/],
  ["dynamic provider answers", /Provider\[\w+\]\.GetPluginInfo\(\) success/],
  ["first Check of a resource", /Provider\[\w+\]\.Check\(urn:.*dynamic/],
  ["first Read (refresh)", /Provider\[\w+\]\.Read\(/],
  ["program exits", /Program exited/],
];

/** When things happen in a pulumi run, from its -v=9 --logflow log (JSON lines), in seconds from its first line. */
export function timeline(file: string): string {
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { time: string; msg?: string });
  if (lines.length === 0) return `${path.basename(file)}: no log lines`;
  const t0 = Date.parse(lines[0].time);
  const at = (l: { time: string }) => (Date.parse(l.time) - t0) / 1000;
  const out = [`${path.basename(file)}: ${at(lines[lines.length - 1]).toFixed(2)} s logged`];
  for (const [moment, re] of MOMENTS) {
    const hit = lines.find((l) => re.test(l.msg ?? ""));
    if (hit) out.push(`  ${at(hit).toFixed(2).padStart(6)} s  ${moment}`);
  }
  // Reads: how long each took and how many ran at once.
  const started = new Map<string, number>();
  const took: number[] = [];
  let open = 0;
  let most = 0;
  for (const l of lines) {
    const m = /Provider\[\w+\]\.Read\(.*?,(urn:pulumi:[^) ]+)\) (executing|success|failed)/.exec(l.msg ?? "");
    if (!m) continue;
    if (m[2] === "executing") {
      started.set(m[1], at(l));
      most = Math.max(most, ++open);
    } else if (started.has(m[1])) {
      took.push(at(l) - (started.get(m[1]) ?? 0));
      open--;
    }
  }
  if (took.length) {
    took.sort((a, b) => a - b);
    const total = took.reduce((a, b) => a + b, 0);
    out.push(
      `  reads: ${took.length}, median ${took[Math.floor(took.length / 2)].toFixed(2)} s, max ${took[took.length - 1].toFixed(2)} s, sum ${total.toFixed(1)} s, at most ${most} at once`,
    );
  }
  const last = [...lines].reverse().find((l) => /ResourceMonitor\.RegisterResource received/.test(l.msg ?? ""));
  if (last) out.push(`  ${at(last).toFixed(2).padStart(6)} s  program registers its last resource`);
  return out.join("\n");
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: profile.ts <BENCH_PROFILE dir>");
  for (const entry of fs.readdirSync(dir).sort()) {
    const at = path.join(dir, entry);
    if (entry.endsWith(".log")) console.log(timeline(at));
    else if (fs.statSync(at).isDirectory()) {
      console.log(`== ${entry}`);
      for (const f of fs
        .readdirSync(at)
        .filter((f) => f.endsWith(".cpuprofile"))
        .sort())
        console.log(summarize(path.join(at, f)));
    }
  }
}
