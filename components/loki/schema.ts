// Loki's options: which release, where it comes from, how long logs are kept. Rules between
// options are checked here, so a wrong value fails `pulumi preview` naming the field.
import { z } from "zod";
import { Release, zipStem } from "../../src/remote/release";

/** Grafana's Loki releases: <base>/v<version>/loki-linux-amd64.zip. A mirror in the same layout works. */
export const LOKI_RELEASES = "https://github.com/grafana/loki/releases/download";

/** The zip holds the binary under its own name without .zip. */
export const LOKI_RELEASE: Release = { tool: "loki", releases: LOKI_RELEASES, asset: () => "loki-linux-amd64.zip", member: zipStem };

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** The options an operator sets in stack config (`openclaw-infra:loki`). */
export const lokiOptionsSchema = z
  .object({
    /** Loki release (single binary); 3.6.4 is the release the sandbox builds (toolchain/build.sh). */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must be a release like 3.6.4")
      .default("3.6.4"),
    /**
     * sha256 of the release download (the release's SHA256SUMS lists it). Required to deploy:
     * `pulumi preview` says so when it is missing.
     */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be a sha256 digest (64 lowercase hex characters)")
      .optional(),
    /** Base URL of the release downloads (<base>/v<version>/<asset>). */
    releaseUrl: httpUrl.default(LOKI_RELEASES),
    /** File name of the download: a .zip holding <name without .zip>, or the binary itself. */
    asset: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "must be a file name like loki-linux-amd64.zip")
      .default("loki-linux-amd64.zip"),
    /** HTTP port on the host's private address: push, queries, OTLP logs (/otlp/v1/logs), /ready, /metrics. */
    port: z.number().int().min(1024).max(65535).default(3100),
    /** gRPC port, on loopback only (the single binary's components talk to each other there). */
    grpcPort: z.number().int().min(1024).max(65535).default(9095),
    /** Days logs are kept; the compactor deletes older chunks. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
    /** Per-tenant ingestion limits, MB per second and burst. */
    ingestionRateMb: z.number().positive().default(8),
    ingestionBurstMb: z.number().positive().default(16),
    /** systemd MemoryMax=. */
    memoryMax: z
      .string()
      .regex(/^\d+[KMGT]?$/, "must be a size like 1G")
      .default("1G"),
    /** Sandboxing of the unit. Only turn off while debugging a crash you suspect it causes. */
    hardening: z.boolean().default(true),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.port === o.grpcPort) ctx.addIssue({ code: "custom", path: ["grpcPort"], message: `must differ from port (${o.port})` });
  });

/** Everything the component needs besides the options. */
export const lokiArgsSchema = lokiOptionsSchema.safeExtend({
  /** The host's private address: Loki's HTTP listener. */
  listenAddress: z.ipv4({ error: "must be an IPv4 address" }),
  sha256: lokiOptionsSchema.shape.sha256.unwrap(),
});

export type LokiOptions = z.input<typeof lokiOptionsSchema>;
export type LokiArgsOptions = z.input<typeof lokiArgsSchema>;
export type LokiSettings = z.output<typeof lokiArgsSchema>;
