// Tempo's options: a release service's (which release, where it comes from, its sha256, memory,
// sandboxing) and its own: its ports and how long traces are kept. Rules between options are
// checked here, so a wrong value fails `pulumi preview` naming the field.
import { z } from "zod";
import { Release, ReleaseServiceArgs, releaseServiceArgsShape, releaseServiceOptionsSchema, servicePort } from "../../src/remote/release";

/** Grafana's Tempo releases: <base>/v<version>/tempo_<version>_linux_amd64.tar.gz. A mirror in the same layout works. */
export const TEMPO_RELEASES = "https://github.com/grafana/tempo/releases/download";

/** The .tar.gz holds `tempo`. */
export const TEMPO_RELEASE: Release = { tool: "tempo", asset: (v) => `tempo_${v}_linux_amd64.tar.gz`, checksums: "SHA256SUMS" };

/** The options an operator sets in stack config (`openclaw-infra:tempo`); 2.9.0 is the release the sandbox builds (toolchain/build.sh). */
export const tempoOptionsSchema = releaseServiceOptionsSchema(
  TEMPO_RELEASE,
  { version: "2.9.0", releaseUrl: TEMPO_RELEASES, memoryMax: "1G" },
  {
    /** HTTP API on the private address: queries (Grafana), /ready, /metrics. */
    port: servicePort.default(3200),
    /** gRPC port, on loopback only (Loki's default 9095 is taken on the same host). */
    grpcPort: servicePort.default(9096),
    /** OTLP receivers on the private address: gRPC and HTTP (/v1/traces). */
    otlpGrpcPort: servicePort.default(4317),
    otlpHttpPort: servicePort.default(4318),
    /** Days trace blocks are kept; the compactor deletes older ones. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
  },
  ["port", "grpcPort", "otlpGrpcPort", "otlpHttpPort"],
);

/** Everything the component needs besides the options: the HTTP API and the OTLP receivers are on the host's private address. */
export const tempoArgsSchema = tempoOptionsSchema.safeExtend(releaseServiceArgsShape);

export type TempoOptions = z.input<typeof tempoOptionsSchema>;
/** The component's arguments: its options, what the stack derives, and the SSH connection to its host. */
export type TempoArgs = ReleaseServiceArgs<TempoArgsOptions>;
export type TempoArgsOptions = z.input<typeof tempoArgsSchema>;
export type TempoSettings = z.output<typeof tempoArgsSchema>;
