// Prometheus's options: Debian's prometheus package on the observability host, its retention,
// its scrape interval and the alert rules' thresholds and `for:` durations. Typed, defaulted
// and validated before any resource exists.
import { z } from "zod";
import { durationSchema } from "../../src/validate";

export const DEFAULT_PORT = 9090;

/**
 * Its UI and API ask for HTTP basic auth (its web config): this user, with the secret
 * prometheusPassword. Grafana and the collector log in with them too.
 */
export const PROMETHEUS_USER = "operator";
export const prometheusPasswordSchema = z.string().min(16, "must be at least 16 characters");

/** How long each alert's condition must hold before it fires (`for:`); tests shorten them. */
export const alertForSchema = z
  .object({
    /** A scrape target does not answer (up == 0): anything but node-exporter. */
    targetDown: durationSchema.default("5m"),
    /** A host's node-exporter does not answer: the host is down or off the private network. */
    hostDown: durationSchema.default("2m"),
    /** A filesystem has less than diskFreeRatio free. */
    diskAlmostFull: durationSchema.default("15m"),
    /** A filesystem fills up within 24 h at the rate of the last 6 h. */
    diskFillingUp: durationSchema.default("1h"),
    /** Less than memoryAvailableRatio of the memory is available. */
    memoryLow: durationSchema.default("10m"),
    /** The blackbox probe of the gateway's /health fails. */
    gatewayUnhealthy: durationSchema.default("2m"),
    /** The gateway's /health flapped gatewayRestarts.count times within gatewayRestarts.window. */
    gatewayRestarting: durationSchema.default("0s"),
    /** postgres-exporter cannot reach PostgreSQL (pg_up == 0). */
    postgresDown: durationSchema.default("1m"),
    /** The log agent's pushes to Loki fail, or it drops lines. */
    logAgentPushFailing: durationSchema.default("10m"),
    /** The last run of a backup job (pgBackRest, restic) failed. */
    backupFailing: durationSchema.default("0s"),
    /** An installed security update waits for a reboot (the updates component's metric). */
    rebootRequired: durationSchema.default("1h"),
  })
  .strict();

export const alertRulesSchema = z
  .object({
    for: alertForSchema.prefault({}),
    /** Free fraction of a filesystem below which DiskAlmostFull fires. */
    diskFreeRatio: z.number().gt(0).lt(1).default(0.1),
    /** Available fraction of the memory below which MemoryLow fires. */
    memoryAvailableRatio: z.number().gt(0).lt(1).default(0.1),
    /** GatewayRestarting: this many changes of the /health probe's result within window. */
    gatewayRestarts: z
      .object({ count: z.number().int().min(2).default(4), window: durationSchema.default("15m") })
      .strict()
      .prefault({}),
    /** BackupTooOld: no successful backup of a host's data for this long (a daily schedule plus slack). */
    backupMaxAge: durationSchema.default("26h"),
  })
  .strict();

/** The options an operator sets (stack config `openclaw-infra:prometheus`). */
export const prometheusOptionsSchema = z
  .object({
    /** TCP port on the host's private address (UI, API, OTLP receiver). */
    port: z.number().int().min(1024).max(65535).default(DEFAULT_PORT),
    /** How long samples are kept (--storage.tsdb.retention.time). */
    retentionTime: durationSchema.default("30d"),
    /** Or until the blocks take this much (--storage.tsdb.retention.size), e.g. "10GB". Unset: no size limit. */
    retentionSize: z
      .string()
      .regex(/^\d+(B|KB|MB|GB|TB|PB)$/, "must be a size like 512MB or 10GB")
      .optional(),
    scrapeInterval: durationSchema.default("15s"),
    evaluationInterval: durationSchema.default("15s"),
    alerts: alertRulesSchema.prefault({}),
    /** The sandboxing drop-in. Only turn off while debugging. */
    hardening: z.boolean().default(true),
  })
  .strict();

const scrapeGroupSchema = z.object({ targets: z.array(z.string()), labels: z.record(z.string(), z.string()) }).strict();

/** HTTP basic auth of a target: the user and the file on this host holding the password. */
const basicAuthSchema = z.object({ username: z.string().min(1), passwordFile: z.string().startsWith("/") }).strict();

/** Everything the component needs: the options plus what the topology and the registry decide. */
export const prometheusArgsSchema = prometheusOptionsSchema.safeExtend({
  /** The one address it listens on: the host's private address. */
  listenAddress: z.ipv4().refine((a) => a !== "0.0.0.0", "must be one address of the host, not 0.0.0.0"),
  /** The scrape jobs (src/registry/walkers.ts scrapeJobs). */
  jobs: z
    .array(
      z
        .object({
          job: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/),
          metricsPath: z.string().startsWith("/").optional(),
          params: z.record(z.string(), z.array(z.string())).optional(),
          basicAuth: basicAuthSchema.optional(),
          groups: z.array(scrapeGroupSchema),
        })
        .strict(),
    )
    .default([]),
  /** Alertmanager host:port targets. Empty: rules are evaluated, alerts go nowhere. */
  alertmanagers: z.array(z.string()).default([]),
  /** How it logs in to them, when they ask for basic auth. */
  alertmanagerAuth: basicAuthSchema.optional(),
  /** Accept remote write at /api/v1/write (the OpenTelemetry Collector on this host writes OTLP metrics there). */
  remoteWriteReceiver: z.boolean().default(false),
});

export type AlertRulesSettings = z.output<typeof alertRulesSchema>;
export type PrometheusOptions = z.input<typeof prometheusOptionsSchema>;
export type PrometheusArgsOptions = z.input<typeof prometheusArgsSchema>;
export type PrometheusSettings = z.output<typeof prometheusArgsSchema>;
export type BasicAuth = z.output<typeof basicAuthSchema>;
