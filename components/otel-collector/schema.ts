// The OpenTelemetry Collector's options: which release, where it comes from, its ports and its
// memory. It takes the gateway's OTLP metrics, the one signal no store here receives itself
// (Debian's Prometheus 2.53 has no OTLP receiver), and writes them to Prometheus by remote write.
import { z } from "zod";
import { Release } from "../../src/remote/release";

/** The collector's contrib releases: <base>/v<version>/otelcol-contrib_<version>_linux_amd64.tar.gz. A mirror in the same layout works. */
export const OTELCOL_RELEASES = "https://github.com/open-telemetry/opentelemetry-collector-releases/releases/download";

/** The contrib release's program name (its binary, unit, user and /etc/otelcol-contrib); the .tar.gz holds the binary. */
export const OTELCOL_RELEASE: Release = { tool: "otelcol-contrib", releases: OTELCOL_RELEASES, asset: (v) => `otelcol-contrib_${v}_linux_amd64.tar.gz` };

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const port = z.number().int().min(1024).max(65535);

/** The options an operator sets in stack config (`openclaw-infra:otelCollector`). */
export const otelCollectorOptionsSchema = z
  .object({
    /** otelcol-contrib release; 0.162.0 is the version the sandbox builds (toolchain/otelcol). */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must be a release like 0.162.0")
      .default("0.162.0"),
    /** sha256 of the release download (the release's checksums file lists it). Required to deploy: `pulumi preview` says so when it is missing. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be a sha256 digest (64 lowercase hex characters)")
      .optional(),
    /** Base URL of the release downloads (<base>/v<version>/<asset>). */
    releaseUrl: httpUrl.default(OTELCOL_RELEASES),
    /** File name of the download: a .tar.gz or .zip holding `otelcol-contrib`, or the binary itself. Default: otelcol-contrib_<version>_linux_amd64.tar.gz. */
    asset: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "must be a file name like otelcol-contrib_0.162.0_linux_amd64.tar.gz")
      .optional(),
    /** Its own metrics (what it received, sent, dropped), on the private address for Prometheus. */
    metricsPort: port.default(8888),
    /** The health check extension, on loopback: the deploy waits for it after a restart. */
    healthPort: port.default(13133),
    /** systemd MemoryMax=; the memory limiter refuses data at 80% of it, so the kernel never kills the collector first. */
    memoryMax: z
      .string()
      .regex(/^\d+[MG]$/, "must be a size in M or G, like 256M")
      .default("256M"),
    /** Sandboxing of the unit. Only turn off while debugging a crash you suspect it causes. */
    hardening: z.boolean().default(true),
  })
  .strict()
  .refine((o) => o.metricsPort !== o.healthPort, { path: ["healthPort"], message: "is also metricsPort" });

/** Everything the component needs besides the options. */
export const otelCollectorArgsSchema = otelCollectorOptionsSchema.safeExtend({
  /** The host's private address: the OTLP receiver and its own metrics. */
  listenAddress: z.ipv4({ error: "must be an IPv4 address" }),
  /** The OTLP/HTTP receiver's port (the topology's, which the gateway is configured with). */
  otlpHttpPort: port,
  /** Prometheus's remote write endpoint (http://<address>:<port>/api/v1/write). */
  remoteWriteUrl: httpUrl,
  sha256: otelCollectorOptionsSchema.shape.sha256.unwrap(),
});

export type OtelCollectorOptions = z.input<typeof otelCollectorOptionsSchema>;
export type OtelCollectorArgsOptions = z.input<typeof otelCollectorArgsSchema>;
export type OtelCollectorSettings = z.output<typeof otelCollectorArgsSchema>;
