// The sandbox stacks: the same program and components as production. Only the topology's
// addresses and host keys, the SSH login and the package sources are the sandbox's, plus each
// component's options from sandbox/options.ts (what the sandbox cannot reach).
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseStackConfig, PROJECT, secretsSchema, StackConfig } from "../src/config";
import { entries, HostUnit, hostUnits, placedOn } from "../src/registry";
import { PRIVATE_NETWORKS, Role } from "../src/topology";
import { Sandbox } from "./contract";
import { SANDBOX_OPTIONS, SANDBOX_PRIVATE_NETWORK, sandboxPrivateAddress } from "./options";

export const REPO = path.resolve(__dirname, "..");

type ConfigMap = Record<string, unknown>;
const key = (name: string) => `${PROJECT}:${name}`;

/** The config map of a Pulumi.yaml (values under `value:`) or a Pulumi.<stack>.yaml. */
function configOf(file: string): ConfigMap {
  const doc = parse(fs.readFileSync(file, "utf8")) ?? {};
  const config: Record<string, unknown> = doc.config ?? {};
  const isProject = path.basename(file) === "Pulumi.yaml";
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, isProject ? (v as { value?: unknown }).value : v]));
}

/** The roles of each host, from the topology in Pulumi.yaml: the sandbox has the same hosts and roles. */
function productionRoles(): Record<string, Role[]> {
  const topology = configOf(path.join(REPO, "Pulumi.yaml"))[key("topology")] as { hosts: Record<string, { roles: Role[] }> };
  return Object.fromEntries(Object.entries(topology.hosts).map(([name, h]) => [name, h.roles]));
}

/** The sandbox hosts in the order their stacks deploy: the database host first, whose stack the gateway's reads. */
export function deployOrder(sb: Sandbox): string[] {
  const roles = productionRoles();
  const first = (host: string) => (roles[host]?.includes("database") ? 0 : 1);
  return Object.keys(sb.contract.hosts).sort((a, b) => first(a) - first(b));
}

/** The config map (openclaw-infra:* keys) of the sandbox stack deploying `host`, over `existing`, on the private network `network`. */
/**
 * Options another host's stack derives from, written to every stack as the project's config
 * would carry them in production: the gateway's instances, each of which the observability
 * host's Prometheus probes.
 */
const READ_BY_OTHER_HOSTS = ["gateway"];

export function sandboxStackConfig(
  host: string,
  sb: Sandbox,
  existing: ConfigMap = {},
  network: (typeof PRIVATE_NETWORKS)[number] = SANDBOX_PRIVATE_NETWORK,
): ConfigMap {
  const roles = productionRoles();
  if (!sb.contract.hosts[host])
    throw new Error(`sandbox-stack: no host '${host}' in the sandbox (hosts: ${Object.keys(sb.contract.hosts).join(", ")})`);
  for (const name of Object.keys(sb.contract.hosts)) {
    if (!roles[name]) throw new Error(`sandbox-stack: sandbox host '${name}' is not in the topology of Pulumi.yaml`);
  }
  const config: ConfigMap = {
    ...existing,
    [key("host")]: host,
    [key("topology")]: {
      hosts: Object.fromEntries(
        Object.entries(sb.contract.hosts).map(([name, h]) => [
          name,
          { address: h.address, privateAddress: sandboxPrivateAddress(h.address, network), hostKey: h.hostKey, roles: roles[name] },
        ]),
      ),
      privateNetwork: network,
    },
    [key("ssh")]: { user: sb.contract.sshUser, privateKeyPath: sb.contract.privateKeyPath },
    [key("sources")]: {
      npmRegistry: sb.contract.npmRegistry,
      nodeDist: sb.contract.nodeDistUrl,
      logAgentReleases: sb.contract.promtail.releaseUrl,
      logAgentAsset: sb.contract.promtail.asset,
    },
  };
  const sandboxOptions: Partial<Record<string, (sandbox: Sandbox) => object>> = SANDBOX_OPTIONS;
  const project = configOf(path.join(REPO, "Pulumi.yaml"));
  const object = (value: unknown) => (typeof value === "object" ? value : {});
  for (const entry of entries) {
    const options = sandboxOptions[entry.key];
    if (!options || !(placedOn(entry, roles[host]) || READ_BY_OTHER_HOSTS.includes(entry.key))) continue;
    // A stack's value replaces the project's whole object (Pulumi merges no deeper than the
    // key): the project's options (a port every stack reads) are carried into it.
    config[key(entry.key)] = { ...object(project[key(entry.key)]), ...object(existing[key(entry.key)]), ...options(sb) };
  }
  return config;
}

/**
 * Writes the sandbox stack file for `host`, keeping what the file already has (its encryption
 * salt and secrets, settings made with `pulumi config set`).
 */
export function writeSandboxStack(host: string, file: string, sb: Sandbox, network?: (typeof PRIVATE_NETWORKS)[number]): void {
  const existing = fs.existsSync(file) ? (parse(fs.readFileSync(file, "utf8")) ?? {}) : {};
  fs.writeFileSync(file, stringify({ ...existing, config: sandboxStackConfig(host, sb, existing.config ?? {}, network) }));
}

/** A stack's parsed config from its files (Pulumi.yaml under Pulumi.<stack>.yaml); secrets are left out. */
export function readStackConfig(stackFile: string): StackConfig {
  const all = { ...configOf(path.join(REPO, "Pulumi.yaml")), ...configOf(stackFile) };
  return parseStackConfig(unprefixed(all));
}

/** The stack's own and its components' settings, without the project prefix and without secrets. */
export function unprefixed(config: ConfigMap): ConfigMap {
  const secret = Object.keys(secretsSchema.shape);
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith(`${PROJECT}:`))
      .map(([k, v]) => [k.slice(PROJECT.length + 1), v] as const)
      .filter(([k]) => !secret.includes(k)),
  );
}

/** Every unit the sandbox stacks deploy, host by host, as the registry derives them. */
export function sandboxUnitList(sb: Sandbox): HostUnit[] {
  return Object.keys(sb.contract.hosts).flatMap((host) => hostUnits(parseStackConfig(unprefixed(sandboxStackConfig(host, sb)))));
}
