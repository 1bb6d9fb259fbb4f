// Pure rendering of Tempo's files and scripts from its settings. Golden-file tested.
import { renderYamlFile } from "../../src/remote/yaml-file";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { VersionedInstallSpec } from "../../src/remote/install";
import { releaseConfigSpec, releaseInstallSpec, releasePaths, releaseUnitSpec } from "../../src/remote/release";
import { renderUnitFile, UnitSpec } from "../../src/remote/unit-file";
import { TEMPO_RELEASE, TempoSettings } from "./schema";

export const PATHS = releasePaths("tempo");

type Address = Pick<TempoSettings, "listenAddress" | "port">;

/** Tempo's HTTP API (queries, /ready, /metrics). */
export function apiUrl(s: Address): string {
  return `http://${s.listenAddress}:${s.port}`;
}

export function readyUrl(s: Address): string {
  return `${apiUrl(s)}/ready`;
}

/** The OTLP/HTTP receiver: traces are POSTed to <this>/v1/traces. */
export function otlpHttpUrl(s: Pick<TempoSettings, "listenAddress" | "otlpHttpPort">): string {
  return `http://${s.listenAddress}:${s.otlpHttpPort}`;
}

/**
 * Tempo's configuration as an object: the single binary (its ring in memory, forced by Tempo
 * itself), OTLP receivers on the private address, blocks on the local disk, the compactor
 * deleting blocks older than the retention.
 */
export function tempoConfig(s: TempoSettings) {
  const dir = PATHS.stateDir;
  return {
    target: "all",
    stream_over_http_enabled: true,
    server: {
      http_listen_address: s.listenAddress,
      http_listen_port: s.port,
      grpc_listen_address: "127.0.0.1",
      grpc_listen_port: s.grpcPort,
      log_level: "info",
    },
    distributor: {
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `${s.listenAddress}:${s.otlpGrpcPort}` },
            http: { endpoint: `${s.listenAddress}:${s.otlpHttpPort}` },
          },
        },
      },
    },
    // The single binary still starts memberlist (port 7946), on every address unless told.
    memberlist: { bind_addr: ["127.0.0.1"], advertise_addr: "127.0.0.1" },
    compactor: { compaction: { block_retention: `${s.retentionDays * 24}h` } },
    storage: { trace: { backend: "local", wal: { path: `${dir}/wal` }, local: { path: `${dir}/blocks` } } },
    usage_report: { reporting_enabled: false },
  };
}

/** tempo.yaml, as YAML 1.1 (Tempo reads it with go-yaml). */
export function renderConfig(s: TempoSettings): string {
  return renderYamlFile(tempoConfig(s), { header: ["Tempo, single binary: traces received by OTLP."], version: "1.1" });
}

export function unitSpec(s: TempoSettings): UnitSpec {
  return releaseUnitSpec({ tool: "tempo", description: "Grafana Tempo: trace store, OTLP receiver", documentation: "https://grafana.com/docs/tempo/latest/", memoryMax: s.memoryMax, hardening: s.hardening });
}

export function renderUnit(s: TempoSettings): string {
  return renderUnitFile(unitSpec(s));
}

/**
 * The configuration as a checked file: `tempo -config.verify` reads a candidate before it
 * replaces the current one. A flag taking its value: bare, it would swallow the next argument.
 */
export function configFileSpec(): CheckedFileSpec {
  return releaseConfigSpec("tempo", "-config.verify=true");
}

/** The release's file name: Grafana publishes tempo_<version>_linux_amd64.tar.gz. */
export function assetName(s: Pick<TempoSettings, "asset" | "version">): string {
  return s.asset ?? TEMPO_RELEASE.asset(s.version);
}

/** <releaseUrl>/v<version>/<asset>, checked against sha256, under /opt/tempo. */
export function installSpec(s: TempoSettings): VersionedInstallSpec {
  return releaseInstallSpec({ ...TEMPO_RELEASE, ...s, asset: assetName(s) });
}
