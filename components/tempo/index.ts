// Tempo: the trace store of the observability host, receiving OTLP (gRPC and HTTP) on the
// private address. A release service (src/remote/release.ts): the single binary from Grafana's
// release download (or a mirror in the same layout), checked by sha256, as a versioned install;
// its own user; its configuration checked by `tempo -config.verify` before it replaces the
// current one; a hardened unit restarted only after a change and followed by a wait for /ready.
import * as pulumi from "@pulumi/pulumi";
import { ReleaseServiceComponent } from "../../src/remote/release";
import { apiUrl, otlpHttpUrl, TEMPO } from "./render";
import { TempoArgs, tempoArgsSchema, TempoSettings } from "./schema";

export * from "./schema";

export class Tempo extends ReleaseServiceComponent<TempoSettings> {
  /** The HTTP API (queries). */
  readonly url = apiUrl(this.settings);
  /** The OTLP/HTTP receiver (POST <this>/v1/traces). */
  readonly otlpHttpUrl = otlpHttpUrl(this.settings);

  constructor(name: string, args: TempoArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Tempo", name, TEMPO, tempoArgsSchema, args, opts);
  }
}
