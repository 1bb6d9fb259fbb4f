// Prometheus: Debian's prometheus package on the observability host, listening only on the
// host's private address, scraping the jobs the registry derives for the whole topology,
// evaluating the alert rules (rules.ts), sending alerts to Alertmanager and accepting the
// gateway's OTLP metrics. The package's unit stays as shipped: its arguments go in
// /etc/default/prometheus (ARGS), the hardening in a drop-in (like components/node-exporter).
//
// Steps: hold (the package would start it on every address when installed) -> package ->
// rules (promtool check rules) -> prometheus.yml (promtool check config, which reads the
// rules too) -> ARGS (checked by the binary; unmask, enable) -> drop-in (restart, wait for
// /-/ready). A change of any of the three files restarts it.
// Destroy removes the drop-in, stops and disables the service and restores Debian's
// defaults file; the package, its data and the config files stay.
import * as pulumi from "@pulumi/pulumi";
import { checkedFile } from "../../src/remote/checked-file";
import { argsAndDropIn, holdAndInstall } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { baseUrl, configFileSpec, dropInSpec, healthCheck, PATHS, renderConfig, renderFlags, renderRules, rulesFileSpec, STOCK_DEFAULTS } from "./render";
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
    const parent = { parent: this };

    const pkg = holdAndInstall(name, connection, PATHS, this);
    const rules = renderRules(s);
    const rulesFile = checkedFile(`${name}-rules`, { connection, ...rulesFileSpec(), content: rules }, { ...parent, dependsOn: [pkg] });
    const config = renderConfig(s);
    const configFile = checkedFile(`${name}-config`, { connection, ...configFileSpec(), content: config }, { ...parent, dependsOn: [rulesFile] });
    const dropIn = argsAndDropIn(
      name,
      {
        connection,
        paths: PATHS,
        flags: renderFlags(s),
        stockDefaults: STOCK_DEFAULTS,
        dropIn: dropInSpec(s),
        files: [
          { path: PATHS.config, content: config },
          { path: PATHS.rules, content: rules },
        ],
        healthCheck: healthCheck(s),
      },
      { ...parent, dependsOn: [configFile] },
    );

    this.url = dropIn.id.apply(() => baseUrl(s));
    this.registerOutputs({ url: this.url, unitName: this.unitName });
  }
}
