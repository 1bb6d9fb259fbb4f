// The OpenTelemetry Collector's options: a release service's (which release, where it comes from,
// its sha256, memory, sandboxing) and its own ports. It takes the gateway's OTLP metrics, the one
// signal no store here receives itself (Debian's Prometheus 2.53 has no OTLP receiver), and writes
// them to Prometheus by remote write.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Release, ReleaseServiceArgs, releaseServiceArgsShape, releaseServiceOptionsSchema, servicePort } from "../../src/remote/release";

/** The collector's contrib releases: <base>/v<version>/otelcol-contrib_<version>_linux_amd64.tar.gz. A mirror in the same layout works. */
export const OTELCOL_RELEASES = "https://github.com/open-telemetry/opentelemetry-collector-releases/releases/download";

/** The contrib release's program name (its binary, unit, user and /etc/otelcol-contrib); the .tar.gz holds the binary. */
export const OTELCOL_RELEASE: Release = {
  tool: "otelcol-contrib",
  asset: (v) => `otelcol-contrib_${v}_linux_amd64.tar.gz`,
  checksums: "opentelemetry-collector-releases_otelcol-contrib_checksums.txt",
};

/** The options an operator sets in stack config (`openclaw-infra:otelCollector`); 0.162.0 is the version the sandbox builds. */
export const otelCollectorOptionsSchema = releaseServiceOptionsSchema(
  OTELCOL_RELEASE,
  { version: "0.162.0", releaseUrl: OTELCOL_RELEASES, memoryMax: "256M" },
  {
    /** systemd MemoryMax=, in M or G: the memory limiter refuses data at 80% of it, so the kernel never kills the collector first. */
    memoryMax: z
      .string()
      .regex(/^\d+[MG]$/, "must be a size in M or G, like 256M")
      .default("256M"),
    /** The OTLP/HTTP receiver on the private address, where the gateway sends its metrics. */
    otlpHttpPort: servicePort.default(4319),
    /** Its own metrics (what it received, sent, dropped), on the private address for Prometheus. */
    metricsPort: servicePort.default(8888),
    /** The health check extension, on loopback: the deploy waits for it after a restart. */
    healthPort: servicePort.default(13133),
  },
  ["otlpHttpPort", "metricsPort", "healthPort"],
);

/** Everything the component needs besides the options. */
export const otelCollectorArgsSchema = otelCollectorOptionsSchema.safeExtend({
  ...releaseServiceArgsShape,
  /** Prometheus's remote write endpoint (http://<address>:<port>/api/v1/write). */
  remoteWriteUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
});

export type OtelCollectorOptions = z.input<typeof otelCollectorOptionsSchema>;
/** How it logs in to Prometheus's remote write (basic auth): the password is a secret, outside the settings. */
export interface RemoteWriteLogin {
  username: string;
  password: pulumi.Input<string>;
}

/** The component's arguments: its options, what the stack derives, the remote write login and the SSH connection to its host. */
export type OtelCollectorArgs = ReleaseServiceArgs<OtelCollectorArgsOptions> & { remoteWriteLogin: RemoteWriteLogin };
export type OtelCollectorArgsOptions = z.input<typeof otelCollectorArgsSchema>;
export type OtelCollectorSettings = z.output<typeof otelCollectorArgsSchema>;
