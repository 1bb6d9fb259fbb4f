// Loki's options: a release service's (which release, where it comes from, its sha256, memory,
// sandboxing) and its own: its ports, how long logs are kept and how fast they may come. Rules
// between options are checked here, so a wrong value fails `pulumi preview` naming the field.
import { z } from "zod";
import {
  Release,
  ReleaseServiceArgs,
  releaseServiceArgsShape,
  releaseServiceOptionsSchema,
  servicePort,
  zipStem,
} from "../../src/remote/release";

/** Grafana's Loki releases: <base>/v<version>/loki-linux-amd64.zip. A mirror in the same layout works. */
export const LOKI_RELEASES = "https://github.com/grafana/loki/releases/download";

/** The zip holds the binary under its own name without .zip. */
export const LOKI_RELEASE: Release = { tool: "loki", asset: () => "loki-linux-amd64.zip", member: zipStem, checksums: "SHA256SUMS" };

/** 3.6.4 is the release the sandbox builds (toolchain/build.sh). */
const TESTED = { version: "3.6.4", releaseUrl: LOKI_RELEASES, memoryMax: "1G" };

/** The options an operator sets in stack config (`openclaw-infra:loki`). */
export const lokiOptionsSchema = releaseServiceOptionsSchema(
  LOKI_RELEASE,
  TESTED,
  {
    /** Its download's name does not depend on the version: the name itself is the default. */
    asset: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "must be a file name like loki-linux-amd64.zip")
      .default(LOKI_RELEASE.asset(TESTED.version)),
    /** HTTP port on the host's private address: push, queries, OTLP logs (/otlp/v1/logs), /ready, /metrics. */
    port: servicePort.default(3100),
    /** gRPC port, on loopback only (the single binary's components talk to each other there). */
    grpcPort: servicePort.default(9095),
    /** Days logs are kept; the compactor deletes older chunks. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
    /** Per-tenant ingestion limits, MB per second and burst. */
    ingestionRateMb: z.number().positive().default(8),
    ingestionBurstMb: z.number().positive().default(16),
  },
  ["port", "grpcPort"],
);

/** Everything the component needs besides the options: Loki's HTTP listener is the host's private address. */
export const lokiArgsSchema = lokiOptionsSchema.safeExtend(releaseServiceArgsShape);

export type LokiOptions = z.input<typeof lokiOptionsSchema>;
/** The component's arguments: its options, what the stack derives, and the SSH connection to its host. */
export type LokiArgs = ReleaseServiceArgs<LokiArgsOptions>;
export type LokiArgsOptions = z.input<typeof lokiArgsSchema>;
export type LokiSettings = z.output<typeof lokiArgsSchema>;
