// What the program cannot use is refused by the real `pulumi preview`, in seconds, with one
// line naming the config key (issue 6, point 4). A stack of its own on a temp file backend with
// the project's topology: every case fails before any resource is registered, so no host (and
// no sandbox host) is ever reached. Timings are printed; asserted only where the issue sets one.
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gatewayOptionsSchema } from "../../components/gateway-service/schema";
import { readStackConfig } from "../../sandbox/stack";
import { secretPaths } from "../../src/registry";
import { LocalStack, sandboxInfo, SandboxStack, tempBackend } from "./harness";

const TOKEN = randomBytes(24).toString("hex");
/** The release the stack deploys by default: its validator checks gateway.settings at preview. */
const OPENCLAW = gatewayOptionsSchema.parse({}).version;
const SHORT_TOKEN = "sh0rt-" + randomBytes(4).toString("hex");
/** A channel token two instances would share: never printed (the line names it by its keys). */
const BOT_TOKEN = `123456:${randomBytes(16).toString("hex")}`;

let backend: string;
let key: string;
let stack: LocalStack;
const timings: string[] = [];

beforeAll(() => {
  backend = tempBackend();
  // A key file that exists, so that only the case under test is wrong.
  key = path.join(backend, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", path.join(backend, "locked_ed25519")]);
  stack = new LocalStack(backend, "config-preview");
  // The SSH cases are about the key file: an agent of the person running the tests must not stand in.
  delete stack.env.SSH_AUTH_SOCK;
  stack.create(() => undefined, { gatewayToken: TOKEN });
  stack.ok(["config", "set", "host", "vps1"]);
  stack.ok(["config", "set", "--path", "ssh.privateKeyPath", key]);
  // nodejs.org cannot be reached from here: the sandbox's mirror of its dist stands in.
  stack.ok(["config", "set", "--path", "sources.nodeDist", sandboxInfo().nodeDistUrl]);
  // Every other secret vps1's components require (the registry says which), valid, so that
  // only the case under test is wrong.
  for (const secretPath of secretPaths(readStackConfig(stack.configFile)).filter((p) => p !== "gatewayToken")) {
    stack.ok(["config", "set", "--secret", "--path", secretPath], randomBytes(24).toString("base64url"));
  }
});

afterAll(() => {
  console.log(`pulumi preview refusing a config:\n${timings.join("\n")}`);
  if (backend) fs.rmSync(backend, { recursive: true, force: true });
});

interface Case {
  name: string;
  /**
   * Config paths to set for the case: put back to `restore` afterwards, or else their top-level
   * key removed. A secret is set on stdin.
   */
  set: { path: string; value: string | (() => string); restore?: () => string; secret?: boolean; plaintext?: boolean }[];
  line: string | (() => string);
}

const keyPath = (name: string) => () => path.join(backend, name);
const noAgent = "and no ssh-agent is running (SSH_AUTH_SOCK unset)";

const CASES: Case[] = [
  {
    name: "a misspelled key",
    set: [{ path: "gatway.port", value: "18790" }],
    line: "openclaw-infra:gatway: unknown setting (misspelled?)",
  },
  {
    name: "an openclaw release the npm registry does not have",
    set: [{ path: "gateway.version", value: "2099.1.1" }],
    line: "openclaw-infra:gateway.version: openclaw@2099.1.1 is not on the npm registry https://registry.npmjs.org/",
  },
  {
    name: "a Node.js dist that cannot be read",
    set: [{ path: "sources.nodeDist", value: "http://127.0.0.1:2/dist", restore: () => sandboxInfo().nodeDistUrl }],
    line: "openclaw-infra:sources.nodeDist: cannot resolve Node.js 24.x: http://127.0.0.1:2/dist/index.json could not be read (ECONNREFUSED)",
  },
  {
    name: "a gateway port node-exporter already listens on",
    set: [{ path: "gateway.port", value: "9100" }],
    line: "openclaw-infra:gateway.port: 9100 is also nodeExporter.port on vps1",
  },
  {
    // The release's own validator, cached on this machine (the first preview of a version fetches it).
    name: "a misspelled key in the gateway's own settings",
    set: [{ path: "gateway.settings.agents.defaults.workspce", value: "/var/lib/openclaw/workspace" }],
    line: `openclaw-infra:gateway.settings.agents.defaults.workspce: is not a key of openclaw ${OPENCLAW}'s configuration`,
  },
  {
    name: "a wrong type in the gateway's own settings",
    set: [{ path: "gateway.settings.agents.defaults.workspace", value: "5" }],
    line: `openclaw-infra:gateway.settings.agents.defaults.workspace: Invalid input: expected string, received number (openclaw ${OPENCLAW} config validate)`,
  },
  {
    name: "a settings reference to a secret that is not set",
    set: [{ path: "gateway.settings.models.providers.local.apiKey", value: "${LOCAL_LLM_API_KEY}" }],
    line: "openclaw-infra:gateway.settings.models.providers.local.apiKey: references LOCAL_LLM_API_KEY, which is not set: add it to the secret gatewayEnv",
  },
  // Several gateways on one host (issue 16): each clash in one line naming both instances.
  {
    name: "two gateway instances on one port",
    set: [
      { path: "gateway.instances.default.bind", value: "loopback" },
      { path: "gateway.instances.work.port", value: "18789" },
    ],
    line: "openclaw-infra:gateway.instances.work.port: 18789 is also gateway.instances.default.port: each instance needs its own port",
  },
  {
    name: "two gateway instances on one state directory",
    set: [
      { path: "gateway.instances.default.bind", value: "loopback" },
      { path: "gateway.instances.work.port", value: "18909" },
      { path: "gateway.instances.work.stateDir", value: "/var/lib/openclaw" },
    ],
    line: "openclaw-infra:gateway.instances.work.stateDir: /var/lib/openclaw is also gateway.instances.default's state directory: each instance needs its own",
  },
  {
    name: "one channel token in two gateway instances",
    set: [
      // A SecretRef: plaintext, which the CLI must be told under a key named like a token.
      { path: "gateway.settings.channels.telegram.botToken", value: "${TELEGRAM_BOT_TOKEN}", plaintext: true },
      { path: "gateway.instances.default.bind", value: "loopback" },
      { path: "gateway.instances.work.port", value: "18909" },
      { path: "gatewayEnv.TELEGRAM_BOT_TOKEN", value: BOT_TOKEN, secret: true },
    ],
    line: "openclaw-infra:gateway.instances.work.settings.channels.telegram.botToken: is the same credential as gateway.instances.default.settings.channels.telegram.botToken (compared by digest): a channel's bot token can be polled by one gateway only",
  },
  {
    name: "a plugin whose host range excludes the gateway's release",
    set: [
      { path: "gateway.version", value: "2026.6.11" },
      { path: 'gateway.plugins["npm:@openclaw/irc"]', value: "2026.9.5" },
    ],
    line: "openclaw-infra:gateway.plugins: npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (peerDependencies.openclaw, openclaw.compat.pluginApi); gateway.version is 2026.6.11",
  },
  {
    name: "a gateway token the gateway would refuse",
    set: [{ path: "gatewayToken", value: SHORT_TOKEN, restore: () => TOKEN, secret: true }],
    line: "openclaw-infra:gatewayToken: must be at least 24 characters",
  },
  {
    name: "an SSH key file that is missing",
    set: [{ path: "ssh.privateKeyPath", value: "/nonexistent/id_ed25519", restore: () => key }],
    line: `openclaw-infra:ssh.privateKeyPath: /nonexistent/id_ed25519 does not exist ${noAgent}`,
  },
  {
    name: "an SSH key file that cannot be read",
    set: [{ path: "ssh.privateKeyPath", value: "/etc", restore: () => key }],
    line: `openclaw-infra:ssh.privateKeyPath: /etc is not readable (EISDIR) ${noAgent}`,
  },
  {
    name: "a passphrase-protected SSH key without its passphrase",
    set: [{ path: "ssh.privateKeyPath", value: keyPath("locked_ed25519"), restore: () => key }],
    line: () =>
      `openclaw-infra:ssh.privateKeyPath: ${keyPath("locked_ed25519")()} is passphrase-protected: set openclaw-infra:sshKeyPassphrase ` +
      "(pulumi config set --secret sshKeyPassphrase) or load the key into ssh-agent",
  },
];

it.each(CASES)("refuses $name in one line naming the key", ({ name, set, line }) => {
  const put = (key: string, value: string, secret?: boolean, plaintext?: boolean) =>
    secret
      ? stack.ok(["config", "set", "--secret", "--path", key], value)
      : stack.ok(["config", "set", ...(plaintext ? ["--plaintext"] : []), "--path", key, value]);
  for (const { path: key, value, secret, plaintext } of set) put(key, typeof value === "function" ? value() : value, secret, plaintext);
  const r = stack.pulumi(["preview"]);
  for (const { path: key, restore, secret } of set) if (restore) put(key, restore(), secret);
  for (const top of new Set(set.filter((s) => !s.restore).map((s) => s.path.split(".")[0]))) stack.ok(["config", "rm", top]);
  timings.push(`  ${name.padEnd(52)} ${r.seconds.toFixed(1)} s`);

  const output = r.stdout + r.stderr;
  expect(r.code, output).not.toBe(0);
  // That line alone (the CLI prints it as it happens and again under Diagnostics): no stack
  // trace, no wrapper, no other problem, and no secret value.
  const problems = new Set(output.split("\n").flatMap((l) => l.match(/error: .*/) ?? []));
  expect([...problems], output).toEqual([`error: ${typeof line === "function" ? line() : line}`]);
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toContain("error serializing");
  expect(output).not.toContain(SHORT_TOKEN);
  expect(output).not.toContain(BOT_TOKEN);
});

// Issue 17, point 3: a reviewer previews the gateway's stack before the database's is deployed
// (its stack created, no outputs yet): the gateway host's own plan, DATABASE_URL unknown, and one
// warning saying what to run first. The sandbox's stack files, previewed only: no host is reached.
it("previews the gateway's host before the database's stack is deployed: its plan, and one line saying what to run first", () => {
  const database = new SandboxStack("vps2", backend, "early-vps2");
  database.initWithSecrets();
  const gateway = new SandboxStack("vps1", backend, "early-vps1");
  gateway.initWithSecrets();
  const r = gateway.pulumi(["preview"]);
  timings.push(`  ${"(not a refusal) vps1 before vps2 is deployed".padEnd(52)} ${r.seconds.toFixed(1)} s`);
  const output = r.stdout + r.stderr;
  expect(r.code, output).toBe(0);
  const warning =
    "warning: openclaw-infra:stacks.vps2: stack early-vps2 has no output 'database' and 'databasePassword' yet: " +
    "run pulumi up -s early-vps2 first; this preview shows the gateway's DATABASE_URL as unknown";
  expect(new Set(output.split("\n").flatMap((l) => l.match(/warning: openclaw-infra:stacks.*/) ?? []))).toEqual(new Set([warning]));
  expect(output).toMatch(/\+ \d+ to create/);
  expect(output).not.toMatch(/error|^\s+at /m);
  // An up stops at the preflight, in that line, before any resource (and so any host).
  const up = gateway.pulumi(["up", "--yes", "--skip-preview"]);
  timings.push(`  ${"up of vps1 before vps2 is deployed".padEnd(52)} ${up.seconds.toFixed(1)} s`);
  const upOutput = up.stdout + up.stderr;
  expect(up.code, upOutput).not.toBe(0);
  expect(new Set(upOutput.split("\n").flatMap((l) => l.match(/error: .*/) ?? []))).toEqual(
    new Set([
      "error: openclaw-infra:stacks.vps2: stack early-vps2 has no output 'database' and 'databasePassword' yet: run pulumi up -s early-vps2 first",
    ]),
  );
  expect(upOutput).not.toMatch(/RemoteCommand \S+ created|^\s+at /m);
});

// Issue 17, point 2: a release's sha256 without a hunt, against the sandbox's mirror, which
// publishes each release's checksum list under its publisher's name. The collector's: unset, the
// preview prints the line that pins the mirror's digest; `published`, the preview takes it and
// shows it. Previewed only: no host is reached.
it("finds a release's sha256 in its published checksum list: the line to pin it, or `published` taken and shown", () => {
  const collector = sandboxInfo()["otelcol-contrib"];
  const sums = `${collector.releaseUrl}/v${collector.version}/opentelemetry-collector-releases_otelcol-contrib_checksums.txt`;
  const observability = new SandboxStack("vps2", backend, "checksums-vps2");
  observability.initWithSecrets();

  observability.ok(["config", "rm", "--path", "otelCollector.sha256"]);
  const unset = observability.pulumi(["preview"]);
  timings.push(`  ${"otelCollector.sha256 unset".padEnd(52)} ${unset.seconds.toFixed(1)} s`);
  const unsetOutput = unset.stdout + unset.stderr;
  expect(unset.code, unsetOutput).not.toBe(0);
  expect(new Set(unsetOutput.split("\n").flatMap((l) => l.match(/error: .*/) ?? []))).toEqual(
    new Set([
      `error: openclaw-infra:otelCollector.sha256: is not set: ${sums} lists ${collector.sha256} for ${collector.asset}; ` +
        `pin it with pulumi config set --path otelCollector.sha256 ${collector.sha256} (or set it to 'published')`,
    ]),
  );

  observability.ok(["config", "set", "--path", "otelCollector.sha256", "published"]);
  // A list that cannot be read: one line naming the setting and why.
  observability.ok(["config", "set", "--path", "otelCollector.releaseUrl", "http://127.0.0.1:2/otelcol-contrib"]);
  const unreadable = observability.pulumi(["preview"]);
  timings.push(`  ${"otelCollector.sha256: published, list unreadable".padEnd(52)} ${unreadable.seconds.toFixed(1)} s`);
  expect(unreadable.code).not.toBe(0);
  expect(new Set((unreadable.stdout + unreadable.stderr).split("\n").flatMap((l) => l.match(/error: .*/) ?? []))).toEqual(
    new Set([
      `error: openclaw-infra:otelCollector.sha256: is 'published', but http://127.0.0.1:2/otelcol-contrib/v${collector.version}/` +
        "opentelemetry-collector-releases_otelcol-contrib_checksums.txt could not be read (ECONNREFUSED)",
    ]),
  );
  observability.ok(["config", "set", "--path", "otelCollector.releaseUrl", collector.releaseUrl]);
  const published = observability.pulumi(["preview"]);
  timings.push(`  ${"(not a refusal) otelCollector.sha256: published".padEnd(52)} ${published.seconds.toFixed(1)} s`);
  const output = published.stdout + published.stderr;
  expect(published.code, output).toBe(0);
  expect(output).toContain(
    `openclaw-infra:otelCollector.sha256: 'published': ${collector.sha256} for ${collector.releaseUrl}/v${collector.version}/${collector.asset} (from ${sums})`,
  );
  expect(output).toMatch(/\+ \d+ to create/);
});
