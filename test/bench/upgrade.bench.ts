// A change of provider upgrades deployed stacks in place, shown on the sandbox: both stacks
// deployed by another checkout's program (main by default: a state written by the provider
// before this one), then this checkout's `preview` plans no replace, create or delete and logs
// in to no host; its `up` rewrites the state without logging in, and the next preview plans
// nothing. Prints the no-op table before (the other checkout) and after (this one).
// Run: scripts/setup.sh && . scripts/env.sh && ts-node --transpile-only test/bench/upgrade.bench.ts [git ref]
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../sandbox/host";
import { changeSummary, REPO, sandbox, SandboxStack, tempBackend } from "../integration/harness";
import { floors, measureStack, NOOP_HEADER, noopRows, ROUNDS, sshLogins, table, Timings } from "./measure";

/** Steps an upgrade may plan: anything else would touch a host. */
const UPGRADE_OPS = new Set(["same", "update", "read"]);

function git(args: string[]): void {
  const r = run("git", args, { cwd: REPO });
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed:\n${r.stderr}`);
}

/** Upgrades one stack deployed by the other checkout; throws unless it went as promised. */
function upgrade(stack: SandboxStack): string {
  const before = sshLogins(stack.host);
  const plan = JSON.parse(stack.ok(["preview", "--json"]).stdout) as { steps?: { op: string; urn: string }[] };
  const ops = (plan.steps ?? []).map((s) => s.op);
  const touching = (plan.steps ?? []).filter((s) => !UPGRADE_OPS.has(s.op));
  if (touching.length > 0)
    throw new Error(`${stack.host}: the upgrade's preview plans ${touching.map((s) => `${s.op} ${s.urn}`).join(", ")}`);
  const up = stack.up();
  const changed = Object.keys(changeSummary(up.stdout)).filter((k) => k !== "updated" && k !== "unchanged");
  if (changed.length > 0) throw new Error(`${stack.host}: the upgrade's up did more than update:\n${up.stdout.slice(-3000)}`);
  const next = Object.keys(changeSummary(stack.ok(["up", "--yes", "--skip-preview"]).stdout));
  if (next.join() !== "unchanged") throw new Error(`${stack.host}: the up after the upgrade changed ${next.join(", ")}`);
  // sshLogins counts its own login: anything more came from pulumi.
  const logins = sshLogins(stack.host) - before - 1;
  if (logins !== 0) throw new Error(`${stack.host}: ${logins} SSH logins during the upgrade`);
  const updates = ops.filter((op) => op === "update").length;
  return `${stack.host}: preview planned ${updates} updates of ${ops.length} steps, no replace; up ${up.seconds.toFixed(1)} s; 0 SSH logins`;
}

function main(): void {
  const ref = process.argv[2] ?? "main";
  const backend = tempBackend();
  const previous = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-previous-")), "program");
  git(["worktree", "add", "--detach", previous, ref]);
  try {
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(previous, "node_modules"));
    sandbox("reset", "all");
    const stacks = ["vps2", "vps1"].map((host) => new SandboxStack(host, backend, `bench-${host}`));
    for (const stack of stacks) {
      stack.initWithSecrets();
      stack.ok(["up", "--yes", "--skip-preview", "--cwd", previous]);
    }
    const floorOf = floors();
    const rows = (label: string, timings: Timings[]) =>
      stacks.flatMap((s, i) => noopRows(`${s.host} ${label}`, timings[i], floorOf(timings[i].resources)));
    const before = stacks.map((stack) => measureStack(stack, previous));
    console.log(`no-op cost before (${ref}), ${ROUNDS} runs each:\n${table([NOOP_HEADER, ...rows(ref, before)])}\n`);
    for (const stack of stacks) console.log(upgrade(stack));
    const after = stacks.map((stack) => measureStack(stack));
    console.log(
      `\nno-op cost before (${ref}) and after (this checkout), ${ROUNDS} runs each:\n${table([NOOP_HEADER, ...rows(ref, before), ...rows("after", after)])}`,
    );
  } finally {
    git(["worktree", "remove", "--force", previous]);
    fs.rmSync(path.dirname(previous), { recursive: true, force: true });
    fs.rmSync(backend, { recursive: true, force: true });
  }
}

main();
