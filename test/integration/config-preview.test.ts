// What the program cannot use is refused by the real `pulumi preview`, in seconds, with one
// line naming the config key (issue 6, point 4). A stack of its own on a temp file backend with
// the project's topology: every case fails before any resource is registered, so no host (and
// no sandbox host) is ever reached. Timings are printed, not asserted.
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LocalStack, tempBackend } from "./harness";

const TOKEN = randomBytes(24).toString("hex");
const SHORT_TOKEN = "sh0rt-" + randomBytes(4).toString("hex");

let backend: string;
let stack: LocalStack;
const timings: string[] = [];

beforeAll(() => {
  backend = tempBackend();
  // A key file that exists, so that only the case under test is wrong.
  const key = path.join(backend, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  stack = new LocalStack(backend, "config-preview");
  stack.create(() => undefined, { gatewayToken: TOKEN });
  stack.ok(["config", "set", "host", "vps1"]);
  stack.ok(["config", "set", "--path", "ssh.privateKeyPath", key]);
});

afterAll(() => {
  console.log(`pulumi preview refusing a config:\n${timings.join("\n")}`);
  if (backend) fs.rmSync(backend, { recursive: true, force: true });
});

interface Case {
  name: string;
  /** Config paths to set for the case, their top-level key removed afterwards; a secret is set on stdin and put back to `restore`. */
  set: { path: string; value: string; restore?: string }[];
  line: string;
}

const CASES: Case[] = [
  { name: "a misspelled key", set: [{ path: "gatway.port", value: "18790" }], line: "openclaw-infra:gatway: unknown setting (misspelled?)" },
  {
    name: "an openclaw release the npm registry does not have",
    set: [{ path: "gateway.version", value: "2099.1.1" }],
    line: "openclaw-infra:gateway.version: openclaw@2099.1.1 is not on the npm registry https://registry.npmjs.org/",
  },
  {
    name: "a gateway token the gateway would refuse",
    set: [{ path: "gatewayToken", value: SHORT_TOKEN, restore: TOKEN }],
    line: "openclaw-infra:gatewayToken: must be at least 24 characters",
  },
];

it.each(CASES)("refuses $name in one line naming the key", ({ name, set, line }) => {
  const setSecret = (key: string, value: string) => stack.ok(["config", "set", "--secret", "--path", key], value);
  for (const { path: key, value, restore } of set) {
    if (restore) setSecret(key, value);
    else stack.ok(["config", "set", "--path", key, value]);
  }
  const r = stack.pulumi(["preview"]);
  for (const { path: key, restore } of set) {
    if (restore) setSecret(key, restore);
    else stack.ok(["config", "rm", key.split(".")[0]]);
  }
  timings.push(`  ${name.padEnd(52)} ${r.seconds.toFixed(1)} s`);

  const output = r.stdout + r.stderr;
  expect(r.code, output).not.toBe(0);
  // That line alone (the CLI prints it as it happens and again under Diagnostics): no stack
  // trace, no wrapper, no other problem, and no secret value.
  const problems = new Set(output.split("\n").flatMap((l) => l.match(/error: .*/) ?? []));
  expect([...problems], output).toEqual([`error: ${line}`]);
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toContain("error serializing");
  expect(output).not.toContain(SHORT_TOKEN);
});
