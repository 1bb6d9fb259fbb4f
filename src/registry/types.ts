// What a registry entry is: its hooks and the contexts they see. Each component declares its
// entry in components/<name>/entry.ts with `component()`; src/registry/index.ts lists them in
// build order and src/registry/walkers.ts walks the list.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Connection } from "../remote/ssh";
import type { CoreConfig } from "../settings";
import { Role } from "../topology";

/**
 * Who connects to a listener: the hosts of a role, every host, the observability host, the host
 * itself, or the operator through an SSH tunnel.
 */
export type Peer = { role: Role } | "every host" | "observability host" | "this host" | "operator";

/** A socket a component opens on its host. The port comes from the component's options, and only from there. */
export interface Listener {
  /** Unique within the component, e.g. "http", "otlp-http". */
  name: string;
  port: number;
  /** loopback: 127.0.0.1; private: the host's private address; all: every address. */
  address: "loopback" | "private" | "all";
  protocol: "tcp" | "udp";
  /**
   * public: peers reach it at the host's public address (the topology's `address`) from theirs,
   * for what the private network cannot carry: WireGuard's own packets. Default: the private network.
   */
  network?: "public";
  /** Who connects to it (the firewall opens it to them, and to no one else). */
  from: readonly Peer[];
  /** The option that sets the port, as the operator writes it: "loki.port". */
  setting: string;
}

/** A listener on one host of the topology, with the address its peers connect to. */
export interface HostListener extends Listener {
  host: string;
  /** Registry key of the component that opens it ("ssh" for sshd, which the topology sets). */
  component: string;
  /** Where a peer connects: 127.0.0.1 for a loopback listener, the public address for a public one, else the private address. */
  ip: string;
}

/** http://<ip>:<port><path> of a listener. */
export function httpAt(listener: Pick<HostListener, "ip" | "port">, path = ""): string {
  return `http://${listener.ip}:${listener.port}${path}`;
}

/** A job of the topology's scrape configuration: a ScrapeJob's targets, grouped per host. */
export interface TopologyScrapeJob extends Omit<ScrapeJob, "listener" | "labels"> {
  /** One group per host (and label set), each labelled with the topology's host name as `host`. */
  groups: { targets: string[]; labels: Record<string, string> }[];
}

/** What every hook of an entry knows: the host being deployed, this component's options, and the topology's listeners. */
export interface HostContext<O = unknown, Rd = unknown> {
  host: string;
  roles: readonly Role[];
  /** The stack's own settings: host, topology, ssh, sources, stacks. */
  config: CoreConfig;
  /** Where the operator's machine reaches the host, and its address on the private network. */
  address: string;
  privateAddress: string;
  /** This component's options, parsed by its schema. */
  options: O;
  /** The options of the other components this one `reads`. */
  reads: Rd;
  /**
   * Listener `name` of the component `key` (key "ssh": sshd, set by the topology): on host `on`
   * when given; else on this host when it is deployed here, else on the first host of the
   * topology that deploys it (its options as this stack's config sets them). Undefined when no
   * such host deploys it.
   */
  listener(key: string, name: string, on?: string): HostListener | undefined;
  /** The same, for a listener this component cannot do without: the deploy fails naming both when it is missing. */
  peer(key: string, name: string, on?: string): HostListener;
  /** This component's own listener `name` on this host. */
  own(name: string): HostListener;
  /** Every socket this host opens: sshd's, then each deployed component's (the firewall's input). */
  hostListeners(): HostListener[];
  /** The private addresses of the hosts that `from` names, or their public ones (the operator has none). */
  addressesOf(from: readonly Peer[], network?: Listener["network"]): string[];
  /** Every scrape job of the topology (Prometheus's configuration). */
  scrapeJobs(): TopologyScrapeJob[];
}

export interface BuildContext<O = unknown, Rd = unknown, Sec = unknown> extends HostContext<O, Rd> {
  connection: Connection;
  /** How the operator's machine reaches another host of the topology (a backup repository there). */
  connectionTo(host: string): Connection;
  /** This component's secrets, validated by its own `secrets` shape; the Output is secret. */
  secrets: pulumi.Output<Sec>;
  /** What an entry earlier in the registry built on this host, or undefined when it is not deployed here. */
  built<R>(entry: SomeComponent<R>): R | undefined;
  /** The same, for an entry this one cannot do without: the deploy fails naming both when it is missing. */
  need<R>(entry: SomeComponent<R>): R;
  /** Applies to every component (transformations, protect). */
  opts?: pulumi.ComponentResourceOptions;
}

/** A systemd unit a component ships, and how to reach what it runs (the quickstart's summary). */
export interface UnitLine {
  unit: string;
  reach: string;
}

/** What Prometheus scrapes of a component on one host: one of its listeners. */
export interface ScrapeJob {
  /** Prometheus job name, e.g. "node", "promtail", "loki". */
  job: string;
  /** The component's listener Prometheus scrapes (its target is that listener's address and port). */
  listener: string;
  /** When not /metrics. */
  metricsPath?: string;
  /** Query parameters (blackbox's module and target). */
  params?: Record<string, string[]>;
  /** Extra target labels (the topology's host name is added as `host` by the walker). */
  labels?: Record<string, string>;
  /** HTTP basic auth for a target that asks for it: the user, and the file on the observability host holding the password. */
  basicAuth?: { username: string; passwordFile: string };
}

/** A problem found before any resource exists: `key` under openclaw-infra:, e.g. "gateway.version". */
export interface Problem {
  key: string;
  message: string;
}

/** What an entry finds comparing its options with its secrets (their names, never their values). */
export interface SecretChecks {
  /** Each refuses the stack at preview. */
  problems: Problem[];
  /** Each is a Pulumi warning. */
  warnings: Problem[];
}

/**
 * A registry entry as the walkers (config, program, sandbox, summary) see it. Hooks are
 * methods, so that each entry's narrower hooks (typed by its own schemas, see Component) still
 * make it a SomeComponent.
 */
export interface SomeComponent<R = unknown> {
  /** Key in stack config: openclaw-infra:<key>. */
  key: string;
  /** Its options in stack config: the component's schema, with `.prefault({})` (always on) or `.optional()` (on when set). */
  schema: z.ZodType;
  /** "every host", or the roles whose hosts deploy it. */
  on: "every host" | readonly Role[];
  /** Other components' options it needs (their key and schema), e.g. the gateway's version. */
  reads?: z.ZodRawShape;
  /** Deployed only when this also holds (e.g. the log agent needs a Loki to ship to). */
  when?(ctx: HostContext<{}, {}>): boolean;
  /** Everything the registry builds after it waits for it (the private network: services bind and are checked there). */
  foundation?: boolean;
  /** Another entry that cannot be set together with this one, and the message saying so. */
  excludes?: { key: string; message: string };
  /**
   * Secrets it reads (openclaw-infra:<name>, set with --secret). A secret whose schema refuses
   * undefined is required where this entry is deployed, and only there. Another entry's secret
   * is declared with that entry's schema (the same object: one rule per secret).
   */
  secrets?: z.ZodRawShape;
  /** The secret values to set for it, as `pulumi config set --secret --path` paths; default: its required secrets. */
  secretPaths?(ctx: HostContext<{}, {}>): string[];
  /** Checks that need the network, run once before any resource is registered (fast, one line each). */
  preflight?(ctx: HostContext<{}, {}>): Promise<Problem[]>;
  /** Checks of its options against its secrets, e.g. a reference to a secret that is not set. */
  secretChecks?(ctx: HostContext<{}, {}>, secrets: Record<string, unknown>): SecretChecks;
  build(ctx: BuildContext<{}, {}, {}>): R;
  /** Stack outputs (the database stack's are read by the gateway stack). */
  outputs?(built: R, ctx: HostContext<{}, {}>): object;
  /** The sockets it opens on its host: peer URLs, scrape targets, the port clash check and the firewall read them. */
  listeners?(ctx: HostContext<{}, {}>): Listener[];
  /** The systemd units it ships: the tests score each one, the quickstart lists each one. */
  units(ctx: HostContext<{}, {}>): UnitLine[];
  /** What Prometheus scrapes of it on this host (derived for every host of the topology). */
  scrape?(ctx: HostContext<{}, {}>): ScrapeJob[];
}

export type Options<S extends z.ZodType> = NonNullable<z.output<S>>;
type Parsed<Shape extends z.ZodRawShape> = { [K in keyof Shape]: z.output<Shape[K]> };

/**
 * One entry, typed by its own schemas. Hooks see the stack's own settings, not the whole
 * StackConfig: that type is made from the registry, so an entry names what it reads of another
 * component (`reads`) by its schema.
 */
export interface Component<
  K extends string,
  S extends z.ZodType,
  R,
  Sec extends z.ZodRawShape,
  O extends object,
  Rd extends z.ZodRawShape,
> extends SomeComponent<R> {
  key: K;
  schema: S;
  reads?: Rd;
  when?(ctx: HostContext<Options<S>, Parsed<Rd>>): boolean;
  secrets?: Sec;
  secretPaths?(ctx: HostContext<Options<S>, Parsed<Rd>>): string[];
  preflight?(ctx: HostContext<Options<S>, Parsed<Rd>>): Promise<Problem[]>;
  secretChecks?(ctx: HostContext<Options<S>, Parsed<Rd>>, secrets: Parsed<Sec>): SecretChecks;
  build(ctx: BuildContext<Options<S>, Parsed<Rd>, Parsed<Sec>>): R;
  outputs?(built: R, ctx: HostContext<Options<S>, Parsed<Rd>>): O;
  listeners?(ctx: HostContext<Options<S>, Parsed<Rd>>): Listener[];
  units(ctx: HostContext<Options<S>, Parsed<Rd>>): UnitLine[];
  scrape?(ctx: HostContext<Options<S>, Parsed<Rd>>): ScrapeJob[];
}

/** Declares an entry; the type parameters come from the entry itself. */
export function component<
  K extends string,
  S extends z.ZodType,
  R,
  Sec extends z.ZodRawShape = {},
  O extends object = {},
  Rd extends z.ZodRawShape = {},
>(entry: Component<K, S, R, Sec, O, Rd>): Component<K, S, R, Sec, O, Rd> {
  return entry;
}

/** A TCP listener: `name`, the option `setting` that sets its `port`, its address, who connects. */
export function tcp(name: string, setting: string, port: number, address: Listener["address"], from: readonly Peer[]): Listener {
  return { name, port, address, protocol: "tcp", from, setting };
}
