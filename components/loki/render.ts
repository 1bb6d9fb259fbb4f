// Pure rendering of Loki's files and scripts from its settings. Golden-file tested.
import { renderYamlFile } from "../../src/remote/yaml-file";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { VersionedInstallSpec } from "../../src/remote/install";
import { releaseConfigSpec, releaseInstallSpec, releasePaths, releaseUnitSpec } from "../../src/remote/release";
import { renderUnitFile, UnitSpec } from "../../src/remote/unit-file";
import { LOKI_RELEASE, LokiSettings } from "./schema";

export const PATHS = releasePaths("loki");

/** Where Loki answers on the private network (push, query, OTLP). */
export function baseUrl(s: Pick<LokiSettings, "listenAddress" | "port">): string {
  return `http://${s.listenAddress}:${s.port}`;
}

export function readyUrl(s: Pick<LokiSettings, "listenAddress" | "port">): string {
  return `${baseUrl(s)}/ready`;
}

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
    server: {
      http_listen_address: s.listenAddress,
      http_listen_port: s.port,
      grpc_listen_address: "127.0.0.1",
      grpc_listen_port: s.grpcPort,
      log_level: "info",
    },
    common: {
      // The components of the single binary reach each other on loopback.
      instance_addr: "127.0.0.1",
      path_prefix: dir,
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
      storage: { filesystem: { chunks_directory: `${dir}/chunks`, rules_directory: `${dir}/rules` } },
    },
    schema_config: {
      configs: [{ from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
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

/** loki.yaml. Loki reads YAML with go-yaml: written as YAML 1.1, so strings like "on" stay quoted. */
export function renderConfig(s: LokiSettings): string {
  return renderYamlFile(lokiConfig(s), { header: ["Loki, single binary: logs from every host's agent and OTLP logs."], version: "1.1" });
}

export function unitSpec(s: LokiSettings): UnitSpec {
  return releaseUnitSpec({ tool: "loki", description: "Grafana Loki: log store of every host", documentation: "https://grafana.com/docs/loki/latest/", memoryMax: s.memoryMax, hardening: s.hardening });
}

export function renderUnit(s: LokiSettings): string {
  return renderUnitFile(unitSpec(s));
}

/** The configuration as a checked file: `loki -verify-config` reads a candidate before it replaces the current one. */
export function configFileSpec(): CheckedFileSpec {
  return releaseConfigSpec("loki", "-verify-config");
}

/** <releaseUrl>/v<version>/<asset>, checked against sha256, under /opt/loki. Grafana's zip holds the binary under the asset's name without .zip. */
export function installSpec(s: LokiSettings): VersionedInstallSpec {
  return releaseInstallSpec({ ...LOKI_RELEASE, ...s });
}
