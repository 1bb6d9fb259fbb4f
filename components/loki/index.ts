// Loki: the log store of the observability host. The single binary from Grafana's release
// download (or a mirror in the same layout), checked by sha256, as a versioned install; its
// own user; its configuration checked by `loki -verify-config` before it replaces the current
// one; a hardened unit listening on the private address, restarted only after a change and
// followed by a wait for /ready.
import * as pulumi from "@pulumi/pulumi";
import { releaseService } from "../../src/remote/release";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { baseUrl, configFileSpec, installSpec, readyUrl, renderConfig, unitSpec } from "./render";
import { lokiArgsSchema, LokiArgsOptions } from "./schema";

export * from "./schema";

export interface LokiArgs extends LokiArgsOptions {
  connection: pulumi.Input<Connection>;
}

export class Loki extends pulumi.ComponentResource {
  /** http://<private address>:<port>: push, LogQL queries, OTLP logs. */
  readonly url: string;
  readonly version: pulumi.Output<string>;

  constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Loki", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(lokiArgsSchema, options, `Loki ${name}: `);
    this.url = baseUrl(s);
    this.version = releaseService(
      name,
      { connection, install: installSpec(s), config: configFileSpec(), content: renderConfig(s), spec: unitSpec(s), readyUrl: readyUrl(s) },
      this,
    );
    this.registerOutputs({ url: this.url, version: this.version });
  }
}
