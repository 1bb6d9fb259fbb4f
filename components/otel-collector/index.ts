// The OpenTelemetry Collector: the observability host's receiver for OTLP metrics, which it
// writes to Prometheus by remote write. The contrib release download (or a mirror in the same
// layout), checked by sha256, as a versioned install; its own user; its configuration checked
// by `otelcol-contrib validate` before it replaces the current one; a hardened unit restarted
// only after a change and followed by a wait for its health check.
import * as pulumi from "@pulumi/pulumi";
import { releaseService } from "../../src/remote/release";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { configFileSpec, installSpec, otlpHttpUrl, readyUrl, renderConfig, unitSpec } from "./render";
import { otelCollectorArgsSchema, OtelCollectorArgsOptions } from "./schema";

export * from "./schema";

export interface OtelCollectorArgs extends OtelCollectorArgsOptions {
  connection: pulumi.Input<Connection>;
}

export class OtelCollector extends pulumi.ComponentResource {
  /** The OTLP/HTTP receiver (POST <this>/v1/metrics). */
  readonly otlpHttpUrl: string;
  readonly version: pulumi.Output<string>;

  constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:OtelCollector", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(otelCollectorArgsSchema, options, `OtelCollector ${name}: `);
    this.otlpHttpUrl = otlpHttpUrl(s);
    this.version = releaseService(
      name,
      { connection, install: installSpec(s), config: configFileSpec(), content: renderConfig(s), spec: unitSpec(s), readyUrl: readyUrl(s) },
      this,
    );
    this.registerOutputs({ otlpHttpUrl: this.otlpHttpUrl, version: this.version });
  }
}
