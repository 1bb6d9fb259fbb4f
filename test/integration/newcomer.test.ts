// The production path as a newcomer takes it (issue 17): a clone of this repository, the
// topology in Pulumi.yaml and the SSH key path in the shipped stack files edited to reach the
// sandbox's hosts, `npm run secrets -- vps2` and `-- vps1`, then `pulumi preview` of both
// shipped stacks. The sources stay production's except the public URLs this machine cannot reach
// (nodejs.org's dist, GitHub's releases), pointed at the sandbox's mirrors of them. Previews
// only: no host is changed. The clone is of HEAD: commit before running this file.
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { run } from "../../sandbox/host";
import { REPO, sandboxInfo, tempBackend } from "./harness";

let dir: string;
let clone: string;
const env = () => ({ ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: "newcomer-test" });
const figures: string[] = [];

/** Runs in the clone (or `cwd`), and must succeed. */
function must(command: string, args: string[], cwd = clone) {
  const r = run(command, args, { cwd, env: env() });
  if (r.code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r;
}

beforeAll(() => {
  dir = tempBackend();
  clone = path.join(dir, "openclaw-infra");
  must("git", ["clone", "-q", REPO, clone], dir);
  // The packages this checkout installed, linked rather than installed again (same lock file).
  must("cp", ["-al", path.join(REPO, "node_modules"), path.join(clone, "node_modules")], dir);

  // What the README asks a newcomer to edit: the hosts' addresses and keys, the SSH key path.
  const sb = sandboxInfo();
  const project = path.join(clone, "Pulumi.yaml");
  const doc = parseDocument(fs.readFileSync(project, "utf8"));
  for (const host of ["vps1", "vps2"] as const) {
    const at = ["config", "openclaw-infra:topology", "value", "hosts", host];
    doc.setIn([...at, "address"], sb.hosts[host].address);
    doc.setIn([...at, "privateAddress"], sb.hosts[host].address);
    doc.setIn([...at, "hostKey"], sb.hosts[host].hostKey);
  }
  fs.writeFileSync(project, doc.toString());
  for (const stack of ["vps1", "vps2"]) {
    const file = path.join(clone, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("~/.ssh/id_ed25519", sb.privateKeyPath));
  }
  // The shipped placeholders are gone, the comments stay.
  expect(fs.readFileSync(project, "utf8")).not.toMatch(/203\.0\.113|10\.0\.0\.|cmVwbGFjZS1tZS/);
  expect(fs.readFileSync(project, "utf8")).toContain("# The topology, declared once");
});

afterAll(() => {
  console.log(`the newcomer's path:\n${figures.join("\n")}`);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the newcomer's path to a reviewed preview of both production stacks", () => {
  it("npm run secrets sets every secret each stack needs, generated, none on a command line", () => {
    for (const stack of ["vps2", "vps1"]) {
      const r = must("npm", ["run", "-s", "secrets", "--", stack]);
      figures.push(`  npm run secrets -- ${stack}: ${r.seconds.toFixed(1)} s`);
      expect(r.stdout).toContain(`created stack ${stack}`);
      expect(r.stdout).toMatch(/^set \S+ \(generated\)$/m);
      expect(r.stdout + r.stderr).not.toMatch(/^\s*error|^\s+at /im);
    }
  });

  it("previews vps2, then vps1 before vps2 is deployed: no error, no stack trace, no node warning, under 20 s each", () => {
    const sb = sandboxInfo();
    // The unreachable public URLs, and only those, pointed at the sandbox's mirrors.
    must("pulumi", ["config", "set", "--path", "sources.nodeDist", sb.nodeDistUrl, "-s", "vps1"]);
    for (const [key, release] of [
      ["loki", sb.loki],
      ["tempo", sb.tempo],
      ["otelCollector", sb["otelcol-contrib"]],
    ] as const) {
      must("pulumi", ["config", "set", "--path", `${key}.releaseUrl`, release.releaseUrl, "-s", "vps2"]);
    }
    const allowed = [
      // Point 3: what a preview of vps1 cannot know before vps2 is deployed.
      /^warning: openclaw-infra:stacks\.vps2: stack vps2 has no output 'database' and 'databasePassword' yet: run pulumi up -s vps2 first; /,
      // The production log agent's end of life (README, "Logs").
      /^warning: PromtailJournal vps\d-logs: promtail reached end of life/,
    ];
    for (const stack of ["vps2", "vps1"]) {
      const r = run("pulumi", ["preview", "-s", stack, "--non-interactive"], { cwd: clone, env: env() });
      figures.push(`  pulumi preview -s ${stack}: ${r.seconds.toFixed(1)} s`);
      const output = r.stdout + r.stderr;
      expect(r.code, output).toBe(0);
      expect(output).toMatch(/\+ \d+ to create/);
      expect(output).not.toMatch(/^\s*error:|^\s+at |PromiseRejection|\(node:\d+\)/m);
      const warnings = new Set(output.split("\n").flatMap((l) => l.match(/warning: .*/) ?? []));
      expect(
        [...warnings].filter((w) => !allowed.some((a) => a.test(w))),
        output,
      ).toEqual([]);
      expect(r.seconds).toBeLessThan(20);
    }
  });
});
