// Where a pulumi run's Node time goes, from the CPU profiles of its Node processes (the program
// and the dynamic-provider process), written when measure.ts runs with BENCH_PROFILE=<dir>
// (NODE_OPTIONS=--cpu-prof). For each process: its wall time, the time spent in each part
// (self time by file: the TypeScript compiler, the Pulumi SDK, gRPC, our src/ and components/,
// idle waiting for the engine or the network), and the inclusive time of the program's phases.
// Run: ts-node --transpile-only test/bench/profile.ts <dir holding .cpuprofile files>
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
      if (frames.some((f) => f.callFrame.functionName === fn && url.test(f.callFrame.url))) phases.set(phase, (phases.get(phase) ?? 0) + delta);
    }
  });
  const all = [...urls];
  const kind = all.some((u) => u.includes("cmd/dynamic-provider")) ? "dynamic-provider process" : all.some((u) => u.includes("@pulumi/pulumi/cmd/run/")) ? "program" : "other node";
  const lines = [`${path.basename(file)}: ${kind}, ${ms(profile.endTime - profile.startTime)} from profiler start to exit`];
  for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1])) lines.push(`  ${part.padEnd(44)} ${ms(us).padStart(8)}`);
  for (const [phase, us] of phases) lines.push(`  phase, inclusive: ${phase.padEnd(44)} ${ms(us).padStart(8)}`);
  return lines.join("\n");
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: profile.ts <dir of .cpuprofile files>");
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort()) console.log(summarize(path.join(dir, f)));
}
