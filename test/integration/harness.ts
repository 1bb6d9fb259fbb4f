// Drives the real Pulumi CLI against the sandbox hosts, the way an operator would, and reads
// the hosts over SSH to check what happened there.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readSandbox, SandboxContract } from "../../sandbox/contract";
import { mustOnHost, onHost, openTunnel, run, Run, sandbox as sandboxCommand } from "../../sandbox/host";
import { sandboxPrivateAddress } from "../../sandbox/options";
import { readStackConfig, writeSandboxStack } from "../../sandbox/stack";
import { secretPaths } from "../../src/registry";
import { sh } from "../../src/remote/shell";
import { parse, stringify } from "yaml";
import { RUN_FOLDER_VARIABLE } from "./global-setup";

export const REPO = path.resolve(__dirname, "../..");
export { mustOnHost, onHost };
export type { Run };

/**
 * Where this run keeps the deployment the reading files share (shared-deployment.ts): its
 * record and its stacks' backend, in the folder global-setup.ts makes; undefined outside Vitest.
 */
export function sharedDeploymentPaths(): { record: string; backend: string } | undefined {
  const folder = process.env[RUN_FOLDER_VARIABLE];
  return folder ? { record: path.join(folder, "shared-deployment.json"), backend: path.join(folder, "shared-backend") } : undefined;
}

/** The hosts no longer hold what the shared deployment's record says: the next reader deploys again. */
export function forgetSharedDeployment(): void {
  const paths = sharedDeploymentPaths();
  if (paths) fs.rmSync(paths.record, { force: true });
}

/** `sandbox/sandbox <args>`, which must succeed. All but `status` change the hosts under the shared deployment. */
export function sandbox(...args: string[]): Run {
  if (args[0] !== "status") forgetSharedDeployment();
  return sandboxCommand(...args);
}

/** A file's measured figures, printed together at its end: "<name> figures:" then one line each. */
export function printFigures(name: string, figures: Record<string, string>): void {
  console.log(
    `\n${name} figures:\n` +
      Object.entries(figures)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join("\n"),
  );
}

/** The sandbox contract (hosts.json); a missing sandbox fails the run with what to do. */
export function sandboxInfo(): SandboxContract {
  return readSandbox().contract;
}

/** A sandbox host's address on the private network of the sandbox stacks (WireGuard's: only the hosts reach it). */
export function privateAddress(host: string): string {
  return sandboxPrivateAddress(sandboxInfo().hosts[host].address);
}

/** A temp folder holding the file backend shared by a test's stacks (stack references need one). */
export function tempBackend(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-it-"));
  fs.mkdirSync(path.join(dir, "state"));
  return dir;
}

/**
 * A Pulumi stack of this repo's program with its own file backend and config file in a temp
 * folder, so tests never touch an operator's stacks.
 */
export class LocalStack {
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** Everything the CLI printed, for the "no secret in output" check. */
  readonly transcript: string[] = [];

  constructor(
    readonly dir: string,
    readonly stack: string,
  ) {
    this.configFile = path.join(this.dir, `Pulumi.${stack}.yaml`);
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "integration-tests-only",
    };
  }

  /** Runs pulumi; `record: false` keeps the output out of the transcript (for deliberate secret reveals). */
  pulumi(args: string[], input?: string, record = true): Run {
    if ((args[0] === "up" || args[0] === "destroy") && this.dir !== sharedDeploymentPaths()?.backend) forgetSharedDeployment();
    // `stack ...` commands take no --config-file; the others read the stack's config from it.
    const config = args[0] === "stack" ? [] : ["--config-file", this.configFile];
    const r = run("pulumi", [...args, "--stack", this.stack, ...config, "--non-interactive"], {
      cwd: REPO,
      env: this.env,
      input,
    });
    if (record) this.transcript.push(r.stdout, r.stderr);
    return r;
  }

  /** pulumi ... that must succeed. */
  ok(args: string[], input?: string, record = true): Run {
    const r = this.pulumi(args, input, record);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    return r;
  }

  /**
   * Creates the stack, lets `configure` write its config file (which holds the passphrase salt
   * already: keep it), then sets `secrets` (config path -> value, via stdin).
   */
  create(configure: (configFile: string) => void, secrets: Record<string, string>): void {
    // `stack init` writes the passphrase salt to the repo's Pulumi.<stack>.yaml: move it over.
    this.ok(["stack", "init"]);
    fs.renameSync(path.join(REPO, `Pulumi.${this.stack}.yaml`), this.configFile);
    configure(this.configFile);
    for (const [key, value] of Object.entries(secrets)) this.ok(["config", "set", "--secret", "--path", key], value);
  }

  up(): Run {
    return this.ok(["up", "--yes", "--skip-preview", "--diff"]);
  }

  /** The steps a preview plans, as "op urn-name" pairs, from `pulumi preview --json`. */
  previewSteps(): { op: string; name: string }[] {
    const r = this.ok(["preview", "--json"]);
    const plan = JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] };
    // "read" steps are the stack references being read, not changes.
    return (plan.steps ?? [])
      .filter((s) => s.op !== "same" && s.op !== "read")
      .map((s) => ({ op: s.op, name: s.urn.split("::").pop() ?? s.urn }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** The changes a preview plans (no reads, no unchanged resources), as {op, name} sorted by name. */
const CHANGES = ["update", "create", "delete", "replace", "create-replacement"];

/**
 * What `pulumi preview --refresh` would change on `stack`: the host read first, so a hand edit
 * or a wiped host shows. Fails if any of `secrets` is in its output.
 */
export function refreshPreview(stack: LocalStack, secrets: string[] = []): { op: string; name: string }[] {
  const r = stack.ok(["preview", "--refresh", "--json"]);
  for (const secret of secrets) if ((r.stdout + r.stderr).includes(secret)) throw new Error("a secret in preview's output");
  const plan = JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] };
  return (plan.steps ?? [])
    .filter((step) => CHANGES.includes(step.op))
    .map((step) => ({ op: step.op, name: step.urn.split("::").pop() ?? step.urn }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A private ssh-agent (its socket in `dir`) holding `keyPath`; stop() kills it. */
export function startSshAgent(dir: string, keyPath: string): { socket: string; stop: () => void } {
  const socket = path.join(dir, "agent.sock");
  const started = run("ssh-agent", ["-s", "-a", socket]);
  const pid = started.stdout.match(/SSH_AGENT_PID=(\d+)/)?.[1];
  if (started.code !== 0 || !pid) throw new Error(`ssh-agent did not start (${started.code}): ${started.stdout}${started.stderr}`);
  const added = run("ssh-add", ["-q", keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  if (added.code !== 0) throw new Error(`ssh-add ${keyPath} failed (${added.code}): ${added.stderr}`);
  return { socket, stop: () => process.kill(Number(pid)) };
}

/** The stack deploying one sandbox host, configured as scripts/sandbox-stack.ts writes it. */
export class SandboxStack extends LocalStack {
  constructor(
    readonly host: string,
    dir: string,
    stack = `it-${host}`,
  ) {
    super(dir, stack);
  }

  /** Creates the stack with the sandbox config and sets `secrets` (config path -> value, via stdin). */
  init(secrets: Record<string, string>): void {
    this.create((file) => writeSandboxStack(this.host, file, readSandbox()), secrets);
  }

  /**
   * init() with every secret the registry says this host needs: the given values, a random one
   * for each other path. Returns them all, so a test's secret scan covers every secret a
   * component adds without listing it.
   */
  initWithSecrets(given: Record<string, string> = {}, then: (configFile: string) => void = () => undefined): Record<string, string> {
    return this.createWithSecrets((file) => {
      writeSandboxStack(this.host, file, readSandbox());
      then(file);
    }, given);
  }

  /** create() with every secret the configured stack's host needs, as initWithSecrets. */
  createWithSecrets(configure: (configFile: string) => void, given: Record<string, string> = {}): Record<string, string> {
    const secrets: Record<string, string> = {};
    this.create((file) => {
      configure(file);
      for (const secretPath of secretPaths(readStackConfig(file)))
        secrets[secretPath] = given[secretPath] ?? randomBytes(24).toString("base64url");
    }, {});
    for (const [key, value] of Object.entries(secrets)) this.ok(["config", "set", "--secret", "--path", key], value);
    return secrets;
  }
}

/** "Resources: 2 updated, 7 unchanged" style counts from `pulumi up` output. */
export function changeSummary(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const block = output.split(/\nResources:\n/)[1] ?? "";
  for (const m of block.matchAll(/^\s+[+~\-±]*\s*(\d+) (to \w+|\w+)/gm)) counts[m[2].replace(/^to /, "")] = Number(m[1]);
  return counts;
}

const tunnels = new Map<string, Promise<{ url: string; close: () => void }>>();

/**
 * The base URL of `address:port` as `host` reaches it, through an SSH tunnel: the firewall lets
 * this machine (not in the topology) reach SSH only, as it does an operator's. One tunnel per
 * target for the file's whole run, closed when it exits.
 */
export async function viaSsh(host: string, address: string, port: number): Promise<string> {
  const key = `${host} ${address}:${port}`;
  const tunnel = tunnels.get(key) ?? openTunnel(host, address, port);
  tunnels.set(key, tunnel);
  return (await tunnel).url;
}

/** `curl -fsS <url>` run on `host` (a listener the firewall keeps from this machine). */
export function curlOn(host: string, url: string): { ok: boolean; body: string } {
  const r = onHost(host, `curl -fsS --max-time 5 ${sh(url)}`);
  return { ok: r.code === 0, body: r.stdout };
}

/** The request headers of HTTP basic auth (Prometheus's and Alertmanager's APIs ask for it). */
export function basicAuth(user: string, password: string): { Authorization: string } {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/**
 * A sandbox stack file with one gateway instance (gateway.instances dropped): a single gateway
 * at its usual paths, as on a host deployed before instances existed. For the files whose
 * subject is not the instances, which then deploy one gateway fewer.
 */
export function singleGateway(file: string): void {
  const doc = parse(fs.readFileSync(file, "utf8"));
  delete doc.config["openclaw-infra:gateway"]?.instances;
  fs.writeFileSync(file, stringify(doc));
}
