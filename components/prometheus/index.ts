// Prometheus: Debian's prometheus package on the observability host, listening only on the
// host's private address, scraping the jobs the registry derives for the whole topology,
// evaluating the alert rules (rules.ts), sending alerts to Alertmanager and accepting the
// gateway's OTLP metrics. The package's unit stays as shipped: its arguments go in
// /etc/default/prometheus (ARGS), the hardening in a drop-in (like components/node-exporter).
//
// Its UI and API ask for basic auth (PROMETHEUS_USER and the secret prometheusPassword): the
// web config holds the password's bcrypt hash, and the password itself is a file Prometheus
// scrapes itself with and the health wait logs in with.
//
// Steps: hold (the package would start it on every address when installed) -> package ->
// password, web config (plain, secret: a checked candidate is world-readable; Prometheus
// refuses a bad web config at start, and the health wait fails with its journal) -> rules
// (promtool check rules) -> prometheus.yml (promtool check config, which reads the rules too)
// -> ARGS (checked by the binary) -> drop-in (unmask, enable, restart, wait for /-/ready). A
// change of any of these files restarts it.
// Destroy removes the drop-in, stops and disables the service and restores Debian's
// defaults file; the package, its data and the config files stay.
import * as pulumi from "@pulumi/pulumi";
import { packagedService } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { webConfig } from "../../src/web-auth";
import {
  baseUrl,
  configFileSpec,
  dropInSpec,
  healthCheck,
  PATHS,
  READ_BY_PROMETHEUS,
  renderConfig,
  renderFlags,
  renderRules,
  rulesFileSpec,
  STOCK_DEFAULTS,
} from "./render";
import { PROMETHEUS_USER, PrometheusArgsOptions, prometheusArgsSchema, prometheusPasswordSchema } from "./schema";

export * from "./schema";

export interface PrometheusArgs extends PrometheusArgsOptions {
  connection: pulumi.Input<Connection>;
  /** PROMETHEUS_USER's password (the secret prometheusPassword). Treated as secret whether or not it is marked so. */
  password: pulumi.Input<string>;
}

export class Prometheus extends pulumi.ComponentResource {
  /** http://<private address>:<port>: UI and API. Known once /-/ready answers. */
  readonly url: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Prometheus", name, {}, opts);
    const { connection, password, ...options } = args;
    const s = parseOrThrow(prometheusArgsSchema, options, `Prometheus ${name}: `);
    // Validated where it becomes known, inside the secret; only stdin ever carries it.
    const secret = pulumi.secret(
      pulumi.output(password).apply((p) => parseOrThrow(prometheusPasswordSchema, p, `Prometheus ${name}: prometheusPassword `)),
    );
    const dropIn = packagedService(
      name,
      {
        connection,
        paths: PATHS,
        flags: renderFlags(s),
        stockDefaults: STOCK_DEFAULTS,
        dropIn: dropInSpec(s),
        // The rules before the config: promtool check config reads them too.
        files: [
          { step: "password", content: secret, plain: { path: PATHS.password, ...READ_BY_PROMETHEUS } },
          {
            step: "web-config",
            content: secret.apply((p) => webConfig(PROMETHEUS_USER, p)),
            plain: { path: PATHS.webConfig, ...READ_BY_PROMETHEUS },
          },
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
