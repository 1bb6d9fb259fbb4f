// Pure rendering of the collector's files from its settings. Golden-file tested.
import { releaseAssetName, ReleaseProgram, releasePaths } from "../../src/remote/release";
import { MANAGED_HEADER } from "../../src/remote/unit-file";
import { OTELCOL_RELEASE, OtelCollectorSettings } from "./schema";

export const TOOL = OTELCOL_RELEASE.tool;
export const PATHS = {
  ...releasePaths(TOOL),
  /** The unit's EnvironmentFile (root 0600): Prometheus's remote write login. */
  environment: `/etc/${TOOL}/remote-write.env`,
};

/** The variable holding the remote write's basic auth credentials, base64 as the header carries them. */
export const REMOTE_WRITE_AUTH_VAR = "PROMETHEUS_REMOTE_WRITE_AUTH";

/** The OTLP/HTTP receiver: metrics are POSTed to <this>/v1/metrics. */
export function otlpHttpUrl(s: Pick<OtelCollectorSettings, "listenAddress" | "otlpHttpPort">): string {
  return `http://${s.listenAddress}:${s.otlpHttpPort}`;
}

/** Answers "ready" once every pipeline runs (the health check extension, on loopback). */
export function readyUrl(s: Pick<OtelCollectorSettings, "healthPort">): string {
  return `http://127.0.0.1:${s.healthPort}/`;
}

/** MiB in a MemoryMax= size (M or G, as the schema allows). */
function mebibytes(size: string): number {
  const n = Number(size.slice(0, -1));
  return size.endsWith("G") ? n * 1024 : n;
}

/**
 * The configuration as an object: OTLP/HTTP in on the private address, the memory limiter
 * (80% of MemoryMax, spikes a quarter of that) and batching, then Prometheus remote write. Only
 * metrics: traces and logs go straight to Tempo and Loki, which receive OTLP themselves.
 * Prometheus asks for basic auth: the build has no basicauth extension, so the exporter sends
 * the header itself, its credentials from the unit's environment: the file stays secret-free.
 */
export function collectorConfig(s: OtelCollectorSettings) {
  const limitMib = Math.floor(mebibytes(s.memoryMax) * 0.8);
  return {
    receivers: { otlp: { protocols: { http: { endpoint: `${s.listenAddress}:${s.otlpHttpPort}` } } } },
    processors: {
      memory_limiter: { check_interval: "1s", limit_mib: limitMib, spike_limit_mib: Math.floor(limitMib / 4) },
      batch: {},
    },
    exporters: {
      // Counters keep their _total suffix, units become suffixes (openclaw.cost.usd ->
      // openclaw_cost_usd_total); service.name becomes `job`. The sending queue retries while
      // Prometheus restarts.
      prometheus_remote_write: { endpoint: s.remoteWriteUrl, headers: { Authorization: `Basic \${env:${REMOTE_WRITE_AUTH_VAR}}` } },
    },
    extensions: {
      health_check: { endpoint: `127.0.0.1:${s.healthPort}`, response_body: { healthy: "ready", unhealthy: "not ready" } },
    },
    service: {
      extensions: ["health_check"],
      telemetry: {
        metrics: { level: "basic", readers: [{ pull: { exporter: { prometheus: { host: s.listenAddress, port: s.metricsPort } } } }] },
      },
      pipelines: { metrics: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["prometheus_remote_write"] } },
    },
  };
}

/**
 * The collector as a release service: otelcol-contrib.yaml, read as `otelcol-contrib --config=<file>`
 * (a cobra command line, not Grafana's `-config.file=`) and checked by `otelcol-contrib validate`;
 * ready once its health check extension says so.
 */
export const OTEL_COLLECTOR: ReleaseProgram<OtelCollectorSettings> = {
  release: OTELCOL_RELEASE,
  unit: { description: "OpenTelemetry Collector: OTLP metrics to Prometheus", documentation: "https://opentelemetry.io/docs/collector/" },
  config: {
    of: collectorConfig,
    header: "OpenTelemetry Collector: OTLP metrics in, Prometheus remote write out.",
    check: "validate",
    flag: "--config=",
  },
  readyUrl,
  environmentFile: PATHS.environment,
};

/** The unit's environment: `user:password`, base64 (Basic's credentials), read by systemd only. */
export function renderEnvironment(login: { username: string; password: string }): string {
  const credentials = Buffer.from(`${login.username}:${login.password}`).toString("base64");
  return `# ${MANAGED_HEADER}\n# Prometheus's remote write login, for the configuration's \${env:${REMOTE_WRITE_AUTH_VAR}}.\n${REMOTE_WRITE_AUTH_VAR}=${credentials}\n`;
}

/** The release's file name: otelcol-contrib_<version>_linux_amd64.tar.gz. */
export function assetName(s: Pick<OtelCollectorSettings, "asset" | "version">): string {
  return releaseAssetName(OTELCOL_RELEASE, s);
}
