// Alertmanager: Debian's prometheus-alertmanager on the observability host, on the private
// address, routing Prometheus's alerts to a webhook and/or email. Its UI and API ask for basic
// auth (ALERTMANAGER_USER and the secret alertmanagerPassword): the web config holds the
// password's bcrypt hash, and the password itself is a file Prometheus, on the same host,
// sends alerts and scrapes with. Steps (src/remote/packaged-service.ts): hold -> package ->
// password, web config, receiver credentials (0640 root:prometheus, secret content on stdin,
// not checked: a checked candidate is world-readable; it refuses a bad web config at start,
// and the health wait fails with its journal) -> alertmanager.yml (amtool check-config) ->
// ARGS -> hardened drop-in (restart on any change, wait for /-/ready).
import * as pulumi from "@pulumi/pulumi";
import { packagedService, ServiceFile } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { webConfig } from "../../src/web-auth";
import { configFileSpec, dropInSpec, healthCheck, PATHS, renderConfig, renderFlags, STOCK_DEFAULTS } from "./render";
import {
  ALERTMANAGER_USER,
  AlertmanagerArgsOptions,
  alertmanagerArgsSchema,
  AlertmanagerSecrets,
  alertmanagerSecretsSchema,
  requiredSecrets,
} from "./schema";

export * from "./schema";

export interface AlertmanagerArgs extends AlertmanagerArgsOptions {
  connection: pulumi.Input<Connection>;
  /** Its password, and the receiver credentials; those the options need must be set (the registry requires them). */
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
    const readByService = { owner: "root", group: "prometheus", mode: "0640" };
    // Validated where it becomes known, inside the secret; only stdin ever carries it.
    const password = pulumi.secret(
      pulumi
        .output(secrets)
        .apply((all) =>
          parseOrThrow(alertmanagerSecretsSchema.shape.password, all.password, `Alertmanager ${name}: alertmanagerPassword `),
        ),
    );
    const login: ServiceFile[] = [
      { step: "password", content: password, plain: { path: PATHS.password, ...readByService } },
      {
        step: "web-config",
        content: password.apply((p) => webConfig(ALERTMANAGER_USER, p)),
        plain: { path: PATHS.webConfig, ...readByService },
      },
    ];
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
      return { step, content, plain: { path, ...readByService } };
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
        files: [...login, ...credentials, { step: "config", checked: configFileSpec(), content: renderConfig(s) }],
        healthCheck: healthCheck(s),
      },
      this,
    );
    this.url = dropIn.id.apply(() => `http://${s.listenAddress}:${s.port}`);
    this.registerOutputs({ url: this.url, unitName: this.unitName });
  }
}
