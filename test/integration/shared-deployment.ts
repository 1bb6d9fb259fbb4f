// One deployment of both sandbox stacks, shared by the files that only read what is deployed
// and put back whatever they change (alerts, dashboards, gateway-config, logs, repair,
// telemetry), and last by the backups file, whose drill wipes the hosts: the first of them in a
// run resets the hosts and deploys vps2 then vps1; the others reuse it while nothing else has
// changed the hosts. harness.ts forgets it on any `sandbox` command and any other stack's up or
// destroy; sequencer.ts runs the files importing this module first. A file run alone deploys.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { HOSTS_JSON, readSandbox } from "../../sandbox/contract";
import { freePort } from "../../sandbox/host";
import { writeSandboxStack } from "../../sandbox/stack";
import { sandbox, sandboxInfo, SandboxStack, sharedDeploymentPaths } from "./harness";

type Host = "vps1" | "vps2";

export interface SharedDeployment {
  /** The file backend holding both stacks. */
  backend: string;
  /** Each host's stack: its name, config file and every secret it was given. */
  stacks: Record<Host, { stack: string; configFile: string; secrets: Record<string, string> }>;
  /** Alertmanager's webhook URL, on the sandbox bridge: alerts.test.ts listens there. */
  alertWebhook: string;
  /** When the deploy ended, ms since the epoch. */
  deployedAt: number;
  /** What the deploy took, for the files' figures: "reset 20.1 s, up vps2 150.2 s, ...". */
  made: string;
}

/**
 * vps2's options beyond the sandbox's. For alerts.test.ts: Alertmanager's webhook with a bearer
 * token, quick grouping, and 5 s scrapes, evaluations and gateway `for:`, so the gateway alert
 * fires and resolves within seconds. For backups.test.ts: a killed repository connection is
 * noticed after pgBackRest's io-timeout (its default 60 s, sometimes twice or more in a row),
 * shorter here, where nothing stalls on the bridge. The other files do not depend on them.
 */
function observabilityOptions(webhookUrl: string): Record<string, unknown> {
  return {
    alertmanager: { webhook: { url: webhookUrl, bearerToken: true }, route: { groupWait: "1s", groupInterval: "5s" } },
    prometheus: { scrapeInterval: "5s", evaluationInterval: "5s", alerts: { for: { gatewayUnhealthy: "10s", rebootRequired: "10s" } } },
    pgBackRest: { ioTimeoutSeconds: 15 },
  };
}

/** The sandbox stack file with `extra` options (openclaw-infra:<key>) merged over it. */
export function withOptions(host: string, extra: Record<string, unknown>): (file: string) => void {
  return (file) => {
    writeSandboxStack(host, file, readSandbox());
    const doc = parse(fs.readFileSync(file, "utf8"));
    for (const [key, value] of Object.entries(extra)) doc.config[`openclaw-infra:${key}`] = value;
    fs.writeFileSync(file, stringify(doc));
  };
}

/** The record, if it still describes the hosts: written in this run and no sandbox reset since. */
function recorded(record: string): SharedDeployment | undefined {
  if (!fs.existsSync(record)) return undefined;
  const deployment = JSON.parse(fs.readFileSync(record, "utf8")) as SharedDeployment;
  return fs.statSync(HOSTS_JSON).mtimeMs < deployment.deployedAt ? deployment : undefined;
}

/** The shared deployment: reused when this run has one that still holds, else made on reset hosts. */
export async function sharedDeployment(): Promise<SharedDeployment & { reused: boolean }> {
  const paths = sharedDeploymentPaths();
  if (!paths) throw new Error("no run folder: run the integration tests through `vitest --project integration`");
  const reuse = recorded(paths.record);
  if (reuse) return { ...reuse, reused: true };
  const info = sandboxInfo();
  const took: string[] = [];
  took.push(`reset ${sandbox("reset", "all").seconds.toFixed(1)} s`);
  const backend = paths.backend;
  fs.rmSync(backend, { recursive: true, force: true });
  fs.mkdirSync(path.join(backend, "state"), { recursive: true });
  const alertWebhook = `http://${info.bridge}:${await freePort(info.bridge)}/alerts`;
  const deploy = (host: Host, options: Record<string, unknown>) => {
    const stack = new SandboxStack(host, backend);
    const secrets = stack.createWithSecrets(withOptions(host, options));
    took.push(`up ${host} ${stack.up().seconds.toFixed(1)} s`);
    return { stack: stack.stack, configFile: stack.configFile, secrets };
  };
  // vps2 first: vps1's stack reads the observability host's from it.
  const vps2 = deploy("vps2", observabilityOptions(alertWebhook));
  const stacks = { vps2, vps1: deploy("vps1", {}) };
  const deployment: SharedDeployment = { backend, stacks, alertWebhook, deployedAt: Date.now(), made: took.join(", ") };
  // The stacks' secrets are in it: readable by root only.
  fs.writeFileSync(paths.record, JSON.stringify(deployment), { mode: 0o600 });
  return { ...deployment, reused: false };
}

/** The shared deployment's stacks, for a file that runs pulumi on them. */
export function sharedStacks(deployment: SharedDeployment): Record<Host, SandboxStack> {
  return {
    vps1: new SandboxStack("vps1", deployment.backend, deployment.stacks.vps1.stack),
    vps2: new SandboxStack("vps2", deployment.backend, deployment.stacks.vps2.stack),
  };
}

/** A secret the shared deployment gave `host`'s stack, by config path; a missing one fails the test that needs it. */
export function sharedSecret(deployment: SharedDeployment, host: Host, configPath: string): string {
  const value = deployment.stacks[host].secrets[configPath];
  if (value === undefined) throw new Error(`the shared deployment gave ${host} no secret ${configPath}`);
  return value;
}

/** "made: reset 20.1 s, ..." or "reused (made ... 312 s ago)", for a file's figures. */
export function sharedDeploymentFigure(deployment: SharedDeployment & { reused: boolean }): string {
  if (!deployment.reused) return `made: ${deployment.made}`;
  return `reused (made ${((Date.now() - deployment.deployedAt) / 1000).toFixed(0)} s ago: ${deployment.made})`;
}
