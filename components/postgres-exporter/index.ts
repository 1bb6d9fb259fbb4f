// PostgresExporter: Debian's prometheus-postgres-exporter on the database host, on the
// private address, logging in to PostgreSQL over loopback as its own role (pg_monitor) with a
// password from a secret. Steps: hold -> package -> role (SQL on stdin as postgres, after
// PostgreSQL is up) -> password file (0640 root:prometheus) -> ARGS -> hardened drop-in
// (restart, wait for pg_up 1). Destroy leaves the role (dropping it is the DBA's call).
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "../../src/remote/command";
import { packagedService } from "../../src/remote/packaged-service";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { dropInSpec, healthCheck, PATHS, renderFlags, renderRoleCheck, renderRoleScript, renderRoleSql, STOCK_DEFAULTS } from "./render";
import { PostgresExporterArgsOptions, postgresExporterArgsSchema } from "./schema";

export * from "./schema";

export interface PostgresExporterArgs extends PostgresExporterArgsOptions {
  connection: pulumi.Input<Connection>;
  password: pulumi.Input<string>;
  /** PostgreSQL's component on this host: the role is created once it is up. */
  database?: pulumi.Resource;
}

export class PostgresExporter extends pulumi.ComponentResource {
  readonly metricsUrl: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: PostgresExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:PostgresExporter", name, {}, opts);
    const { connection, password, database, ...options } = args;
    const s = parseOrThrow(postgresExporterArgsSchema, options, `PostgresExporter ${name}: `);
    const parent = { parent: this };
    const secret = pulumi.secret(pulumi.output(password));
    const role = new RemoteCommand(
      `${name}-role`,
      {
        connection,
        label: `postgresql role ${s.role} (pg_monitor)`,
        create: renderRoleScript(s),
        stdin: pulumi.secret(secret.apply((pw) => renderRoleSql(s, pw))),
        check: renderRoleCheck(s),
        observed: "role=ok",
      },
      { ...parent, dependsOn: database ? [database] : [] },
    );
    const dropIn = packagedService(
      name,
      {
        connection,
        paths: PATHS,
        flags: renderFlags(s),
        stockDefaults: STOCK_DEFAULTS,
        dropIn: dropInSpec(s),
        files: [
          { step: "password", content: secret, plain: { path: PATHS.passwordFile, owner: "root", group: "prometheus", mode: "0640" } },
        ],
        after: [role],
        healthCheck: healthCheck(s),
      },
      this,
    );
    this.metricsUrl = dropIn.id.apply(() => `http://${s.listenAddress}:${s.port}/metrics`);
    this.registerOutputs({ metricsUrl: this.metricsUrl, unitName: this.unitName });
  }
}
