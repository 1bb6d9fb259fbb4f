// Loki: the log store of the observability host, a release service (src/remote/release.ts): the
// single binary from Grafana's release download (or a mirror in the same layout), checked by
// sha256, as a versioned install; its own user; its configuration checked by `loki
// -verify-config` before it replaces the current one; a hardened unit listening on the private
// address, restarted only after a change and followed by a wait for /ready.
import * as pulumi from "@pulumi/pulumi";
import { ReleaseServiceComponent } from "../../src/remote/release";
import { baseUrl, LOKI } from "./render";
import { LokiArgs, lokiArgsSchema, LokiSettings } from "./schema";

export * from "./schema";

export class Loki extends ReleaseServiceComponent<LokiSettings> {
  /** http://<private address>:<port>: push, LogQL queries, OTLP logs. */
  readonly url = baseUrl(this.settings);

  constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Loki", name, LOKI, lokiArgsSchema, args, opts);
  }
}
