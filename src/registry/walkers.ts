// The walkers: everything derived from the registry's list. The stack config's shape and its
// secrets, which entries a host deploys and with which context, the units it runs, the secrets
// it needs, the listeners every host opens (and the clash check over them), the peer URLs read
// from those listeners, and Prometheus's scrape jobs. Another host's components are seen with
// this stack's config: options that move something a peer uses (a port, `run`) belong in the
// project config (Pulumi.yaml), which every stack reads.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { coreShape } from "../settings";
import { hostWithRole, Role } from "../topology";
import { REGISTRY } from "./list";
import {
  HostContext,
  HostListener,
  Listener,
  Peer,
  Problem,
  ScrapeJob,
  SecretChecks,
  SomeComponent,
  TopologyScrapeJob,
  UnitLine,
} from "./types";

type Entry = (typeof REGISTRY)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The stack config's component keys, each with its schema. */
export type ComponentShape = { [E in Entry as E["key"]]: E["schema"] };
/** Every entry's secrets, in one shape; each is optional there (required only where its entry is deployed). */
export type SecretsShape = {
  [K in keyof UnionToIntersection<NonNullable<Entry["secrets"]>>]: z.ZodOptional<UnionToIntersection<NonNullable<Entry["secrets"]>>[K]>;
};
/** Every entry's stack outputs. */
export type ComponentOutputs = UnionToIntersection<ReturnType<NonNullable<Entry["outputs"]>>>;
/** A stack's whole config: its own settings and every component's options. */
export type StackConfig = z.output<z.ZodObject<typeof coreShape & ComponentShape>>;

/** The registry as the walkers see it. */
export const entries: readonly SomeComponent[] = REGISTRY;

export function componentShape(): ComponentShape {
  return Object.fromEntries(entries.map((e) => [e.key, e.schema])) as ComponentShape;
}

/** Every entry's secrets; one several entries read is declared by each with the same schema, its owner's. */
export function secretsShape(): SecretsShape {
  const shape = new Map<string, z.core.$ZodType>();
  for (const e of entries) {
    for (const [key, schema] of Object.entries(e.secrets ?? {})) {
      const known = shape.get(key);
      if (known && known !== schema) throw new Error(`registry: ${e.key} declares the secret ${key} by a rule of its own`);
      shape.set(key, schema);
    }
  }
  return Object.fromEntries([...shape].map(([key, schema]) => [key, z.optional(schema)])) as SecretsShape;
}

/** The secrets `entry` cannot do without: those whose schema refuses undefined. */
export function requiredSecretKeys(entry: SomeComponent): string[] {
  return Object.entries(entry.secrets ?? {})
    .filter(([, schema]) => !z.safeParse(schema, undefined).success)
    .map(([key]) => key);
}

/** Pairs of entries set together that must not be, with the message for the second. */
export function exclusions(): { key: string; excludes: string; message: string }[] {
  return entries.flatMap((e) => (e.excludes ? [{ key: e.key, excludes: e.excludes.key, message: e.excludes.message }] : []));
}

/** Whether `entry`'s roles place it on a host with these roles (it is deployed there when also set, and its `when` holds). */
export function placedOn(entry: SomeComponent, roles: readonly Role[]): boolean {
  return entry.on === "every host" || entry.on.some((role) => roles.includes(role));
}

/** The host's part of every hook's context, without a component's options. */
function hostContext(config: StackConfig): Omit<HostContext, "options" | "reads" | "own"> {
  const h = config.topology.hosts[config.host];
  const listener = (key: string, name: string, on?: string) => findListener(config, key, name, on);
  return {
    host: config.host,
    roles: h.roles,
    config,
    address: h.address,
    privateAddress: h.privateAddress,
    listener,
    peer: (key, name, on) => {
      const found = listener(key, name, on);
      if (!found)
        throw new pulumi.RunError(
          `registry: ${config.host} needs ${key}'s ${name} listener${on ? ` on ${on}` : ""}, which no host deploys`,
        );
      return found;
    },
    hostListeners: () => hostListeners(config, config.host),
    addressesOf: (from, network) => addressesOf(config, from, network),
    scrapeJobs: () => scrapeJobs(config),
  };
}

/** `entry`'s context on this stack's host, or undefined when the host does not deploy it. */
function deployment(config: StackConfig, entry: SomeComponent): HostContext<{}, {}> | undefined {
  const base = hostContext(config);
  const settings: Record<string, unknown> = config;
  const options = settings[entry.key];
  if (!placedOn(entry, base.roles) || options === undefined || options === null) return undefined;
  const reads = Object.fromEntries(Object.keys(entry.reads ?? {}).map((key) => [key, settings[key]]));
  const own = (name: string): HostListener => {
    const found = (entry.listeners?.(ctx) ?? []).find((l) => l.name === name);
    if (!found) throw new Error(`registry: ${entry.key} declares no listener ${name}`);
    return onHost(config, entry.key, found);
  };
  const ctx: HostContext<{}, {}> = { ...base, options, reads, own };
  return entry.when && !entry.when(ctx) ? undefined : ctx;
}

/** The entries this stack's host deploys, in build order, each with its context. */
export function componentsOn(config: StackConfig): { entry: SomeComponent; ctx: HostContext<{}, {}> }[] {
  return entries.flatMap((entry) => {
    const ctx = deployment(config, entry);
    return ctx ? [{ entry, ctx }] : [];
  });
}

/** A listener placed on this stack's host, with the address its peers connect to. */
function onHost(config: StackConfig, component: string, listener: Listener): HostListener {
  const h = config.topology.hosts[config.host];
  const ip = listener.address === "loopback" ? "127.0.0.1" : listener.network === "public" ? h.address : h.privateAddress;
  return { ...listener, host: config.host, component, ip };
}

/** Each deployed entry's options against the stack's secrets (secretChecks), together. */
export function secretChecks(config: StackConfig, secrets: Record<string, unknown>): SecretChecks {
  const found = componentsOn(config).map(({ entry, ctx }) => entry.secretChecks?.(ctx, secrets) ?? { problems: [], warnings: [] });
  return { problems: found.flatMap((f) => f.problems), warnings: found.flatMap((f) => f.warnings) };
}

/**
 * sshd on `host`, where the topology says: the operator deploys through it, backups go through
 * it. Over a WireGuard network, the hosts reach each other's sshd at their public addresses:
 * SSH builds that network (a host deploying first makes its backup account on one that has no
 * interface yet), and is encrypted on its own.
 */
function sshListener(config: StackConfig, host: string): HostListener {
  const sshd: Listener = {
    name: "sshd",
    port: config.topology.hosts[host].sshPort,
    address: "all",
    protocol: "tcp",
    ...(config.topology.privateNetwork === "wireguard" ? { network: "public" as const } : {}),
    from: ["operator", "every host"],
    setting: `topology.hosts.${host}.sshPort`,
  };
  return onHost({ ...config, host }, "ssh", sshd);
}

/** Every socket `host` opens: sshd, then each deployed component's listeners, in registry order. The firewall is built from this. */
export function hostListeners(config: StackConfig, host: string): HostListener[] {
  const there = { ...config, host };
  return [
    sshListener(config, host),
    ...componentsOn(there).flatMap(({ entry, ctx }) => (entry.listeners?.(ctx) ?? []).map((l) => onHost(there, entry.key, l))),
  ];
}

/** See HostContext.listener. */
function findListener(config: StackConfig, key: string, name: string, on?: string): HostListener | undefined {
  const hosts = on ? [on] : [config.host, ...Object.keys(config.topology.hosts).filter((h) => h !== config.host)];
  for (const host of hosts) {
    if (key === "ssh") return sshListener(config, host);
    const entry = entries.find((e) => e.key === key);
    if (!entry) throw new Error(`registry: no component ${key}`);
    const there = { ...config, host };
    const ctx = deployment(there, entry);
    const found = ctx && (entry.listeners?.(ctx) ?? []).find((l) => l.name === name);
    if (found) return onHost(there, key, found);
  }
  return undefined;
}

/** The private addresses of the hosts `from` names (or their public ones), in topology order. */
export function addressesOf(config: StackConfig, from: readonly Peer[], network?: Listener["network"]): string[] {
  const observability = hostWithRole(config.topology, "observability");
  const names = (peer: Peer, host: string, roles: readonly Role[]): boolean => {
    if (peer === "every host") return true;
    if (peer === "observability host") return host === observability;
    if (peer === "this host") return host === config.host;
    // The operator comes through an SSH tunnel: no address of the topology.
    if (peer === "operator") return false;
    return roles.includes(peer.role);
  };
  return Object.entries(config.topology.hosts)
    .filter(([host, h]) => from.some((peer) => names(peer, host, h.roles)))
    .map(([, h]) => (network === "public" ? h.address : h.privateAddress));
}

/**
 * One problem per port this stack's host would open for two settings (same port and protocol),
 * naming both. Whatever the addresses: one service per port keeps the firewall's rules and
 * `ss -ltn` unambiguous, and a bind that widens later (gateway.bind: lan) cannot start a clash.
 * One setting may open its port on two addresses (PostgreSQL on loopback and the private one).
 */
export function portClashes(config: StackConfig): Problem[] {
  const seen: HostListener[] = [];
  const problems: Problem[] = [];
  for (const l of hostListeners(config, config.host)) {
    const other = seen.find((o) => o.port === l.port && o.protocol === l.protocol && o.setting !== l.setting);
    if (other) problems.push({ key: l.setting, message: `${l.port} is also ${other.setting} on ${config.host}` });
    seen.push(l);
  }
  return problems;
}

/** A unit one host runs, as the tests score it and the quickstart lists it. */
export interface HostUnit extends UnitLine {
  host: string;
  component: string;
}

/** The systemd units this stack's host runs, with how to reach each, in registry order. */
export function hostUnits(config: StackConfig): HostUnit[] {
  return componentsOn(config).flatMap(({ entry, ctx }) =>
    entry.units(ctx).map((line) => ({ host: config.host, component: entry.key, ...line })),
  );
}

/** The secret paths this stack's host needs set (see SomeComponent.secretPaths), each once: entries may share one. */
export function secretPaths(config: StackConfig): string[] {
  return [...new Set(componentsOn(config).flatMap(({ entry, ctx }) => entry.secretPaths?.(ctx) ?? requiredSecretKeys(entry)))];
}

/**
 * Everything Prometheus scrapes in the whole topology: for each host, the entries placed on
 * its roles, each asked for its jobs, each job's target the listener it names; jobs of the same
 * name become one, with one target group per host.
 */
export function scrapeJobs(stack: StackConfig): TopologyScrapeJob[] {
  const jobs = new Map<string, TopologyScrapeJob>();
  for (const host of Object.keys(stack.topology.hosts)) {
    for (const { entry, ctx } of componentsOn({ ...stack, host })) {
      for (const { job, listener, labels, ...rest } of entry.scrape?.(ctx) ?? []) {
        const known = jobs.get(job);
        const how = (j: Pick<ScrapeJob, "metricsPath" | "params" | "basicAuth">) => JSON.stringify([j.metricsPath, j.params, j.basicAuth]);
        if (known && how(known) !== how(rest)) {
          throw new Error(
            `scrape job ${job}: ${entry.key} on ${host} asks for a path, parameters or credentials other than the same job on another host`,
          );
        }
        const target = ctx.own(listener);
        if (target.address === "loopback")
          throw new Error(`scrape job ${job}: ${target.setting} on ${host} listens on loopback, out of Prometheus's reach`);
        const group = { targets: [`${target.ip}:${target.port}`], labels: { ...labels, host } };
        if (known) known.groups.push(group);
        else jobs.set(job, { job, ...rest, groups: [group] });
      }
    }
  }
  return [...jobs.values()];
}
