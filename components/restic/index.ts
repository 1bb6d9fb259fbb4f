// ResticBackup: each gateway instance's state directory (its SQLite databases and files) backed
// up with restic (Debian's package) into an encrypted repository on another host of the
// topology, over SFTP with a key made on this host for it. The repository host's account may
// only speak SFTP and holds nothing but the repositories. One repository, key and password per
// host; per instance, a job its systemd timer runs daily: a consistent copy of the state
// (sqlite3's online backup for every database), `restic backup` with the instance's tag, then
// `restic forget --keep-within --prune` of that tag; each run's result becomes a metric the
// alert rules read. The instance `default` keeps the names of a host with one gateway.
//
// What it gives the gateway's component, per instance, which takes them as plain inputs:
// - restore: run by GatewayService on a blank host, before the gateway first starts: the latest
//   snapshot of the instance fills its empty state directory (absent with restore: none).
// - beforeUpgrade: a step run whenever the gateway's version changes, before the new release is
//   installed: the instance's job runs once, and the deploy fails when it does.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "../../src/remote/apt";
import { backupRunMetric } from "../../src/remote/backup-metric";
import { RemoteCommand } from "../../src/remote/command";
import { digest, remoteFile } from "../../src/remote/file";
import { repositoryClient } from "../../src/remote/ssh-access";
import { Connection } from "../../src/remote/ssh";
import { systemdUnit } from "../../src/remote/systemd";
import { parseOrThrow } from "../../src/validate";
import { instanceSuffix } from "../gateway-service/schema";
import {
  jobOrder,
  jobPaths,
  PATHS,
  renderBackupScript,
  renderBeforeUpgradeScript,
  renderInitFacts,
  renderInitScript,
  renderRestoreScript,
  repository,
  serviceSpec,
  timerSpec,
} from "./render";
import { ResticArgsOptions, resticArgsSchema, resticPasswordSchema } from "./schema";

export * from "./schema";

export interface ResticBackupArgs extends ResticArgsOptions {
  connection: pulumi.Input<Connection>;
  /** The repository host, as the operator's machine reaches it (its account is made there). */
  repositoryConnection: pulumi.Input<Connection>;
  /** The repository's password (secret). */
  password: pulumi.Input<string>;
  /** The gateway's version: a change of it runs a backup before the new release is installed. */
  gatewayVersion: string;
}

/** What the gateway's component runs on a blank host, before the gateway first starts. */
export interface StateSeed {
  script: string;
  /** Everything the script needs on the host first. */
  after: pulumi.Resource[];
}

export class ResticBackup extends pulumi.ComponentResource {
  /** Restore-on-blank-host by instance, or undefined with restore: none. */
  readonly restore?: Record<string, StateSeed>;
  /** The backup before a new gateway release, by instance: that instance's install step waits for it. */
  readonly beforeUpgrade: Record<string, RemoteCommand>;

  constructor(name: string, args: ResticBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:backup:ResticBackup", name, {}, opts);
    const { connection, repositoryConnection, password, gatewayVersion, ...options } = args;
    const label = `ResticBackup ${name}: `;
    const s = parseOrThrow(resticArgsSchema, options, label);
    const parent = { parent: this };
    const repo = repository(s);

    const pkg = aptPackages(`${name}-package`, { connection, packages: [...PATHS.packages] }, parent);
    // The key is root's: the job reads it as a credential, the gateway (same user) cannot.
    const { account, knownHosts } = repositoryClient(
      name,
      {
        connection,
        repositoryConnection,
        repository: s.repository,
        key: { path: PATHS.key, owner: "root", comment: `restic@${s.host}` },
        knownHosts: { path: PATHS.knownHosts },
        account: { user: PATHS.repositoryUser, home: PATHS.repositoryHome, repository: s.host },
      },
      this,
    );
    const passwordContent = pulumi.secret(
      pulumi.output(password).apply((p) => `${parseOrThrow(resticPasswordSchema, p, `${label}password: `)}\n`),
    );
    const passwordFile = remoteFile(
      `${name}-password`,
      { connection, path: PATHS.password, content: passwordContent, mode: "0600" },
      parent,
    );

    const init = new RemoteCommand(
      `${name}-init`,
      {
        connection,
        label: `restic repository ${repo.url}`,
        create: renderInitScript(s),
        // Opened again with a new password: a repository it does not open fails here, not at night.
        triggers: [digest(passwordContent)],
        check: renderInitFacts(s),
        observed: "repository=ready",
      },
      { ...parent, dependsOn: [pkg, passwordFile, knownHosts, account] },
    );

    // Installed once, with the first job: one per job would write one file, and removing a job
    // would delete it under the others.
    let metric: RemoteCommand | undefined;
    const beforeUpgrade: Record<string, RemoteCommand> = {};
    const restore: Record<string, StateSeed> = {};
    let previous: RemoteCommand | undefined;
    for (const state of jobOrder(s)) {
      const at = `${name}${instanceSuffix(state.instance)}`;
      const paths = jobPaths(state.instance);
      const job = remoteFile(
        `${at}-script`,
        { connection, path: paths.script, content: renderBackupScript(s, state), mode: "0755" },
        parent,
      );
      metric ??= backupRunMetric(`${name}-run-metric`, connection, parent);
      const service = systemdUnit(
        `${at}-service`,
        { connection, name: `${paths.unit}.service`, spec: serviceSpec(s, state), start: "by-timer" },
        { ...parent, dependsOn: [job, metric, init] },
      );
      systemdUnit(
        `${at}-timer`,
        { connection, name: `${paths.unit}.timer`, spec: timerSpec(s, state) },
        { ...parent, dependsOn: [service] },
      );

      // One after the other (the default's first): two jobs at once meet the repository's lock.
      previous = beforeUpgrade[state.instance] = new RemoteCommand(
        `${at}-before-upgrade`,
        {
          connection,
          label: `restic backup of ${state.dir} before openclaw ${gatewayVersion}`,
          create: renderBeforeUpgradeScript(s, state, gatewayVersion),
          triggers: [gatewayVersion],
        },
        { ...parent, dependsOn: [service, ...(previous ? [previous] : [])] },
      );
      restore[state.instance] = { script: renderRestoreScript(s, state), after: [pkg, init] };
    }
    this.beforeUpgrade = beforeUpgrade;
    if (s.restore === "latest") this.restore = restore;
    this.registerOutputs({});
  }
}
