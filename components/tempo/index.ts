// Tempo: the trace store of the observability host, receiving OTLP (gRPC and HTTP) on the
// private address. The single binary from Grafana's release download (or a mirror in the same
// layout), checked by sha256, as a versioned install; its own user; its configuration checked
// by `tempo -config.verify` before it replaces the current one; a hardened unit restarted only
// after a change and followed by a wait for /ready.
import * as pulumi from "@pulumi/pulumi";
import { releaseService } from "../../src/remote/release";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { apiUrl, configFileSpec, installSpec, otlpHttpUrl, readyUrl, renderConfig, unitSpec } from "./render";
import { tempoArgsSchema, TempoArgsOptions } from "./schema";

export * from "./schema";

export interface TempoArgs extends TempoArgsOptions {
  connection: pulumi.Input<Connection>;
}

export class Tempo extends pulumi.ComponentResource {
  /** The HTTP API (queries). */
  readonly url: string;
  /** The OTLP/HTTP receiver (POST <this>/v1/traces). */
  readonly otlpHttpUrl: string;
  readonly version: pulumi.Output<string>;

  constructor(name: string, args: TempoArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Tempo", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(tempoArgsSchema, options, `Tempo ${name}: `);
    this.url = apiUrl(s);
    this.otlpHttpUrl = otlpHttpUrl(s);
    this.version = releaseService(
      name,
      { connection, install: installSpec(s), config: configFileSpec(), content: renderConfig(s), spec: unitSpec(s), readyUrl: readyUrl(s) },
      this,
    );
    this.registerOutputs({ url: this.url, otlpHttpUrl: this.otlpHttpUrl, version: this.version });
  }
}
