// Pure rendering of Tempo's files and scripts from its settings. Golden-file tested.
import { grafanaServerConfig, releaseAssetName, ReleaseProgram, releasePaths } from "../../src/remote/release";
import { TEMPO_RELEASE, TempoSettings } from "./schema";

export const PATHS = releasePaths(TEMPO_RELEASE.tool);

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
  return {
    target: "all",
    stream_over_http_enabled: true,
    server: grafanaServerConfig(s),
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
    storage: {
      trace: { backend: "local", wal: { path: `${PATHS.stateDir}/wal` }, local: { path: `${PATHS.stateDir}/blocks` } },
    },
    usage_report: { reporting_enabled: false },
  };
}

/**
 * Tempo as a release service: tempo.yaml (YAML 1.1, Tempo reads it with go-yaml) checked by
 * `tempo -config.verify` (a flag taking its value: bare, it would swallow the next argument),
 * ready at /ready.
 */
export const TEMPO: ReleaseProgram<TempoSettings> = {
  release: TEMPO_RELEASE,
  unit: { description: "Grafana Tempo: trace store, OTLP receiver", documentation: "https://grafana.com/docs/tempo/latest/" },
  config: { of: tempoConfig, header: "Tempo, single binary: traces received by OTLP.", yaml: "1.1", check: "-config.verify=true" },
  readyUrl,
};

/** The release's file name: Grafana publishes tempo_<version>_linux_amd64.tar.gz. */
export function assetName(s: Pick<TempoSettings, "asset" | "version">): string {
  return releaseAssetName(TEMPO_RELEASE, s);
}
