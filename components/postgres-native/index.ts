// PostgresNative: PostgreSQL (17 by default) with pgvector, from PGDG or Debian, as the
// distribution's own cluster <version>/main. It listens on localhost and the host's private
// address, lets each peer into each database as its owner (SCRAM, /32), creates roles,
// databases and extensions idempotently, and checks every configuration file on the host
// before it is applied. A destroy removes our configuration but keeps the data unless
// dropDataOnDestroy says otherwise; a later `up` finds the data again.
import * as pulumi from "@pulumi/pulumi";
import { aptInstall } from "../../src/remote/apt";
import { checkedFile } from "../../src/remote/checked-file";
import { RemoteCommand } from "../../src/remote/command";
import { remoteFile } from "../../src/remote/file";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow, ValidationError } from "../../src/validate";
import {
  connectionUrl,
  PostgresEndpoint,
  packagesFor,
  paths,
  renderClusterDelete,
  renderClusterScript,
  clusterFacts,
  clusterFactsScript,
  confFileSpec,
  hbaFileSpec,
  renderConf,
  renderConfDelete,
  renderDatabasesSql,
  renderHba,
  sqlFactsScript,
  renderRolesSql,
  renderSqlScript,
  renderUnitDropIn,
} from "./render";
import { parsePasswords, PGDG_KEY_FINGERPRINT, postgresArgsSchema, PostgresArgsOptions, PostgresSettings, PostgresSecrets } from "./schema";

export * from "./schema";

/** postgresql-common's settings for pg_createcluster and the packages' postinst (Debian 13: createcluster.d). */
const CREATECLUSTER_DROP_IN = "/etc/postgresql-common/createcluster.d/10-openclaw.conf";

export interface PostgresNativeArgs extends PostgresArgsOptions {
  connection: pulumi.Input<Connection>;
  /** Role passwords; the whole object is treated as secret. */
  secrets: pulumi.Input<PostgresSecrets>;
  /** Run when the cluster is created on a blank host, before its first start (a backup tool's restore), once `after` is done. */
  seed?: { script: string; after: pulumi.Resource[] };
}

export class PostgresNative extends pulumi.ComponentResource {
  /** Address peers connect to: the host's private address. */
  readonly host: string;
  readonly port: number;
  /** The databases this component manages. */
  readonly databases: string[];
  /** The last step: depend on it to run once roles, databases and extensions exist. */
  readonly ready: RemoteCommand;
  private readonly settings: PostgresSettings;
  private readonly passwords: pulumi.Output<Record<string, string>>;
  private readonly label: string;

  constructor(name: string, args: PostgresNativeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:database:PostgresNative", name, {}, opts);
    const { connection, secrets, seed, ...options } = args;
    this.label = `PostgresNative ${name}: `;
    const s = parseOrThrow(postgresArgsSchema, options, this.label);
    this.settings = s;
    this.host = s.privateAddress;
    this.port = s.port;
    this.databases = s.databases.map((db) => db.name);
    const parent = { parent: this };
    const p = paths(s.version);

    const roleNames = s.roles.map((r) => r.name);
    this.passwords = pulumi.secret(pulumi.output(secrets).apply((raw) => parsePasswords(this.label, roleNames, raw)));

    const packages = this.packages(name, connection, s);

    const cluster = new RemoteCommand(
      `${name}-cluster`,
      {
        connection,
        label: `postgresql cluster ${p.cluster}`,
        create: renderClusterScript(s, seed?.script),
        stdin: renderUnitDropIn(),
        delete: renderClusterDelete(s),
        check: clusterFactsScript(s),
        observed: clusterFacts(),
      },
      { ...parent, dependsOn: [packages, ...(seed?.after ?? [])] },
    );

    const conf = checkedFile(
      `${name}-conf`,
      { connection, ...confFileSpec(s), content: renderConf(s), delete: renderConfDelete(s) },
      { ...parent, dependsOn: [cluster] },
    );

    // What a destroy leaves: the same file without the peers.
    const hba = checkedFile(
      `${name}-hba`,
      { connection, ...hbaFileSpec(s), content: renderHba(s), contentOnDelete: renderHba(s, false) },
      { ...parent, dependsOn: [conf] },
    );

    const roles = new RemoteCommand(
      `${name}-roles`,
      {
        connection,
        label: `postgresql roles ${s.roles.map((r) => r.name).join(" ")}`,
        create: renderSqlScript(s, "roles and their passwords", `roles: ${s.roles.map((r) => r.name).join(", ")}`),
        stdin: pulumi.secret(this.passwords.apply((pw) => renderRolesSql(s, pw))),
        check: sqlFactsScript(s, "roles"),
        observed: "roles=present",
      },
      { ...parent, dependsOn: [hba] },
    );

    this.ready = new RemoteCommand(
      `${name}-databases`,
      {
        connection,
        label: `postgresql databases ${this.databases.join(" ")}`,
        create: renderSqlScript(s, "databases, owners and extensions", `databases: ${this.databases.join(", ")}`),
        stdin: renderDatabasesSql(s),
        check: sqlFactsScript(s, "databases"),
        observed: "databases=present",
      },
      { ...parent, dependsOn: [roles] },
    );

    this.registerOutputs({ host: this.host, port: this.port, databases: this.databases });
  }

  /**
   * postgresql://<role>:<password>@<private address>:<port>/<database>?sslmode=..., secret, known
   * once the database exists: the gateway's DATABASE_URL. `role` defaults to the database's owner.
   */
  /** Host, port and TLS mode clients use. */
  get endpoint(): PostgresEndpoint {
    return { host: this.settings.privateAddress, port: this.settings.port, ssl: this.settings.ssl };
  }

  /** The role whose password a client of `database` needs (its owner, unless named). */
  password(role: string): pulumi.Output<string> {
    return pulumi.secret(this.passwords.apply((pw) => pw[role]));
  }

  connectionUrl(database: string, role?: string): pulumi.Output<string> {
    const db = this.settings.databases.find((d) => d.name === database);
    if (!db)
      throw new ValidationError([
        `${this.label}connectionUrl: '${database}' is not a managed database (databases: ${this.databases.join(", ")})`,
      ]);
    const user = role ?? db.owner;
    if (!this.settings.roles.some((r) => r.name === user)) {
      throw new ValidationError([
        `${this.label}connectionUrl: '${user}' is not a declared role (roles: ${this.settings.roles.map((r) => r.name).join(", ")})`,
      ]);
    }
    return pulumi.secret(
      pulumi.all([this.passwords, this.ready.id]).apply(([pw]) => connectionUrl(this.endpoint, database, user, pw[user])),
    );
  }

  /** The server and pgvector packages, from PGDG (its repository first) or from Debian. */
  private packages(name: string, connection: pulumi.Input<Connection>, s: PostgresSettings): RemoteCommand {
    const repository =
      s.source === "pgdg"
        ? {
            name: "pgdg",
            uris: s.pgdgUrl.replace(/\/+$/, ""),
            suites: `${s.debianCodename}-pgdg`,
            components: "main",
            keyUrl: s.pgdgKeyUrl,
            keyFingerprint: PGDG_KEY_FINGERPRINT,
          }
        : undefined;
    // Debian's postgresql-common creates a main cluster as the server package installs; the
    // cluster step creates it instead, so a blank host's cluster is filled (restored) before it
    // first starts rather than found already running empty.
    const noAutoCluster = remoteFile(
      `${name}-createcluster`,
      {
        connection,
        path: CREATECLUSTER_DROP_IN,
        content: "# Managed by openclaw-infra (Pulumi): the cluster step creates the cluster.\ncreate_main_cluster = false\n",
      },
      { parent: this },
    );
    return aptInstall(name, { connection, repository, packages: packagesFor(s.version) }, { parent: this, dependsOn: [noAutoCluster] });
  }
}
