// Tempo's options: which release, where it comes from, its ports and how long traces are
// kept. Rules between options are checked here, so a wrong value fails `pulumi preview`.
import { z } from "zod";
import { Release } from "../../src/remote/release";

/** Grafana's Tempo releases: <base>/v<version>/tempo_<version>_linux_amd64.tar.gz. A mirror in the same layout works. */
export const TEMPO_RELEASES = "https://github.com/grafana/tempo/releases/download";

/** The .tar.gz holds `tempo`. */
export const TEMPO_RELEASE: Release = { tool: "tempo", releases: TEMPO_RELEASES, asset: (v) => `tempo_${v}_linux_amd64.tar.gz` };

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const port = z.number().int().min(1024).max(65535);

/** The options an operator sets in stack config (`openclaw-infra:tempo`). */
export const tempoOptionsSchema = z
  .object({
    /** Tempo release (single binary); 2.9.0 is the release the sandbox builds (toolchain/build.sh). */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must be a release like 2.9.0")
      .default("2.9.0"),
    /** sha256 of the release download (the release's SHA256SUMS lists it). Required to deploy: `pulumi preview` says so when it is missing. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be a sha256 digest (64 lowercase hex characters)")
      .optional(),
    /** Base URL of the release downloads (<base>/v<version>/<asset>). */
    releaseUrl: httpUrl.default(TEMPO_RELEASES),
    /** File name of the download: a .tar.gz or .zip holding `tempo`, or the binary itself. Default: tempo_<version>_linux_amd64.tar.gz. */
    asset: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "must be a file name like tempo_2.9.0_linux_amd64.tar.gz")
      .optional(),
    /** HTTP API on the private address: queries (Grafana), /ready, /metrics. */
    port: port.default(3200),
    /** gRPC port, on loopback only (Loki's default 9095 is taken on the same host). */
    grpcPort: port.default(9096),
    /** OTLP receivers on the private address: gRPC and HTTP (/v1/traces). */
    otlpGrpcPort: port.default(4317),
    otlpHttpPort: port.default(4318),
    /** Days trace blocks are kept; the compactor deletes older ones. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
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
    const seen = new Map<number, string>();
    for (const key of ["port", "grpcPort", "otlpGrpcPort", "otlpHttpPort"] as const) {
      const other = seen.get(o[key]);
      if (other) ctx.addIssue({ code: "custom", path: [key], message: `is also ${other} (${o[key]})` });
      seen.set(o[key], key);
    }
  });

/** Everything the component needs besides the options. */
export const tempoArgsSchema = tempoOptionsSchema.safeExtend({
  /** The host's private address: the HTTP API and the OTLP receivers. */
  listenAddress: z.ipv4({ error: "must be an IPv4 address" }),
  sha256: tempoOptionsSchema.shape.sha256.unwrap(),
});

export type TempoOptions = z.input<typeof tempoOptionsSchema>;
export type TempoArgsOptions = z.input<typeof tempoArgsSchema>;
export type TempoSettings = z.output<typeof tempoArgsSchema>;
