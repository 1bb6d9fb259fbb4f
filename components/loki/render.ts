// Pure rendering of Loki's files and scripts from its settings. Golden-file tested.
import { grafanaServerConfig, ReleaseProgram, releasePaths } from "../../src/remote/release";
import { LOKI_RELEASE, LokiSettings } from "./schema";

export const PATHS = releasePaths(LOKI_RELEASE.tool);

/** Where Loki answers on the private network (push, query, OTLP). */
export function baseUrl(s: Pick<LokiSettings, "listenAddress" | "port">): string {
  return `http://${s.listenAddress}:${s.port}`;
}

export function readyUrl(s: Pick<LokiSettings, "listenAddress" | "port">): string {
  return `${baseUrl(s)}/ready`;
}

const CONFIG_HEADER = "Loki, single binary: logs from every host's agent and OTLP logs.";

/**
 * Loki as a release service: loki.yaml (YAML 1.1: Loki reads it with go-yaml, so strings like
 * "on" stay quoted) checked by `loki -verify-config`, ready at /ready.
 */
export const LOKI: ReleaseProgram<LokiSettings> = {
  release: LOKI_RELEASE,
  unit: { description: "Grafana Loki: log store of every host", documentation: "https://grafana.com/docs/loki/latest/" },
  config: { of: lokiConfig, header: CONFIG_HEADER, yaml: "1.1", check: "-verify-config" },
  readyUrl,
};

/**
 * Loki's configuration as an object: the single binary (target all) on the filesystem, its
 * ring in memory, retention by the compactor. Structured metadata is allowed, which OTLP logs
 * (/otlp/v1/logs) need; the v13 schema with the tsdb index is the one that supports it.
 */
export function lokiConfig(s: LokiSettings) {
  const dir = PATHS.stateDir;
  return {
    target: "all",
    auth_enabled: false,
    server: grafanaServerConfig(s),
    common: {
      // The components of the single binary reach each other on loopback.
      instance_addr: "127.0.0.1",
      path_prefix: dir,
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
      storage: { filesystem: { chunks_directory: `${dir}/chunks`, rules_directory: `${dir}/rules` } },
    },
    schema_config: {
      configs: [
        { from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } },
      ],
    },
    ingester: { wal: { dir: `${dir}/wal` } },
    limits_config: {
      retention_period: `${s.retentionDays * 24}h`,
      allow_structured_metadata: true,
      ingestion_rate_mb: s.ingestionRateMb,
      ingestion_burst_size_mb: s.ingestionBurstMb,
      // Lines that arrive late (an agent catching up after Loki was down) are still accepted.
      reject_old_samples: true,
      reject_old_samples_max_age: "168h",
    },
    compactor: {
      working_directory: `${dir}/compactor`,
      compaction_interval: "10m",
      retention_enabled: true,
      retention_delete_delay: "2h",
      delete_request_store: "filesystem",
    },
    analytics: { reporting_enabled: false },
  };
}
