// Pure rendering of PgBackRest's files, units and scripts. Golden-file tested.
import * as fs from "fs";
import * as path from "path";
import { hardening } from "../../src/hardening";
import { runMetricDirective } from "../../src/remote/backup-metric";
import { HttpHealthCheck } from "../../src/remote/health";
import { script, sh } from "../../src/remote/shell";
import { calendarTimer, MANAGED_HEADER, UnitSpec } from "../../src/remote/unit-file";
import { packagedDropIn } from "../../src/remote/packaged-service";
import { template } from "../../src/template";
import { PgBackRestSettings } from "./schema";

/** What Debian's packages ship, and our files. */
export const PATHS = {
  package: "pgbackrest",
  binary: "/usr/bin/pgbackrest",
  /** Debian's path, which its exporter reads too: 0640 root:postgres (it holds the cipher passphrase). */
  config: "/etc/pgbackrest.conf",
  keyDir: "/etc/pgbackrest/ssh",
  key: "/etc/pgbackrest/ssh/id_ed25519",
  knownHosts: "/etc/pgbackrest/ssh/known_hosts",
  stanza: "main",
  /** The account on the repository host, and where the repositories of every client live. */
  repositoryUser: "pgbackrest-repo",
  repositoryHome: "/srv/backups/pgbackrest",
  exporter: {
    package: "prometheus-pgbackrest-exporter",
    unit: "prometheus-pgbackrest-exporter.service",
    binary: "/usr/bin/prometheus-pgbackrest-exporter",
    defaults: "/etc/default/prometheus-pgbackrest-exporter",
    dropIn: "10-openclaw",
  },
} as const;

export const EXPORTER_STOCK_DEFAULTS = fs.readFileSync(path.join(__dirname, "templates", "stock.default"), "utf8");

/** The backup jobs, each a oneshot service with its timer. */
export const JOBS = ["full", "diff", "verify"] as const;
export type Job = (typeof JOBS)[number];

export function jobUnit(job: Job): string {
  return `pgbackrest-${job}`;
}

/** This client's repository directory on the repository host (one per client host). */
export function repositoryPath(s: PgBackRestSettings): string {
  return `${PATHS.repositoryHome}/${s.host}`;
}

/** pgbackrest.conf as [section] -> key/value pairs, in file order. The passphrase comes in as a value. */
export function pgBackRestConfig(s: PgBackRestSettings, cipherPass: string): Record<string, [string, string][]> {
  return {
    global: [
      ["repo1-type", "sftp"],
      ["repo1-path", repositoryPath(s)],
      ["repo1-sftp-host", s.repository.address],
      ["repo1-sftp-host-port", String(s.repository.sshPort)],
      ["repo1-sftp-host-user", PATHS.repositoryUser],
      ["repo1-sftp-private-key-file", PATHS.key],
      ["repo1-sftp-public-key-file", `${PATHS.key}.pub`],
      // strict: the key in known_hosts (the topology's hostKey) or no connection.
      ["repo1-sftp-host-key-check-type", "strict"],
      ["repo1-sftp-host-key-hash-type", "sha256"],
      ["repo1-sftp-known-host", PATHS.knownHosts],
      ["repo1-bundle", "y"],
      ["repo1-cipher-type", "aes-256-cbc"],
      ["repo1-cipher-pass", cipherPass],
      ["repo1-retention-full-type", "time"],
      ["repo1-retention-full", String(s.retentionDays)],
      ["process-max", String(s.processMax)],
      ["io-timeout", String(s.ioTimeoutSeconds)],
      ["compress-type", "zst"],
      ["start-fast", "y"],
      ["archive-async", "n"],
      // Everything goes to the journal through the unit; no log files of its own.
      ["log-level-console", "info"],
      ["log-level-file", "off"],
    ],
    [PATHS.stanza]: [
      ["pg1-path", `/var/lib/postgresql/${s.postgresVersion}/main`],
      ["pg1-port", String(s.postgresPort)],
    ],
  };
}

export function renderConfig(s: PgBackRestSettings, cipherPass: string): string {
  if (/[\r\n]/.test(cipherPass)) throw new Error("pgBackRest: the cipher passphrase must be one line");
  const sections = Object.entries(pgBackRestConfig(s, cipherPass)).map(([name, lines]) =>
    [`[${name}]`, ...lines.map(([k, v]) => `${k}=${v}`)].join("\n"),
  );
  return [`# ${MANAGED_HEADER}`, ...sections].join("\n\n") + "\n";
}

/** PostgreSQL's side: every WAL segment goes to the repository, at least every archiveTimeoutSeconds. */
export function archiveSettings(s: PgBackRestSettings): { command: string; timeoutSeconds: number } {
  return { command: `${PATHS.binary} --stanza=${PATHS.stanza} archive-push %p`, timeoutSeconds: s.archiveTimeoutSeconds };
}

const JOB_COMMAND: Record<Job, { description: string; args: string }> = {
  full: { description: "full backup", args: "--type=full backup" },
  diff: { description: "differential backup", args: "--type=diff backup" },
  verify: { description: "verification of the repository", args: "verify" },
};

export function jobServiceSpec(s: PgBackRestSettings, job: Job, postgresUnit: string): UnitSpec {
  const { description, args } = JOB_COMMAND[job];
  return {
    header: [MANAGED_HEADER],
    sections: {
      Unit: [
        ["Description", `pgBackRest ${description} of PostgreSQL to ${s.repository.host}`],
        ["Documentation", "https://pgbackrest.org/command.html"],
        ["After", `network-online.target ${postgresUnit}`],
        ["Wants", "network-online.target"],
      ],
      Service: [
        ["Type", "oneshot"],
        ["User", "postgres"],
        ["Group", "postgres"],
        ["ExecStart", `${PATHS.binary} --stanza=${PATHS.stanza} ${args}`],
        { comment: "Its result and the time of the last success, for the alert rules." },
        runMetricDirective("pgbackrest", job),
        ["TimeoutStartSec", "6h"],
        ["Nice", "10"],
        ["IOSchedulingClass", "idle"],
        ["SyslogIdentifier", jobUnit(job)],
      ],
    },
    // As postgres: RemoveIPC= would remove the running server's semaphores when the job ends.
    hardening: s.hardening ? hardening({ sharesUser: true }) : [],
  };
}

export function jobTimerSpec(s: PgBackRestSettings, job: Job): UnitSpec {
  const calendar = { full: s.schedule.full, diff: s.schedule.differential, verify: s.schedule.verify }[job];
  return calendarTimer(`pgBackRest ${JOB_COMMAND[job].description}`, calendar);
}

const stanzaTemplate = template<{ binary: string; stanza: string }>(__dirname, "stanza.sh.hbs");
const restoreTemplate = template<{ binary: string; stanza: string; dataDir: string; repository: string; processMax: number }>(
  __dirname,
  "restore.sh.hbs",
);

/** After every change of the configuration: the stanza exists, and `pgbackrest check` passes (archiving works end to end). */
export function renderStanzaScript(): string {
  return stanzaTemplate({ binary: PATHS.binary, stanza: PATHS.stanza });
}

/**
 * Run by PostgresNative when it creates the cluster on a blank host, before the first start:
 * the latest backup, if the repository has one, replaces the empty data directory.
 */
export function renderRestoreScript(s: PgBackRestSettings): string {
  return restoreTemplate({
    binary: PATHS.binary,
    stanza: PATHS.stanza,
    dataDir: `/var/lib/postgresql/${s.postgresVersion}/main`,
    repository: `${s.repository.host}:${repositoryPath(s)}`,
    processMax: s.processMax,
  });
}

export function exporterFlags(s: PgBackRestSettings): string[] {
  return [`--web.listen-address=${s.listenAddress}:${s.exporterPort}`, `--backrest.config=${PATHS.config}`, "--collect.interval=60"];
}

export function exporterHealthCheck(s: PgBackRestSettings): HttpHealthCheck {
  return { url: `http://${s.listenAddress}:${s.exporterPort}/metrics`, expect: "^pgbackrest_exporter_status", unit: PATHS.exporter.unit };
}

export function exporterDropInSpec(s: PgBackRestSettings): UnitSpec {
  return packagedDropIn(PATHS.exporter, { hardening: s.hardening ? hardening() : [] });
}

/** Facts of the stanza step: the stanza exists in the repository and the latest check passed. */
export function renderStanzaFacts(): string {
  return script(
    `if runuser -u postgres -- ${sh(PATHS.binary)} --stanza=${PATHS.stanza} --log-level-console=off info --output=json 2>/dev/null | grep -q '"status":{"code":0'; then echo stanza=ok; else echo stanza=missing; fi`,
  );
}
