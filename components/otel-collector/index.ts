// The OpenTelemetry Collector: the observability host's receiver for OTLP metrics, which it
// writes to Prometheus by remote write. A release service (src/remote/release.ts): the contrib
// release download (or a mirror in the same layout), checked by sha256, as a versioned install;
// its own user; its configuration checked by `otelcol-contrib validate` before it replaces the
// current one; Prometheus's remote write login in the unit's EnvironmentFile (root 0600); a
// hardened unit restarted only after a change and followed by a wait for its health check.
import * as pulumi from "@pulumi/pulumi";
import { ReleaseServiceComponent } from "../../src/remote/release";
import { OTEL_COLLECTOR, otlpHttpUrl, renderEnvironment } from "./render";
import { OtelCollectorArgs, otelCollectorArgsSchema, OtelCollectorSettings } from "./schema";

export * from "./schema";

export class OtelCollector extends ReleaseServiceComponent<OtelCollectorSettings> {
  /** The OTLP/HTTP receiver (POST <this>/v1/metrics). */
  readonly otlpHttpUrl = otlpHttpUrl(this.settings);

  constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    const { remoteWriteLogin, ...rest } = args;
    const environment = pulumi.secret(
      pulumi.output(remoteWriteLogin.password).apply((password) => renderEnvironment({ username: remoteWriteLogin.username, password })),
    );
    super("openclaw:observability:OtelCollector", name, OTEL_COLLECTOR, otelCollectorArgsSchema, rest, opts, environment);
  }
}
