// The registry: every component the program can deploy, each in one entry: its key in stack
// config, its options schema, where it runs, how it is built, its secrets, its stack outputs,
// the systemd units it ships and its options in the sandbox. Config loading, the program, the
// sandbox stacks, the quickstart's summary and the tests' lists of units all walk this list;
// nothing about a component is written anywhere else. Adding one: README, "Adding a component".
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Alertmanager } from "../components/alertmanager";
import { PATHS as ALERTMANAGER } from "../components/alertmanager/render";
import { alertmanagerOptionsSchema, requiredSecrets as alertmanagerSecretsNeeded } from "../components/alertmanager/schema";
import { BlackboxExporter } from "../components/blackbox-exporter";
import { HTTP_MODULE, PATHS as BLACKBOX } from "../components/blackbox-exporter/render";
import { blackboxOptionsSchema } from "../components/blackbox-exporter/schema";
import { CloudflaredConnector, CloudflareTunnel } from "../components/cloudflare-tunnel";
import { PATHS as CLOUDFLARED } from "../components/cloudflare-tunnel/render";
import { cloudflaredOptionsSchema, gatewayOrigin, tokenSchema, tunnelConfigSchema } from "../components/cloudflare-tunnel/schema";
import { GatewayService } from "../components/gateway-service";
import { Grafana } from "../components/grafana";
import { PATHS as GRAFANA } from "../components/grafana/render";
import { adminPasswordSchema, BACKEND_PORTS, grafanaOptionsSchema } from "../components/grafana/schema";
import { lookUpRelease } from "../components/gateway-service/engines";
import { PATHS as GATEWAY } from "../components/gateway-service/render";
import { gatewayOptionsSchema, gatewayTokenSchema } from "../components/gateway-service/schema";
import { Journald } from "../components/journald";
import { journaldOptionsSchema } from "../components/journald/schema";
import { Loki } from "../components/loki";
import { PATHS as LOKI } from "../components/loki/render";
import { lokiOptionsSchema } from "../components/loki/schema";
import { NodeExporter } from "../components/node-exporter";
import { metricsUrl, PATHS as NODE_EXPORTER } from "../components/node-exporter/render";
import { nodeExporterOptionsSchema } from "../components/node-exporter/schema";
import { NodeRuntime } from "../components/node-runtime";
import { OtelCollector } from "../components/otel-collector";
import { assetName as otelCollectorAsset, PATHS as OTEL_COLLECTOR } from "../components/otel-collector/render";
import { otelCollectorOptionsSchema } from "../components/otel-collector/schema";
import { nodeOptionsSchema } from "../components/node-runtime/schema";
import { PgBackRest } from "../components/pgbackrest";
import { jobUnit as pgBackRestJob, JOBS as PGBACKREST_JOBS, PATHS as PGBACKREST } from "../components/pgbackrest/render";
import { cipherPassSchema, pgBackRestOptionsSchema } from "../components/pgbackrest/schema";
import { PostgresExporter } from "../components/postgres-exporter";
import { PATHS as POSTGRES_EXPORTER } from "../components/postgres-exporter/render";
import { postgresExporterOptionsSchema } from "../components/postgres-exporter/schema";
import { PostgresNative } from "../components/postgres-native";
import { paths as postgresPaths } from "../components/postgres-native/render";
import { postgresOptionsSchema } from "../components/postgres-native/schema";
import { Prometheus } from "../components/prometheus";
import { PATHS as PROMETHEUS } from "../components/prometheus/render";
import { prometheusOptionsSchema } from "../components/prometheus/schema";
import { PromtailJournal } from "../components/promtail-journal";
import { ResticBackup } from "../components/restic";
import { PATHS as RESTIC } from "../components/restic/render";
import { resticOptionsSchema, resticPasswordSchema } from "../components/restic/schema";
import { Tempo } from "../components/tempo";
import { assetName as tempoAsset, PATHS as TEMPO } from "../components/tempo/render";
import { tempoOptionsSchema } from "../components/tempo/schema";
import { paths as logAgentPaths } from "../components/promtail-journal/render";
import { promtailOptionsSchema } from "../components/promtail-journal/schema";
import type { Sandbox } from "../sandbox/contract";
import type { CoreConfig, StackConfig } from "./config";
import { releaseAssetUrl, ReleaseAsset } from "./remote/release";
import { Connection } from "./remote/ssh";
import { DatabaseExport, gatewayDatabaseUrl } from "./stacks";
import { hostsWithRole, hostWithRole, PeerEndpoints, peerEndpoints, PORTS, Role, Topology } from "./topology";

/** What every hook of an entry knows: the host being deployed and this component's options. */
export interface HostContext<O = unknown, Rd = unknown> {
  host: string;
  roles: readonly Role[];
  /** The stack's own settings: host, topology, ssh, sources, stacks. */
  config: CoreConfig;
  /** Where the operator's machine reaches the host, and its address on the private network. */
  address: string;
  privateAddress: string;
  peers: PeerEndpoints;
  /** This component's options, parsed by its schema. */
  options: O;
  /** The options of the other components this one `reads`. */
  reads: Rd;
}

export interface BuildContext<O = unknown, Rd = unknown, Sec = unknown> extends HostContext<O, Rd> {
  connection: Connection;
  /** How the operator's machine reaches another host of the topology (a backup repository there). */
  connectionTo(host: string): Connection;
  /** This component's secrets, validated; the Output is secret. */
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

/** What Prometheus scrapes of a component on one host. */
export interface ScrapeJob {
  /** Prometheus job name, e.g. "node", "promtail", "loki". */
  job: string;
  /** host:port of each target. */
  targets: string[];
  /** When not /metrics. */
  metricsPath?: string;
  /** Query parameters (blackbox's module and target). */
  params?: Record<string, string[]>;
  /** Extra target labels (the topology's host name is added as `host` by the Prometheus entry). */
  labels?: Record<string, string>;
}

/** A problem found before any resource exists: `key` under openclaw-infra:, e.g. "gateway.version". */
export interface Problem {
  key: string;
  message: string;
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
  /** Other components' options it needs (their key and schema), e.g. the gateway's port. */
  reads?: z.ZodRawShape;
  /** Deployed only when this also holds (e.g. the log agent needs an observability host to ship to). */
  when?(ctx: HostContext<{}, {}>): boolean;
  /** Another entry that cannot be set together with this one, and the message saying so. */
  excludes?: { key: string; message: string };
  /** Secrets it reads (openclaw-infra:<name>, set with --secret), validated with the stack config. */
  secrets?: z.ZodRawShape;
  /** Those of its secrets it cannot do without. */
  requires?: readonly string[];
  /** The secret values to set for it, as `pulumi config set --secret --path` paths; default: `requires`. */
  secretPaths?(ctx: HostContext<{}, {}>): string[];
  /** Checks that need the network, run once before any resource is registered (fast, one line each). */
  preflight?(ctx: HostContext<{}, {}>): Promise<Problem[]>;
  build(ctx: BuildContext<{}, {}, {}>): R;
  /** Stack outputs (the database stack's are read by the gateway stack). */
  outputs?(built: R, ctx: HostContext<{}, {}>): object;
  /** The systemd units it ships: the tests score each one, the quickstart lists each one. */
  units(ctx: HostContext<{}, {}>): UnitLine[];
  /** What Prometheus scrapes of it on this host (derived for every host of the topology). */
  scrape?(ctx: HostContext<{}, {}>): ScrapeJob[];
  /** Its options in the sandbox stacks, written over what the stack file already sets. */
  sandbox?(sandbox: Sandbox): unknown;
}

type Options<S extends z.ZodType> = NonNullable<z.output<S>>;
type Parsed<Shape extends z.ZodRawShape> = { [K in keyof Shape]: z.output<Shape[K]> };

/**
 * One entry, typed by its own schemas. Hooks see the stack's own settings, not the whole
 * StackConfig: that type is made from this registry, so an entry names what it reads of
 * another component (`reads`) by its schema.
 */
export interface Component<K extends string, S extends z.ZodType, R, Sec extends z.ZodRawShape, O extends object, Rd extends z.ZodRawShape>
  extends SomeComponent<R> {
  key: K;
  schema: S;
  reads?: Rd;
  when?(ctx: HostContext<Options<S>, Parsed<Rd>>): boolean;
  secrets?: Sec;
  requires?: readonly (keyof Sec & string)[];
  secretPaths?(ctx: HostContext<Options<S>, Parsed<Rd>>): string[];
  preflight?(ctx: HostContext<Options<S>, Parsed<Rd>>): Promise<Problem[]>;
  build(ctx: BuildContext<Options<S>, Parsed<Rd>, Parsed<Sec>>): R;
  outputs?(built: R, ctx: HostContext<Options<S>, Parsed<Rd>>): O;
  units(ctx: HostContext<Options<S>, Parsed<Rd>>): UnitLine[];
  scrape?(ctx: HostContext<Options<S>, Parsed<Rd>>): ScrapeJob[];
  sandbox?(sandbox: Sandbox): NoInfer<z.input<S>>;
}

/** Declares an entry; the type parameters come from the entry itself. */
function component<K extends string, S extends z.ZodType, R, Sec extends z.ZodRawShape = {}, O extends object = {}, Rd extends z.ZodRawShape = {}>(
  entry: Component<K, S, R, Sec, O, Rd>,
): Component<K, S, R, Sec, O, Rd> {
  return entry;
}

/** The journal's size and age limits (journald's own unit, configured by a drop-in: no unit of ours). */
const journald = component({
  key: "journald",
  schema: journaldOptionsSchema.prefault({}),
  on: "every host",
  build: (ctx) => new Journald(`${ctx.host}-journald`, { connection: ctx.connection, ...ctx.options }, ctx.opts),
  units: () => [],
});

const nodeExporter = component({
  key: "nodeExporter",
  schema: nodeExporterOptionsSchema.prefault({}),
  on: "every host",
  build: (ctx) =>
    new NodeExporter(`${ctx.host}-node-exporter`, { connection: ctx.connection, listenAddress: ctx.privateAddress, ...ctx.options }, ctx.opts),
  outputs: (exporter) => ({ metricsUrl: exporter.metricsUrl }),
  units: ({ options, privateAddress }) => [{ unit: NODE_EXPORTER.unit, reach: metricsUrl({ listenAddress: privateAddress, port: options.port }) }],
  scrape: ({ options, privateAddress }) => [{ job: "node", targets: [`${privateAddress}:${options.port}`] }],
});

/** The log agent (promtail or Alloy) shipping the journal to Loki. */
const logs = component({
  key: "logs",
  schema: promtailOptionsSchema.prefault({}),
  on: "every host",
  when: ({ peers }) => peers.lokiPushUrl !== undefined,
  build: (ctx) =>
    new PromtailJournal(
      `${ctx.host}-logs`,
      {
        connection: ctx.connection,
        ...ctx.options,
        lokiUrl: ctx.peers.lokiPushUrl!, // `when` holds
        listenAddress: ctx.privateAddress,
        hostLabel: ctx.host,
        releaseUrl: ctx.config.sources.logAgentReleases,
        releaseAsset: ctx.config.sources.logAgentAsset,
      },
      ctx.opts,
    ),
  outputs: (agent) => ({ logAgent: agent.agent }),
  units: ({ options, peers, privateAddress }) => [
    { unit: logAgentPaths(options.agent).unit, reach: `http://${privateAddress}:${options.port} -> ${peers.lokiPushUrl}` },
  ],
  // Its push errors and drops are known only to the agent, and Prometheus runs on another
  // host: its HTTP server (metrics, /ready; nothing writable) listens on the private address.
  scrape: ({ options, privateAddress }) => [{ job: options.agent, targets: [`${privateAddress}:${options.port}`] }],
  // Grafana's apt repository is out of the sandbox's reach: the release from its mirror.
  sandbox: ({ contract }) => ({ from: "archive" as const, version: contract.promtail.version, sha256: contract.promtail.sha256 }),
});

/** A release's sha256, required to deploy: the preflight says where to find it. */
/** A release download's sha256, which the operator must set: the problem naming the download when it is missing. */
function needsSha256(key: string, options: { sha256?: string }, download: ReleaseAsset): Problem[] {
  return options.sha256 ? [] : [{ key: `${key}.sha256`, message: `is required: the sha256 of ${releaseAssetUrl(download)}, as the release's SHA256SUMS lists it` }];
}

/** Loki, the log store every host's agent pushes to. */
const loki = component({
  key: "loki",
  schema: lokiOptionsSchema.prefault({}),
  on: ["observability"],
  preflight: async ({ options }) => needsSha256("loki", options, options),
  build: (ctx) =>
    new Loki(`${ctx.host}-loki`, { connection: ctx.connection, listenAddress: ctx.privateAddress, ...ctx.options, sha256: ctx.options.sha256! }, ctx.opts),
  outputs: (l) => ({ lokiUrl: l.url }),
  units: ({ options, privateAddress }) => [
    { unit: LOKI.unit, reach: `http://${privateAddress}:${options.port} (push, LogQL, OTLP logs at /otlp/v1/logs)` },
  ],
  scrape: ({ options, privateAddress }) => [{ job: "loki", targets: [`${privateAddress}:${options.port}`] }],
  // GitHub is out of the sandbox's reach: the release toolchain/build.sh built, from its mirror.
  sandbox: ({ contract }) => ({ ...contract.loki }),
});

/** Tempo, the trace store, receiving OTLP. */
const tempo = component({
  key: "tempo",
  schema: tempoOptionsSchema.prefault({}),
  on: ["observability"],
  preflight: async ({ options }) => needsSha256("tempo", options, { ...options, asset: tempoAsset(options) }),
  build: (ctx) =>
    new Tempo(`${ctx.host}-tempo`, { connection: ctx.connection, listenAddress: ctx.privateAddress, ...ctx.options, sha256: ctx.options.sha256! }, ctx.opts),
  outputs: (t) => ({ tempoUrl: t.url, otlpHttpUrl: t.otlpHttpUrl }),
  units: ({ options, privateAddress }) => [
    {
      unit: TEMPO.unit,
      reach: `http://${privateAddress}:${options.port} (queries); OTLP gRPC ${privateAddress}:${options.otlpGrpcPort}, HTTP http://${privateAddress}:${options.otlpHttpPort}`,
    },
  ],
  scrape: ({ options, privateAddress }) => [{ job: "tempo", targets: [`${privateAddress}:${options.port}`] }],
  sandbox: ({ contract }) => ({ ...contract.tempo }),
});

/** The OpenTelemetry Collector: the gateway's OTLP metrics, written to Prometheus on the same host. */
const otelCollector = component({
  key: "otelCollector",
  schema: otelCollectorOptionsSchema.prefault({}),
  on: ["observability"],
  reads: { prometheus: prometheusOptionsSchema },
  preflight: async ({ options }) => needsSha256("otelCollector", options, { ...options, asset: otelCollectorAsset(options) }),
  build: (ctx) =>
    new OtelCollector(
      `${ctx.host}-otel-collector`,
      {
        connection: ctx.connection,
        listenAddress: ctx.privateAddress,
        ...ctx.options,
        // The topology's port: the gateway's metricsEndpoint is derived from it.
        otlpHttpPort: PORTS.otlpMetrics,
        remoteWriteUrl: `http://${ctx.privateAddress}:${ctx.reads.prometheus.port}/api/v1/write`,
        sha256: ctx.options.sha256!,
      },
      ctx.opts,
    ),
  outputs: (c) => ({ otlpMetricsUrl: c.otlpHttpUrl }),
  units: ({ options, privateAddress }) => [
    {
      unit: OTEL_COLLECTOR.unit,
      reach: `OTLP metrics http://${privateAddress}:${PORTS.otlpMetrics}/v1/metrics (to Prometheus); own metrics http://${privateAddress}:${options.metricsPort}/metrics`,
    },
  ],
  scrape: ({ options, privateAddress }) => [{ job: "otel-collector", targets: [`${privateAddress}:${options.metricsPort}`] }],
  sandbox: ({ contract }) => ({ ...contract["otelcol-contrib"] }),
});

/** The host that holds a backup repository of `host`'s data: the one named, else the first other host. */
export function repositoryHost(topology: Topology, host: string, named: string | undefined, key: string): string {
  const others = Object.keys(topology.hosts).filter((h) => h !== host);
  if (named !== undefined) {
    if (named === host) throw new pulumi.RunError(`openclaw-infra:${key}.repositoryHost: '${named}' is this host; backups go to another host, so losing one never loses both`);
    if (!others.includes(named)) throw new pulumi.RunError(`openclaw-infra:${key}.repositoryHost: '${named}' is not a host of the topology (hosts: ${Object.keys(topology.hosts).join(", ")})`);
    return named;
  }
  if (others.length === 0) throw new pulumi.RunError(`openclaw-infra:${key}: backups need a second host of the topology for their repository`);
  return others[0];
}

/** A backup component's repository host: how the operator reaches it (to make its account) and how the client does. */
function backupRepository(ctx: BuildContext<{ repositoryHost?: string }>, key: string) {
  const host = repositoryHost(ctx.config.topology, ctx.host, ctx.options.repositoryHost, key);
  const h = ctx.config.topology.hosts[host];
  return {
    repositoryConnection: ctx.connectionTo(host),
    repository: { host, address: h.privateAddress, sshPort: h.sshPort, hostKey: h.hostKey },
  };
}

/** PostgreSQL's backups (pgBackRest), into a repository on another host; built before PostgreSQL, which takes its archive command and restore. */
const pgBackRest = component({
  key: "pgBackRest",
  schema: pgBackRestOptionsSchema.prefault({}),
  on: ["database"],
  reads: { postgres: postgresOptionsSchema },
  secrets: { pgBackRestCipherPass: cipherPassSchema.optional() },
  requires: ["pgBackRestCipherPass"],
  build: (ctx) =>
    new PgBackRest(
      `${ctx.host}-pgbackrest`,
      {
        connection: ctx.connection,
        ...backupRepository(ctx, "pgBackRest"),
        ...ctx.options,
        host: ctx.host,
        postgresVersion: ctx.reads.postgres.version,
        postgresPort: ctx.reads.postgres.port,
        postgresUnit: postgresPaths(ctx.reads.postgres.version).unit,
        listenAddress: ctx.privateAddress,
        cipherPass: ctx.secrets.apply((sec) => sec.pgBackRestCipherPass!),
      },
      ctx.opts,
    ),
  // The oneshot services (scored like every unit); their timers start them.
  units: ({ options, privateAddress, config, host }) => [
    ...PGBACKREST_JOBS.map((job) => ({
      unit: `${pgBackRestJob(job)}.service`,
      reach: `by ${pgBackRestJob(job)}.timer: ${{ full: options.schedule.full, diff: options.schedule.differential, verify: options.schedule.verify }[job]}`,
    })),
    {
      unit: PGBACKREST.exporter.unit,
      reach: `http://${privateAddress}:${options.exporterPort}/metrics (repository on ${repositoryHost(config.topology, host, options.repositoryHost, "pgBackRest")})`,
    },
  ],
  scrape: ({ options, privateAddress }) => [{ job: "pgbackrest", targets: [`${privateAddress}:${options.exporterPort}`] }],
});

/** The database host's PostgreSQL. */
const postgres = component({
  key: "postgres",
  schema: postgresOptionsSchema.prefault({}),
  on: ["database"],
  secrets: { postgresPasswords: z.record(z.string(), z.string()).default({}) },
  requires: ["postgresPasswords"],
  secretPaths: ({ options }) => options.roles.map((role) => `postgresPasswords.${role.name}`),
  build: (ctx) => {
    const backups = ctx.built(pgBackRest);
    const db = new PostgresNative(
      `${ctx.host}-postgres`,
      {
        connection: ctx.connection,
        ...ctx.options,
        privateAddress: ctx.privateAddress,
        peers: ctx.peers.databasePeers,
        secrets: ctx.secrets.apply((s) => ({ passwords: s.postgresPasswords })),
        archive: backups?.archive,
        seed: backups?.restore,
      },
      ctx.opts,
    );
    backups?.protect(db.ready);
    return db;
  },
  // The gateway stack reads these two through a stack reference.
  outputs: (db, { options }): { database?: DatabaseExport; databasePassword?: pulumi.Output<string> } => {
    const first = options.databases[0];
    if (!first) return {};
    return {
      database: { port: db.port, database: first.name, user: first.owner, ssl: options.ssl },
      databasePassword: pulumi.secret(db.password(first.owner)),
    };
  },
  units: ({ options, privateAddress, config }) => [
    {
      unit: postgresPaths(options.version).unit,
      reach: `postgresql://${privateAddress}:${options.port}/${options.databases[0]?.name ?? ""} (from ${hostsWithRole(config.topology, "gateway").join(", ") || "no host"} only)`,
    },
  ],
  // Debian 13 has PostgreSQL 17 and pgvector; PGDG is out of the sandbox's reach.
  sandbox: () => ({ source: "distribution" as const }),
});

/** PostgreSQL's metrics, as its own role (pg_monitor) with the password secret postgresExporterPassword. */
const postgresExporter = component({
  key: "postgresExporter",
  schema: postgresExporterOptionsSchema.prefault({}),
  on: ["database"],
  reads: { postgres: postgresOptionsSchema },
  secrets: { postgresExporterPassword: z.string().min(16, "must be at least 16 characters").optional() },
  requires: ["postgresExporterPassword"],
  build: (ctx) =>
    new PostgresExporter(
      `${ctx.host}-postgres-exporter`,
      {
        connection: ctx.connection,
        ...ctx.options,
        listenAddress: ctx.privateAddress,
        postgresPort: ctx.reads.postgres.port,
        password: ctx.secrets.apply((s) => s.postgresExporterPassword!),
        database: ctx.need(postgres),
      },
      ctx.opts,
    ),
  units: ({ options, privateAddress, reads }) => [
    { unit: POSTGRES_EXPORTER.unit, reach: `http://${privateAddress}:${options.port}/metrics (as ${options.role} on 127.0.0.1:${reads.postgres.port})` },
  ],
  scrape: ({ options, privateAddress }) => [{ job: "postgres", targets: [`${privateAddress}:${options.port}`] }],
});

const node = component({
  key: "node",
  schema: nodeOptionsSchema.prefault({}),
  on: ["gateway"],
  build: (ctx) =>
    new NodeRuntime(
      `${ctx.host}-node`,
      { connection: ctx.connection, ...ctx.options, distUrl: ctx.config.sources.nodeDist, nodeSourceUrl: ctx.config.sources.nodeSource },
      ctx.opts,
    ),
  outputs: (runtime) => ({ nodeVersion: runtime.version }),
  units: () => [],
  // The one release the sandbox's dist mirror serves.
  sandbox: ({ versions }) => ({ major: Number(versions.node.split(".")[0]), version: versions.node }),
});

/** The tunnel's origin: as set, else the gateway's port on loopback. */
const tunnelOrigin = ({ options, reads }: HostContext<{ origin?: string }, { gateway: { port: number } }>) => options.origin ?? gatewayOrigin(reads.gateway.port);

/** A Cloudflare Tunnel managed through the Cloudflare API (needs cloudflare:apiToken). */
const tunnel = component({
  key: "tunnel",
  schema: tunnelConfigSchema.optional(),
  on: ["gateway"],
  reads: { gateway: gatewayOptionsSchema },
  build: (ctx) => new CloudflareTunnel(`${ctx.host}-tunnel`, { connection: ctx.connection, ...ctx.options, origin: tunnelOrigin(ctx) }, ctx.opts),
  outputs: (t) => ({ publicUrl: t.publicUrl }),
  units: (ctx) => [{ unit: CLOUDFLARED.unit, reach: `https://${ctx.options.hostname} -> ${tunnelOrigin(ctx)}` }],
  scrape: ({ options, privateAddress }) => (options.run ? [{ job: "cloudflared", targets: [`${privateAddress}:${options.metricsPort}`] }] : []),
});

/**
 * Only the host side of a tunnel, with its token from the secret `tunnelToken`: for a tunnel
 * made elsewhere, or hosts that cannot reach Cloudflare (the sandbox, with run: false).
 */
const cloudflared = component({
  key: "cloudflared",
  schema: cloudflaredOptionsSchema.optional(),
  on: ["gateway"],
  excludes: { key: "tunnel", message: "set either tunnel (managed through the Cloudflare API) or cloudflared (host side only), not both" },
  secrets: { tunnelToken: tokenSchema.shape.token.optional() },
  requires: ["tunnelToken"],
  build: (ctx) =>
    new CloudflaredConnector(`${ctx.host}-cloudflared`, { connection: ctx.connection, ...ctx.options, token: ctx.secrets.apply((s) => s.tunnelToken!) }, ctx.opts),
  units: ({ options }) => [
    { unit: CLOUDFLARED.unit, reach: options.run ? `metrics and /ready on http://127.0.0.1:${options.metricsPort}` : "switched off (cloudflared.run: false)" },
  ],
  // Nothing to scrape while it is switched off (the sandbox).
  scrape: ({ options, privateAddress }) => (options.run ? [{ job: "cloudflared", targets: [`${privateAddress}:${options.metricsPort}`] }] : []),
  // Cloudflare's API and edge are out of the sandbox's reach: the host side, switched off.
  sandbox: () => ({ run: false }),
});

/** The gateway's state (SQLite + files) with restic, into a repository on another host; built before the gateway, which takes its restore and its backup before an upgrade. */
const stateBackup = component({
  key: "stateBackup",
  schema: resticOptionsSchema.prefault({}),
  on: ["gateway"],
  reads: { gateway: gatewayOptionsSchema },
  secrets: { resticPassword: resticPasswordSchema.optional() },
  requires: ["resticPassword"],
  build: (ctx) =>
    new ResticBackup(
      `${ctx.host}-state-backup`,
      {
        connection: ctx.connection,
        ...backupRepository(ctx, "stateBackup"),
        ...ctx.options,
        host: ctx.host,
        state: { dir: GATEWAY.stateDir, user: GATEWAY.user },
        gatewayVersion: ctx.reads.gateway.version,
        password: ctx.secrets.apply((sec) => sec.resticPassword!),
      },
      ctx.opts,
    ),
  // The oneshot service (scored like every unit); its timer starts it. Its metrics reach
  // Prometheus through node-exporter's textfile collector: nothing new to scrape.
  units: ({ options, config, host }) => [
    {
      unit: `${RESTIC.unit}.service`,
      reach: `by ${RESTIC.unit}.timer: ${options.schedule} (repository on ${repositoryHost(config.topology, host, options.repositoryHost, "stateBackup")})`,
    },
  ],
});

const gateway = component({
  key: "gateway",
  schema: gatewayOptionsSchema.prefault({}),
  on: ["gateway"],
  secrets: {
    /** The gateway's auth token, by the gateway's own rule. */
    gatewayToken: gatewayTokenSchema.optional(),
    /** Extra secret variables for gateway.env, e.g. provider API keys. */
    gatewayEnv: z.record(z.string(), z.string()).default({}),
  },
  requires: ["gatewayToken"],
  preflight: async ({ options, config }) => {
    const registry = config.sources.npmRegistry;
    const release = await lookUpRelease(registry, options.version);
    if (release === "missing") return [{ key: "gateway.version", message: `openclaw@${options.version} is not on the npm registry ${registry}` }];
    if (release !== "published") return [{ key: "sources.npmRegistry", message: `cannot look up openclaw@${options.version}: ${release.unreachable}` }];
    return [];
  },
  build: (ctx) => {
    const publicUrl = ctx.built(tunnel)?.publicUrl;
    const databaseUrl = gatewayDatabaseUrl(ctx.config, ctx.peers.databaseHost);
    const backups = ctx.built(stateBackup);
    return new GatewayService(
      `${ctx.host}-gateway`,
      {
        connection: ctx.connection,
        runtime: ctx.need(node),
        registry: ctx.config.sources.npmRegistry,
        ...ctx.options,
        peers: { otlpEndpoint: ctx.peers.otlpEndpoint, otlpSignals: ctx.peers.otlpSignals, extraOrigins: publicUrl ? [publicUrl] : [] },
        secrets: pulumi.all([ctx.secrets, databaseUrl]).apply(([s, url]) => ({
          token: s.gatewayToken!,
          env: { ...s.gatewayEnv, ...(url ? { DATABASE_URL: url } : {}) },
        })),
        seed: backups?.restore,
        beforeInstall: backups ? [backups.beforeUpgrade] : [],
      },
      ctx.opts,
    );
  },
  outputs: (gw) => ({ gatewayHealthUrl: gw.healthUrl, gatewayVersion: gw.version }),
  units: ({ options, address }) => [{ unit: GATEWAY.unit, reach: `http://${options.bind === "lan" ? address : "127.0.0.1"}:${options.port} (token auth)` }],
  // Listen on the bridge too, so /health answers from the machine running the sandbox.
  sandbox: ({ versions }) => ({ bind: "lan" as const, version: versions.openclaw }),
});

/** The observability host's private address (Prometheus's), when there is one. */
const prometheusAddress = (topology: Topology): string[] => {
  const host = hostWithRole(topology, "observability");
  return host ? [topology.hosts[host].privateAddress] : [];
};

/** The gateway's /health, probed on loopback from its own host for Prometheus. */
const blackbox = component({
  key: "blackbox",
  schema: blackboxOptionsSchema.prefault({}),
  on: ["gateway"],
  reads: { gateway: gatewayOptionsSchema },
  build: (ctx) =>
    new BlackboxExporter(
      `${ctx.host}-blackbox`,
      { connection: ctx.connection, ...ctx.options, listenAddress: ctx.privateAddress, allowFrom: prometheusAddress(ctx.config.topology) },
      ctx.opts,
    ),
  units: ({ options, privateAddress, reads }) => [
    { unit: BLACKBOX.unit, reach: `http://${privateAddress}:${options.port}/probe (probes http://127.0.0.1:${reads.gateway.port}/health)` },
  ],
  scrape: ({ options, privateAddress, reads }) => [
    {
      job: "gateway",
      targets: [`${privateAddress}:${options.port}`],
      metricsPath: "/probe",
      params: { module: [HTTP_MODULE], target: [`http://127.0.0.1:${reads.gateway.port}/health`] },
    },
  ],
});

/** Alertmanager on the observability host: Prometheus's alerts to a webhook and/or email. */
const alertmanager = component({
  key: "alertmanager",
  schema: alertmanagerOptionsSchema.prefault({}),
  on: ["observability"],
  secrets: {
    /** Bearer token for alertmanager.webhook (with bearerToken: true). */
    alertmanagerWebhookToken: z.string().min(1).optional(),
    /** SMTP AUTH password for alertmanager.email (with a username). */
    alertmanagerSmtpPassword: z.string().min(1).optional(),
  },
  secretPaths: ({ options }) =>
    alertmanagerSecretsNeeded(options).map((key) => (key === "webhookToken" ? "alertmanagerWebhookToken" : "alertmanagerSmtpPassword")),
  build: (ctx) =>
    new Alertmanager(
      `${ctx.host}-alertmanager`,
      {
        connection: ctx.connection,
        ...ctx.options,
        listenAddress: ctx.privateAddress,
        secrets: ctx.secrets.apply((s) => ({ webhookToken: s.alertmanagerWebhookToken, smtpPassword: s.alertmanagerSmtpPassword })),
      },
      ctx.opts,
    ),
  units: ({ options, privateAddress }) => [
    {
      unit: ALERTMANAGER.unit,
      reach: `http://${privateAddress}:${options.port} -> ${[options.webhook && "webhook", options.email && "email"].filter(Boolean).join(" and ") || "no receiver (alertmanager.webhook / .email)"}`,
    },
  ],
  scrape: ({ options, privateAddress }) => [{ job: "alertmanager", targets: [`${privateAddress}:${options.port}`] }],
});

/** Prometheus on the observability host: every host's scrape jobs, the alert rules, OTLP metrics. */
const prometheus = component({
  key: "prometheus",
  schema: prometheusOptionsSchema.prefault({}),
  on: ["observability"],
  reads: { alertmanager: alertmanagerOptionsSchema },
  build: (ctx) =>
    new Prometheus(
      `${ctx.host}-prometheus`,
      {
        connection: ctx.connection,
        ...ctx.options,
        listenAddress: ctx.privateAddress,
        jobs: scrapeJobs(ctx.config),
        // Alertmanager is placed on the same (observability) host.
        alertmanagers: [`${ctx.privateAddress}:${ctx.reads.alertmanager.port}`],
        remoteWriteReceiver: ctx.built(otelCollector) !== undefined,
      },
      ctx.opts,
    ),
  outputs: (p) => ({ prometheusUrl: p.url }),
  units: ({ options, privateAddress }) => [
    { unit: PROMETHEUS.unit, reach: `http://${privateAddress}:${options.port} (UI and API)` },
  ],
  scrape: ({ options, privateAddress }) => [{ job: "prometheus", targets: [`${privateAddress}:${options.port}`] }],
});

/** Grafana on the observability host, its datasources the same host's Prometheus, Loki and Tempo. */
const grafana = component({
  key: "grafana",
  schema: grafanaOptionsSchema.optional(),
  on: ["observability"],
  secrets: { grafanaAdminPassword: adminPasswordSchema.optional() },
  requires: ["grafanaAdminPassword"],
  build: (ctx) => {
    const at = (port: number) => `http://${ctx.privateAddress}:${port}`;
    return new Grafana(
      `${ctx.host}-grafana`,
      {
        connection: ctx.connection,
        listenAddress: ctx.privateAddress,
        ...ctx.options,
        backends: { prometheusUrl: at(BACKEND_PORTS.prometheus), lokiUrl: at(BACKEND_PORTS.loki), tempoUrl: at(BACKEND_PORTS.tempo) },
        adminPassword: ctx.secrets.apply((s) => s.grafanaAdminPassword!),
      },
      ctx.opts,
    );
  },
  outputs: (g) => ({ grafanaHealthUrl: g.healthUrl }),
  units: ({ options, privateAddress }) => [
    { unit: GRAFANA.unit, reach: options.run ? `http://${privateAddress}:${options.port} (admin: ${options.adminUser})` : "switched off (grafana.run: false)" },
  ],
  // Its own metrics, only while it runs.
  scrape: ({ options, privateAddress }) => (options.run ? [{ job: "grafana", targets: [`${privateAddress}:${options.port}`] }] : []),
  // Grafana's apt repository is out of the sandbox's reach: files and unit, switched off.
  sandbox: () => ({ run: false }),
});

/** In build order: an entry may use what the entries before it built. */
export const REGISTRY = [journald, nodeExporter, logs, loki, tempo, otelCollector, pgBackRest, postgres, postgresExporter, node, tunnel, cloudflared, stateBackup, gateway, blackbox, alertmanager, prometheus, grafana] as const;

type Entry = (typeof REGISTRY)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The stack config's component keys, each with its schema. */
export type ComponentShape = { [E in Entry as E["key"]]: E["schema"] };
/** Every entry's secrets, in one shape. */
export type SecretsShape = UnionToIntersection<NonNullable<Entry["secrets"]>>;
/** Every entry's stack outputs. */
export type ComponentOutputs = UnionToIntersection<ReturnType<NonNullable<Entry["outputs"]>>>;

/** The registry as the walkers see it. */
export const entries: readonly SomeComponent[] = REGISTRY;

export function componentShape(): ComponentShape {
  return Object.fromEntries(entries.map((e) => [e.key, e.schema])) as ComponentShape;
}

export function secretsShape(): SecretsShape {
  return Object.fromEntries(entries.flatMap((e) => Object.entries(e.secrets ?? {}))) as SecretsShape;
}

/** Pairs of entries set together that must not be, with the message for the second. */
export function exclusions(): { key: string; excludes: string; message: string }[] {
  return entries.flatMap((e) => (e.excludes ? [{ key: e.key, excludes: e.excludes.key, message: e.excludes.message }] : []));
}

/** The host's part of every hook's context, without a component's options. */
export function hostContext(config: StackConfig): Omit<HostContext, "options" | "reads"> {
  const h = config.topology.hosts[config.host];
  const peers = peerEndpoints(config.topology, config.nodeExporter.port);
  return { host: config.host, roles: h.roles, config, address: h.address, privateAddress: h.privateAddress, peers };
}

/** Whether `entry` runs on a host with these roles (when it is set, and its `when` holds). */
export function placedOn(entry: SomeComponent, roles: readonly Role[]): boolean {
  return entry.on === "every host" || entry.on.some((role) => roles.includes(role));
}

/** The entries this stack's host deploys, in build order, each with its context. */
export function componentsOn(config: StackConfig): { entry: SomeComponent; ctx: HostContext<{}, {}> }[] {
  const base = hostContext(config);
  const settings: Record<string, unknown> = config;
  return entries.flatMap((entry) => {
    const options = settings[entry.key];
    if (!placedOn(entry, base.roles) || options === undefined || options === null) return [];
    const reads = Object.fromEntries(Object.keys(entry.reads ?? {}).map((key) => [key, settings[key]]));
    const ctx = { ...base, options, reads };
    return entry.when && !entry.when(ctx) ? [] : [{ entry, ctx }];
  });
}

/** A unit one host runs, as the tests score it and the quickstart lists it. */
export interface HostUnit extends UnitLine {
  host: string;
  component: string;
}

/** The systemd units this stack's host runs, with how to reach each, in registry order. */
export function hostUnits(config: StackConfig): HostUnit[] {
  return componentsOn(config).flatMap(({ entry, ctx }) => entry.units(ctx).map((line) => ({ host: config.host, component: entry.key, ...line })));
}

/** The secret paths this stack's host needs set (see SomeComponent.secretPaths). */
export function secretPaths(config: StackConfig): string[] {
  return componentsOn(config).flatMap(({ entry, ctx }) => entry.secretPaths?.(ctx) ?? [...(entry.requires ?? [])]);
}

/** One job of the topology's scrape configuration: a ScrapeJob's targets, grouped per host. */
export interface TopologyScrapeJob extends Omit<ScrapeJob, "targets" | "labels"> {
  /** One group per host (and label set), each labelled with the topology's host name as `host`. */
  groups: { targets: string[]; labels: Record<string, string> }[];
}

/**
 * Everything Prometheus scrapes in the whole topology: for each host, the entries placed on
 * its roles, each asked for its jobs; jobs of the same name become one, with one target group
 * per host. Another host's components are seen with this stack's options (the stack files of
 * the other hosts are not readable here): options that move a scrape target (a port, `run`)
 * belong in the project config (Pulumi.yaml), which every stack reads.
 *
 * Takes a hook's `config`: the whole parsed stack config (componentsOn passes it), typed
 * CoreConfig only so that the registry's types do not refer to themselves.
 */
export function scrapeJobs(config: CoreConfig): TopologyScrapeJob[] {
  const stack = config as StackConfig;
  const jobs = new Map<string, TopologyScrapeJob>();
  for (const host of Object.keys(stack.topology.hosts)) {
    for (const { entry, ctx } of componentsOn({ ...stack, host })) {
      for (const { job, targets, labels, ...rest } of entry.scrape?.(ctx) ?? []) {
        const known = jobs.get(job);
        const how = (j: Pick<ScrapeJob, "metricsPath" | "params">) => JSON.stringify([j.metricsPath, j.params]);
        if (known && how(known) !== how(rest)) {
          throw new Error(`scrape job ${job}: ${entry.key} on ${host} asks for a path or parameters other than the same job on another host`);
        }
        const group = { targets, labels: { ...labels, host } };
        if (known) known.groups.push(group);
        else jobs.set(job, { job, ...rest, groups: [group] });
      }
    }
  }
  return [...jobs.values()];
}
