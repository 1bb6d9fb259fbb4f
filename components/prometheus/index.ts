// Prometheus: Debian's prometheus package on the observability host, listening only on the
// host's private address, scraping the jobs the registry derives for the whole topology,
// evaluating the alert rules (rules.ts), sending alerts to Alertmanager and accepting the
// gateway's OTLP metrics. The package's unit stays as shipped: its arguments go in
// /etc/default/prometheus (ARGS), the hardening in a drop-in (like components/node-exporter).
//
// Steps: hold (the package would start it on every address when installed) -> package ->
// rules (promtool check rules) -> prometheus.yml (promtool check config, which reads the
// rules too) -> ARGS (checked by the binary) -> drop-in (unmask, enable, restart, wait for
// /-/ready). A change of any of the three files restarts it.
// Destroy removes the drop-in, stops and disables the service and restores Debian's
// defaults file; the package, its data and the config files stay.
import * as pulumi from "@pulumi/pulumi";
import { packagedService } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import {
  baseUrl,
  configFileSpec,
  dropInSpec,
  healthCheck,
  PATHS,
  renderConfig,
  renderFlags,
  renderRules,
  rulesFileSpec,
  STOCK_DEFAULTS,
} from "./render";
import { PrometheusArgsOptions, prometheusArgsSchema } from "./schema";

export * from "./schema";

export interface PrometheusArgs extends PrometheusArgsOptions {
  connection: pulumi.Input<Connection>;
}

export class Prometheus extends pulumi.ComponentResource {
  /** http://<private address>:<port>: UI and API. Known once /-/ready answers. */
  readonly url: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Prometheus", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(prometheusArgsSchema, options, `Prometheus ${name}: `);
    const dropIn = packagedService(
      name,
      {
        connection,
        paths: PATHS,
        flags: renderFlags(s),
        stockDefaults: STOCK_DEFAULTS,
        dropIn: dropInSpec(s),
        // The rules first: promtool check config reads them too.
        files: [
          { step: "rules", checked: rulesFileSpec(), content: renderRules(s) },
          { step: "config", checked: configFileSpec(), content: renderConfig(s) },
        ],
        healthCheck: healthCheck(s),
      },
      this,
    );

    this.url = dropIn.id.apply(() => baseUrl(s));
    this.registerOutputs({ url: this.url, unitName: this.unitName });
  }
}
