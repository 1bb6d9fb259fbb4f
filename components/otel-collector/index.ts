// The OpenTelemetry Collector: the observability host's receiver for OTLP metrics, which it
// writes to Prometheus by remote write. A release service (src/remote/release.ts): the contrib
// release download (or a mirror in the same layout), checked by sha256, as a versioned install;
// its own user; its configuration checked by `otelcol-contrib validate` before it replaces the
// current one; a hardened unit restarted only after a change and followed by a wait for its
// health check.
import * as pulumi from "@pulumi/pulumi";
import { ReleaseServiceComponent } from "../../src/remote/release";
import { OTEL_COLLECTOR, otlpHttpUrl } from "./render";
import { OtelCollectorArgs, otelCollectorArgsSchema, OtelCollectorSettings } from "./schema";

export * from "./schema";

export class OtelCollector extends ReleaseServiceComponent<OtelCollectorSettings> {
  /** The OTLP/HTTP receiver (POST <this>/v1/metrics). */
  readonly otlpHttpUrl = otlpHttpUrl(this.settings);

  constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:OtelCollector", name, OTEL_COLLECTOR, otelCollectorArgsSchema, args, opts);
  }
}
