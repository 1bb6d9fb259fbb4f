// BlackboxExporter: Debian's prometheus-blackbox-exporter on the gateway host, listening on
// the private address so Prometheus (on the observability host) can ask it to probe the
// gateway's /health on loopback. Steps (src/remote/packaged-service.ts): hold -> package ->
// blackbox-openclaw.yml (checked with --config.check) -> ARGS -> hardened drop-in.
import * as pulumi from "@pulumi/pulumi";
import { packagedService } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { configFileSpec, dropInSpec, healthCheck, PATHS, renderConfig, renderFlags, STOCK_DEFAULTS } from "./render";
import { BlackboxArgsOptions, blackboxArgsSchema } from "./schema";

export * from "./schema";

export interface BlackboxExporterArgs extends BlackboxArgsOptions {
  connection: pulumi.Input<Connection>;
}

export class BlackboxExporter extends pulumi.ComponentResource {
  /** http://<private address>:<port>/probe. Known once it answers. */
  readonly probeUrl: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: BlackboxExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:BlackboxExporter", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(blackboxArgsSchema, options, `BlackboxExporter ${name}: `);
    const dropIn = packagedService(
      name,
      {
        connection,
        paths: PATHS,
        flags: renderFlags(s),
        stockDefaults: STOCK_DEFAULTS,
        dropIn: dropInSpec(s),
        files: [{ step: "config", checked: configFileSpec(), content: renderConfig(s) }],
        healthCheck: healthCheck(s),
      },
      this,
    );
    this.probeUrl = dropIn.id.apply(() => `http://${s.listenAddress}:${s.port}/probe`);
    this.registerOutputs({ probeUrl: this.probeUrl, unitName: this.unitName });
  }
}
