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
import { aptPackages } from "../../src/remote/apt";
import { checkedFile } from "../../src/remote/checked-file";
import { RemoteCommand } from "../../src/remote/command";
import { digest } from "../../src/remote/file";
import { Connection } from "../../src/remote/ssh";
import { systemdDropIn } from "../../src/remote/systemd";
import { parseOrThrow } from "../../src/validate";
import {
  argsFileSpec,
  baseUrl,
  configFileSpec,
  dropInSpec,
  healthCheck,
  OTLP_METRICS_PATH,
  PATHS,
  renderArgsDelete,
  renderConfig,
  renderDefaults,
  renderHoldScript,
  renderRules,
  rulesFileSpec,
} from "./render";
import { PrometheusArgsOptions, prometheusArgsSchema } from "./schema";

export * from "./schema";

export interface PrometheusArgs extends PrometheusArgsOptions {
  connection: pulumi.Input<Connection>;
}

export class Prometheus extends pulumi.ComponentResource {
  /** http://<private address>:<port>: UI and API. Known once /-/ready answers. */
  readonly url: pulumi.Output<string>;
  /** Where OTLP/HTTP metrics are pushed. */
  readonly otlpMetricsUrl: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Prometheus", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(prometheusArgsSchema, options, `Prometheus ${name}: `);
    const parent = { parent: this };

    const hold = new RemoteCommand(
      `${name}-hold`,
      {
        connection,
        label: `hold ${PATHS.unit} until configured`,
        create: renderHoldScript(),
        check: `if dpkg-query -W -f='\${db:Status-Abbrev}' ${PATHS.package} 2>/dev/null | grep -q '^ii'; then echo package=installed; else echo package=missing; fi\n`,
        observed: "package=installed",
      },
      parent,
    );
    const pkg = aptPackages(`${name}-package`, { connection, packages: [PATHS.package] }, { ...parent, dependsOn: [hold] });

    const rules = renderRules(s);
    const rulesFile = checkedFile(`${name}-rules`, { connection, ...rulesFileSpec(), content: rules }, { ...parent, dependsOn: [pkg] });
    const config = renderConfig(s);
    const configFile = checkedFile(`${name}-config`, { connection, ...configFileSpec(), content: config }, { ...parent, dependsOn: [rulesFile] });
    const defaults = renderDefaults(s);
    const argsFile = checkedFile(
      `${name}-args`,
      { connection, ...argsFileSpec(s), content: defaults, delete: renderArgsDelete() },
      { ...parent, dependsOn: [configFile] },
    );

    const dropIn = systemdDropIn(
      `${name}-drop-in`,
      {
        connection,
        unit: PATHS.unit,
        name: PATHS.dropIn,
        spec: dropInSpec(s),
        reads: [PATHS.defaults, PATHS.config, PATHS.rules],
        restartTriggers: [digest(defaults), digest(config), digest(rules)],
        healthCheck: healthCheck(s),
      },
      { ...parent, dependsOn: [argsFile] },
    );

    this.url = dropIn.id.apply(() => baseUrl(s));
    this.otlpMetricsUrl = dropIn.id.apply(() => `${baseUrl(s)}${OTLP_METRICS_PATH}`);
    this.registerOutputs({ url: this.url, otlpMetricsUrl: this.otlpMetricsUrl, unitName: this.unitName });
  }
}
