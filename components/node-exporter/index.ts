// NodeExporter: host metrics for Prometheus from Debian's prometheus-node-exporter, listening
// only on the address it is given (the host's private address). A packaged Debian service
// (src/remote/packaged-service.ts): the package's unit stays as shipped, the arguments go in
// the package's own /etc/default/prometheus-node-exporter (ARGS), checked by the installed
// binary first, and the hardening in a drop-in. A change to either restarts the service, and
// every restart is followed by a wait for /metrics on that address.
//
// Steps: hold -> package -> args -> drop-in (unmask, enable, restart, wait).
// Destroy removes the drop-in, then stops and disables the service and restores Debian's
// defaults file; the package stays installed.
import * as pulumi from "@pulumi/pulumi";
import { packagedService } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { dropInSpec, healthCheck, metricsUrl, PATHS, renderFlags, STOCK_DEFAULTS } from "./render";
import { NodeExporterArgsOptions, nodeExporterArgsSchema } from "./schema";

export * from "./schema";
export { metricsUrl } from "./render";

export interface NodeExporterArgs extends NodeExporterArgsOptions {
  connection: pulumi.Input<Connection>;
}

export class NodeExporter extends pulumi.ComponentResource {
  /** http://<listenAddress>:<port>/metrics: Prometheus's scrape target. Known once it answers there. */
  readonly metricsUrl: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: NodeExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:NodeExporter", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(nodeExporterArgsSchema, options, `NodeExporter ${name}: `);
    const dropIn = packagedService(
      name,
      {
        connection,
        paths: PATHS,
        flags: renderFlags(s),
        stockDefaults: STOCK_DEFAULTS,
        dropIn: dropInSpec(s),
        healthCheck: healthCheck(s),
      },
      this,
    );

    this.metricsUrl = dropIn.id.apply(() => metricsUrl(s));
    this.registerOutputs({ metricsUrl: this.metricsUrl, unitName: this.unitName });
  }
}
