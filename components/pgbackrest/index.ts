// PgBackRest: PostgreSQL's backups with pgBackRest (Debian's package), into an encrypted
// repository on another host of the topology, over SFTP with a key made on this host for it.
// The repository host's account may only speak SFTP and holds nothing but the repository.
// Full and differential backups and `pgbackrest verify` run by systemd timers; every run's
// result becomes a metric, and the pgBackRest exporter reports what the repository holds.
//
// Two phases around PostgreSQL's own component, which takes what the first one gives it:
//  1. new PgBackRest(...): package, key, repository account, configuration, job units.
//     `archive` goes into PostgreSQL's settings; `restore` is run by PostgreSQL's component
//     when it creates the cluster on a blank host, before the first start.
//  2. protect(cluster): once PostgreSQL runs, the stanza and `pgbackrest check` (after every
//     change of the configuration), the first full backup when there is none, the exporter.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "../../src/remote/apt";
import { backupRunMetric } from "../../src/remote/backup-metric";
import { RemoteCommand } from "../../src/remote/command";
import { digest, remoteFile } from "../../src/remote/file";
import { packagedService } from "../../src/remote/packaged-service";
import { repositoryClient } from "../../src/remote/ssh-access";
import { Connection } from "../../src/remote/ssh";
import { systemdUnit } from "../../src/remote/systemd";
import { parseOrThrow } from "../../src/validate";
import {
  archiveSettings,
  EXPORTER_STOCK_DEFAULTS,
  exporterDropInSpec,
  exporterFlags,
  exporterHealthCheck,
  JOBS,
  jobServiceSpec,
  jobTimerSpec,
  jobUnit,
  PATHS,
  renderConfig,
  renderRestoreScript,
  renderStanzaFacts,
  renderStanzaScript,
} from "./render";
import { cipherPassSchema, PgBackRestArgsOptions, pgBackRestArgsSchema, PgBackRestSettings } from "./schema";

export * from "./schema";

export interface PgBackRestArgs extends PgBackRestArgsOptions {
  connection: pulumi.Input<Connection>;
  /** The repository host, as the operator's machine reaches it (its account is made there). */
  repositoryConnection: pulumi.Input<Connection>;
  /** The repository's cipher passphrase (secret). */
  cipherPass: pulumi.Input<string>;
  /** PostgreSQL's unit: the backup jobs start after it. */
  postgresUnit: string;
}

/** What PostgreSQL's component runs when it creates the cluster on a blank host. */
export interface ClusterSeed {
  script: string;
  /** Everything the script needs on the host first. */
  after: pulumi.Resource[];
}

export class PgBackRest extends pulumi.ComponentResource {
  /** PostgreSQL's archive_command and archive_timeout. */
  readonly archive: { command: string; timeoutSeconds: number };
  /** Restore-on-blank-host, or undefined with restore: none. */
  readonly restore?: ClusterSeed;
  private readonly settings: PgBackRestSettings;
  private readonly name: string;
  private readonly connection: pulumi.Input<Connection>;
  private readonly config: RemoteCommand;
  private readonly configDigest: pulumi.Output<string>;
  private readonly jobs: RemoteCommand[];

  constructor(name: string, args: PgBackRestArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:PgBackRest", name, {}, opts);
    const { connection, repositoryConnection, cipherPass, postgresUnit, ...options } = args;
    const label = `PgBackRest ${name}: `;
    const s = parseOrThrow(pgBackRestArgsSchema, options, label);
    this.settings = s;
    this.name = name;
    this.connection = connection;
    const parent = { parent: this };

    const pkg = aptPackages(`${name}-package`, { connection, packages: [PATHS.package] }, parent);
    const { account, knownHosts } = repositoryClient(
      name,
      {
        connection,
        repositoryConnection,
        repository: s.repository,
        key: { path: PATHS.key, owner: "postgres", comment: `pgbackrest@${s.host}` },
        knownHosts: { path: PATHS.knownHosts, group: "postgres" },
        account: { user: PATHS.repositoryUser, home: PATHS.repositoryHome, repository: s.host },
        // The package makes the postgres user that owns the key.
        after: [pkg],
      },
      this,
    );
    const content = pulumi.secret(
      pulumi.output(cipherPass).apply((pass) => renderConfig(s, parseOrThrow(cipherPassSchema, pass, `${label}cipher passphrase: `))),
    );
    this.configDigest = digest(content);
    this.config = remoteFile(
      `${name}-config`,
      { connection, path: PATHS.config, content, owner: "root", group: "postgres", mode: "0640" },
      { ...parent, dependsOn: [pkg] },
    );
    const metric = backupRunMetric(`${name}-run-metric`, connection, parent);

    this.jobs = JOBS.flatMap((job) => {
      const service = systemdUnit(
        `${name}-${job}-service`,
        { connection, name: `${jobUnit(job)}.service`, spec: jobServiceSpec(s, job, postgresUnit), start: "by-timer" },
        { ...parent, dependsOn: [this.config, metric] },
      );
      const timer = systemdUnit(
        `${name}-${job}-timer`,
        { connection, name: `${jobUnit(job)}.timer`, spec: jobTimerSpec(s, job) },
        { ...parent, dependsOn: [service] },
      );
      return [service, timer];
    });

    this.archive = archiveSettings(s);
    if (s.restore === "latest") this.restore = { script: renderRestoreScript(s), after: [this.config, knownHosts, account] };
    this.registerOutputs({});
  }

  /** Phase 2, once PostgreSQL runs (`cluster`: its last step). Returns the exporter's step. */
  protect(cluster: pulumi.Resource): RemoteCommand {
    const parent = { parent: this };
    const { name, connection, settings: s } = this;
    const stanza = new RemoteCommand(
      `${name}-stanza`,
      {
        connection,
        label: `pgbackrest stanza ${PATHS.stanza}: create, check, first backup`,
        create: renderStanzaScript(),
        // `pgbackrest check` again after every change of the configuration.
        triggers: [this.configDigest],
        check: renderStanzaFacts(),
        observed: "stanza=ok",
      },
      { ...parent, dependsOn: [cluster, this.config, ...this.jobs] },
    );
    return packagedService(
      `${name}-exporter`,
      {
        connection,
        paths: PATHS.exporter,
        flags: exporterFlags(s),
        stockDefaults: EXPORTER_STOCK_DEFAULTS,
        dropIn: exporterDropInSpec(s),
        alsoReads: [{ path: PATHS.config, content: this.configDigest }],
        after: [stanza],
        healthCheck: exporterHealthCheck(s),
      },
      this,
    );
  }
}
