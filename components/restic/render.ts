// Pure rendering of ResticBackup's units and scripts. Golden-file tested; the scripts also run
// under real bash against a local repository (test/components/restic).
import { hardening } from "../../src/hardening";
import { runMetricDirective } from "../../src/remote/backup-metric";
import { script, sh } from "../../src/remote/shell";
import { calendarTimer, MANAGED_HEADER, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { ResticSettings } from "./schema";

/** What Debian's packages ship, and our files. */
export const PATHS = {
  /** restic, and sqlite3 for the online copy of each database. */
  packages: ["restic", "sqlite3"],
  /** The repository's password: root 0600, handed to the job as a credential. */
  password: "/etc/restic/password",
  key: "/etc/restic/ssh/id_ed25519",
  knownHosts: "/etc/restic/ssh/known_hosts",
  /** The job's script. */
  script: "/usr/local/libexec/openclaw-infra/restic-state-backup",
  /** The job: a oneshot service and its timer. */
  unit: "restic-state-backup",
  /** The job's own directory (StateDirectory=, the state user's): the copy restic backs up, always at this path. */
  workDir: "/var/lib/openclaw-backup",
  staging: "/var/lib/openclaw-backup/state",
  /** restic's cache (CacheDirectory=). */
  cacheDir: "/var/cache/restic-state-backup",
  /** Every snapshot of the state carries this tag (and the host's topology name). */
  tag: "openclaw-state",
  /** The account on the repository host, and where the repositories of every client live. */
  repositoryUser: "restic-repo",
  repositoryHome: "/srv/backups/restic",
} as const;

/** How long the job waits for a database another process holds locked, before it fails. */
const BUSY_TIMEOUT_MS = 30_000;

/** Names of the credentials the job's unit loads (LoadCredential=), under $CREDENTIALS_DIRECTORY. */
const CREDENTIALS = { password: PATHS.password, "ssh-key": PATHS.key, "known-hosts": PATHS.knownHosts } as const;

/** This client's repository directory on the repository host (one per client host). */
export function repositoryPath(s: ResticSettings): string {
  return `${PATHS.repositoryHome}/${s.host}`;
}

/** Where the repository is, as restic names it; for sftp:, the SSH port ssh connects to. */
export interface Repository {
  url: string;
  sshPort?: number;
}

export function repository(s: ResticSettings): Repository {
  return { url: `sftp:${PATHS.repositoryUser}@${s.repository.address}:${repositoryPath(s)}`, sshPort: s.repository.sshPort };
}

/** The files a deploy step (root) hands restic and ssh. */
export interface RootFiles {
  password: string;
  key: string;
  knownHosts: string;
}

/**
 * Where a script finds them: the job reads them as systemd credentials, a deploy step (root)
 * from /etc. Shell assignments of $password, $key and $known_hosts.
 */
export type Access = "credentials" | RootFiles;

function accessLines(access: Access): string {
  if (access === "credentials") {
    return script(
      `# The unit's credentials (LoadCredential=): copies only this job can read.`,
      `password=$CREDENTIALS_DIRECTORY/password key=$CREDENTIALS_DIRECTORY/ssh-key known_hosts=$CREDENTIALS_DIRECTORY/known-hosts`,
    );
  }
  return script(`password=${sh(access.password)} key=${sh(access.key)} known_hosts=${sh(access.knownHosts)}`);
}

/**
 * `restic_`: restic on the repository, its password from a file (never an argument or the
 * environment); over SFTP, ssh uses only this key, no ssh_config, and accepts only the
 * repository host's pinned key. A deploy step runs without a cache, so the job's stays the job user's.
 */
export function resticFunction(repo: Repository, access: Access): string {
  const ssh = [
    "-F /dev/null",
    `-p ${repo.sshPort}`,
    "-i $key",
    "-o IdentitiesOnly=yes",
    "-o UserKnownHostsFile=$known_hosts",
    "-o GlobalKnownHostsFile=/dev/null",
    "-o StrictHostKeyChecking=yes",
    "-o BatchMode=yes",
    "-o ConnectTimeout=30",
    "-o ServerAliveInterval=30",
  ];
  const options = [
    `--repo ${sh(repo.url)}`,
    `--password-file "$password"`,
    ...(repo.sshPort === undefined ? [] : [`-o "sftp.args=${ssh.join(" ")}"`]),
    ...(access === "credentials" ? [] : ["--no-cache"]),
  ];
  return script(accessLines(access).trimEnd(), `restic_() {`, `  restic ${options.join(" \\\n    ")} "$@"`, `}`);
}

/** Where the scripts find the repository and put the copy: the host's own, or a test's. */
export interface Place {
  repository: Repository;
  /** The copy restic backs up (the same path every time). */
  staging: string;
  /** How long the job waits for a database another process holds locked. */
  busyTimeoutMs: number;
  /** The password, key and known_hosts of the deploy steps. */
  files: RootFiles;
}

export function place(s: ResticSettings): Place {
  return {
    repository: repository(s),
    staging: PATHS.staging,
    busyTimeoutMs: BUSY_TIMEOUT_MS,
    files: { password: PATHS.password, key: PATHS.key, knownHosts: PATHS.knownHosts },
  };
}

interface Common {
  stateDir: string;
  staging: string;
  host: string;
  tag: string;
  /** The repository as messages name it (the URL, and the host it is on). */
  where: string;
  restic: string;
}

function common(s: ResticSettings, at: Place, access: "credentials" | "root"): Common {
  const repo = at.repository;
  return {
    stateDir: s.state.dir,
    staging: at.staging,
    host: s.host,
    tag: PATHS.tag,
    where: repo.sshPort === undefined ? repo.url : `${repo.url} (on ${s.repository.host})`,
    restic: resticFunction(repo, access === "root" ? at.files : access).trimEnd(),
  };
}

const backupTemplate = template<Common & { header: string; retentionDays: number; busyTimeoutMs: number }>(__dirname, "backup.sh.hbs");
const initTemplate = template<Common>(__dirname, "init.sh.hbs");
const restoreTemplate = template<Common>(__dirname, "restore.sh.hbs");
const beforeUpgradeTemplate = template<{ stateDir: string; unit: string; version: string }>(__dirname, "before-upgrade.sh.hbs");

/** The job's script: a consistent copy of the state, backed up, then forget + prune. */
export function renderBackupScript(s: ResticSettings, at: Place = place(s)): string {
  return backupTemplate({
    ...common(s, at, "credentials"),
    header: MANAGED_HEADER,
    retentionDays: s.retentionDays,
    busyTimeoutMs: at.busyTimeoutMs,
  });
}

/** The deploy step that makes the repository when it does not exist yet, and fails when it cannot be opened. */
export function renderInitScript(s: ResticSettings, at: Place = place(s)): string {
  return initTemplate(common(s, at, "root"));
}

/** Facts of that step: the repository opens with the password. */
export function renderInitFacts(s: ResticSettings, at: Place = place(s)): string {
  return script(
    resticFunction(at.repository, at.files).trimEnd(),
    `if restic_ cat config >/dev/null 2>&1; then echo repository=ready; else echo repository=unreadable; fi`,
  );
}

/** Run by GatewayService on a blank host, before the gateway first starts: the latest snapshot fills the (empty) state directory. */
export function renderRestoreScript(s: ResticSettings, at: Place = place(s)): string {
  return restoreTemplate(common(s, at, "root"));
}

/** Before a new openclaw release is installed: the job runs once, through its unit. */
export function renderBeforeUpgradeScript(s: ResticSettings, version: string): string {
  return beforeUpgradeTemplate({ stateDir: s.state.dir, unit: `${PATHS.unit}.service`, version });
}

export function serviceSpec(s: ResticSettings): UnitSpec {
  return {
    header: [MANAGED_HEADER],
    sections: {
      Unit: [
        ["Description", `restic backup of the gateway's state (${s.state.dir}) to ${s.repository.host}`],
        ["Documentation", "https://restic.readthedocs.io/en/stable/"],
        ["After", "network-online.target"],
        ["Wants", "network-online.target"],
      ],
      Service: [
        ["Type", "oneshot"],
        { comment: "As the state's owner: it reads every file, and SQLite's -wal/-shm stay the gateway's." },
        ["User", s.state.user],
        ["Group", s.state.user],
        { comment: "The password, the SSH key and the repository host's key: root's files, readable by this job alone." },
        ...Object.entries(CREDENTIALS).map(([name, file]): [string, string] => ["LoadCredential", `${name}:${file}`]),
        ["StateDirectory", PATHS.workDir.replace("/var/lib/", "")],
        ["StateDirectoryMode", "0700"],
        ["CacheDirectory", PATHS.cacheDir.replace("/var/cache/", "")],
        ["CacheDirectoryMode", "0700"],
        ["Environment", `RESTIC_CACHE_DIR=${PATHS.cacheDir}`],
        { comment: "Away from the state: nothing the job runs writes its dot files there." },
        ["Environment", `HOME=${PATHS.workDir}`],
        ["ExecStart", PATHS.script],
        { comment: "Its result and the time of the last success, for the alert rules." },
        runMetricDirective("restic", "state"),
        ["TimeoutStartSec", "6h"],
        ["Nice", "10"],
        ["IOSchedulingClass", "idle"],
        ["SyslogIdentifier", PATHS.unit],
      ],
    },
    // The gateway runs as the same user: RemoveIPC= would take its IPC objects. SQLite writes
    // the -shm of a database it reads in WAL mode, so the state is writable ("-": may be absent);
    // the network is the repository host only.
    hardening: s.hardening
      ? hardening({
          sharesUser: true,
          extra: [
            ["ReadWritePaths", `-${s.state.dir}`],
            ["IPAddressDeny", "any"],
            ["IPAddressAllow", s.repository.address],
          ],
        })
      : [],
  };
}

export function timerSpec(s: ResticSettings): UnitSpec {
  return calendarTimer(`restic backup of the gateway's state`, s.schedule);
}
