// NodeExporter: host metrics for Prometheus from Debian's prometheus-node-exporter, listening
// only on the address it is given (the host's private address). The package's unit stays as
// shipped: the arguments go in the package's own /etc/default/prometheus-node-exporter (ARGS),
// checked by the installed binary first, and the hardening in a drop-in. A change to either
// restarts the service, and every restart is followed by a wait for /metrics on that address.
//
// Steps: hold (the package would otherwise start it on every address the moment it is
// installed) -> package -> args (defaults file checked by the binary, unmask, enable) ->
// drop-in (restart, wait).
// Destroy removes the drop-in, then stops and disables the service and restores Debian's
// defaults file; the package stays installed.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "../../src/remote/apt";
import { checkedFile } from "../../src/remote/checked-file";
import { RemoteCommand } from "../../src/remote/command";
import { digest } from "../../src/remote/file";
import { Connection } from "../../src/remote/ssh";
import { systemdDropIn } from "../../src/remote/systemd";
import { parseOrThrow } from "../../src/validate";
import { argsFileSpec, dropInSpec, healthCheck, metricsUrl, PATHS, renderArgsDelete, renderDefaults, renderHoldScript } from "./render";
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
    const parent = { parent: this };

    const hold = new RemoteCommand(
      `${name}-hold`,
      {
        connection,
        label: `hold ${PATHS.unit} until configured`,
        create: renderHoldScript(),
        // Held, or past it: the package installed. A wiped host shows "missing" and is held again.
        check: `if dpkg-query -W -f='\${db:Status-Abbrev}' ${PATHS.package} 2>/dev/null | grep -q '^ii'; then echo package=installed; else echo package=missing; fi\n`,
        observed: "package=installed",
      },
      parent,
    );

    const pkg = aptPackages(`${name}-package`, { connection, packages: [PATHS.package] }, { ...parent, dependsOn: [hold] });

    const defaults = renderDefaults(s);
    const argsFile = checkedFile(
      `${name}-args`,
      { connection, ...argsFileSpec(s), content: defaults, delete: renderArgsDelete() },
      { ...parent, dependsOn: [pkg] },
    );

    const dropIn = systemdDropIn(
      `${name}-drop-in`,
      {
        connection,
        unit: PATHS.unit,
        name: PATHS.dropIn,
        spec: dropInSpec(s),
        reads: [PATHS.defaults],
        restartTriggers: [digest(defaults)],
        healthCheck: healthCheck(s),
      },
      { ...parent, dependsOn: [argsFile] },
    );

    this.metricsUrl = dropIn.id.apply(() => metricsUrl(s));
    this.registerOutputs({ metricsUrl: this.metricsUrl, unitName: this.unitName });
  }
}
