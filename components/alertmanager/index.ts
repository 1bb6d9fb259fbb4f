// Alertmanager: Debian's prometheus-alertmanager on the observability host, on the private
// address, routing Prometheus's alerts to a webhook and/or email. Steps
// (src/remote/packaged-service.ts): hold -> package -> credential files (0640
// root:prometheus, secret content on stdin) -> alertmanager.yml (amtool check-config) ->
// ARGS -> hardened drop-in (restart on any change, wait for /-/ready).
import * as pulumi from "@pulumi/pulumi";
import { packagedService, ServiceFile } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { configFileSpec, dropInSpec, healthCheck, PATHS, renderConfig, renderFlags, STOCK_DEFAULTS } from "./render";
import { AlertmanagerArgsOptions, alertmanagerArgsSchema, AlertmanagerSecrets, requiredSecrets } from "./schema";

export * from "./schema";

export interface AlertmanagerArgs extends AlertmanagerArgsOptions {
  connection: pulumi.Input<Connection>;
  /** Receiver credentials; those the options need must be set (the registry requires them). */
  secrets: pulumi.Input<AlertmanagerSecrets>;
}

export class Alertmanager extends pulumi.ComponentResource {
  /** http://<private address>:<port>: UI and API. Known once /-/ready answers. */
  readonly url: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Alertmanager", name, {}, opts);
    const { connection, secrets, ...options } = args;
    const s = parseOrThrow(alertmanagerArgsSchema, options, `Alertmanager ${name}: `);
    const credentials = requiredSecrets(s).map((key): ServiceFile => {
      const path = key === "webhookToken" ? PATHS.webhookToken : PATHS.smtpPassword;
      const content = pulumi.secret(
        pulumi.output(secrets).apply((all) => {
          const value = all[key];
          if (!value) throw new Error(`Alertmanager ${name}: the secret for ${key} is not set`);
          return value;
        }),
      );
      const step = key === "webhookToken" ? "webhook-token" : "smtp-password";
      return { step, content, plain: { path, owner: "root", group: "prometheus", mode: "0640" } };
    });
    const dropIn = packagedService(
      name,
      {
        connection,
        paths: PATHS,
        flags: renderFlags(s),
        stockDefaults: STOCK_DEFAULTS,
        dropIn: dropInSpec(s),
        // The credentials before the config amtool checks. A new credential is read at the next
        // notification; a restart makes it certain.
        files: [...credentials, { step: "config", checked: configFileSpec(), content: renderConfig(s) }],
        healthCheck: healthCheck(s),
      },
      this,
    );
    this.url = dropIn.id.apply(() => `http://${s.listenAddress}:${s.port}`);
    this.registerOutputs({ url: this.url, unitName: this.unitName });
  }
}
