// Pure rendering of ResticBackup's units and scripts. Golden-file tested; the scripts also run
// under real bash against a local repository (test/components/restic).
import { hardening } from "../../src/hardening";
import { runMetricDirective } from "../../src/remote/backup-metric";
import { script, sh } from "../../src/remote/shell";
import { calendarTimer, MANAGED_HEADER, UnitLine, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { DEFAULT_INSTANCE, instanceSuffix } from "../gateway-service/schema";
import { ResticSettings, ResticState } from "./schema";

/** What Debian's packages ship, and our files shared by every instance's job. */
export const PATHS = {
  /** restic, and sqlite3 for the online copy of each database. */
  packages: ["restic", "sqlite3"],
  /** The repository's password: root 0600, handed to the job as a credential. */
  password: "/etc/restic/password",
  key: "/etc/restic/ssh/id_ed25519",
  knownHosts: "/etc/restic/ssh/known_hosts",
  /** The account on the repository host, and where the repositories of every client live. */
  repositoryUser: "restic-repo",
  repositoryHome: "/srv/backups/restic",
} as const;

/** One instance's job. */
export interface JobPaths {
  /** The job's script. */
  script: string;
  /** The job: a oneshot service and its timer. */
  unit: string;
  /** The job's own directory (StateDirectory=, the state user's): the copy restic backs up, always at this path. */
  workDir: string;
  staging: string;
  /** restic's cache (CacheDirectory=). */
  cacheDir: string;
  /**
   * Every snapshot of the instance's state carries this tag (and the host's topology name): a
   * restore or forget selecting it never touches another instance's snapshots.
   */
  tag: string;
  /** The run metric's `backup` label. */
  metric: string;
}

/** The default instance's job keeps the paths of a host with one gateway; another's add "-<name>". */
export function jobPaths(instance: string): JobPaths {
  const sfx = instanceSuffix(instance);
  const workDir = `/var/lib/openclaw-backup${sfx}`;
  return {
    script: `/usr/local/libexec/openclaw-infra/restic-state-backup${sfx}`,
    unit: `restic-state-backup${sfx}`,
    workDir,
    staging: `${workDir}/state`,
    cacheDir: `/var/cache/restic-state-backup${sfx}`,
    tag: `openclaw-state${sfx}`,
    metric: `state${sfx}`,
  };
}

/**
 * The jobs in the order they run when started together (their timers share the schedule, the
 * steps before an upgrade are chained): the default's first. One repository: a job's `forget
 * --prune` locks it exclusively, and restic fails on a lock rather than waiting.
 */
export function jobOrder(s: ResticSettings): ResticState[] {
  return [...s.states.filter((st) => st.instance === DEFAULT_INSTANCE), ...s.states.filter((st) => st.instance !== DEFAULT_INSTANCE)];
}

/** What messages call an instance's state: the default's as on a host with one gateway. */
function stateName(s: ResticSettings, instance: string): string {
  return instance === DEFAULT_INSTANCE ? `${s.host}'s state` : `${s.host}'s state of instance ${instance}`;
}

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

/** The host's own place of an instance's job (the init step uses none of its staging). */
export function place(s: ResticSettings, instance: string = DEFAULT_INSTANCE): Place {
  return {
    repository: repository(s),
    staging: jobPaths(instance).staging,
    busyTimeoutMs: BUSY_TIMEOUT_MS,
    files: { password: PATHS.password, key: PATHS.key, knownHosts: PATHS.knownHosts },
  };
}

interface Common {
  host: string;
  /** The repository as messages name it (the URL, and the host it is on). */
  where: string;
  restic: string;
}

interface JobCommon extends Common {
  stateDir: string;
  /** The state as messages name it: "vps1's state", "vps1's state of instance work". */
  name: string;
  staging: string;
  tag: string;
  unit: string;
}

function common(s: ResticSettings, at: Place, access: "credentials" | "root"): Common {
  const repo = at.repository;
  return {
    host: s.host,
    where: repo.sshPort === undefined ? repo.url : `${repo.url} (on ${s.repository.host})`,
    restic: resticFunction(repo, access === "root" ? at.files : access).trimEnd(),
  };
}

function jobCommon(s: ResticSettings, state: ResticState, at: Place, access: "credentials" | "root"): JobCommon {
  const job = jobPaths(state.instance);
  return {
    ...common(s, at, access),
    stateDir: state.dir,
    name: stateName(s, state.instance),
    staging: at.staging,
    tag: job.tag,
    unit: `${job.unit}.service`,
  };
}

const backupTemplate = template<JobCommon & { header: string; retentionDays: number; busyTimeoutMs: number }>(__dirname, "backup.sh.hbs");
const initTemplate = template<Common>(__dirname, "init.sh.hbs");
const restoreTemplate = template<JobCommon>(__dirname, "restore.sh.hbs");
const beforeUpgradeTemplate = template<{ stateDir: string; unit: string; version: string }>(__dirname, "before-upgrade.sh.hbs");

/** An instance's job script: a consistent copy of its state, backed up, then forget + prune. */
export function renderBackupScript(s: ResticSettings, state: ResticState, at: Place = place(s, state.instance)): string {
  return backupTemplate({
    ...jobCommon(s, state, at, "credentials"),
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

/**
 * Run by GatewayService on a blank host, before the instance's gateway first starts: the latest
 * snapshot of the instance's tag fills its (empty) state directory.
 */
export function renderRestoreScript(s: ResticSettings, state: ResticState, at: Place = place(s, state.instance)): string {
  return restoreTemplate(jobCommon(s, state, at, "root"));
}

/** Before a new openclaw release is installed: the instance's job runs once, through its unit. */
export function renderBeforeUpgradeScript(s: ResticSettings, state: ResticState, version: string): string {
  return beforeUpgradeTemplate({ stateDir: state.dir, unit: `${jobPaths(state.instance).unit}.service`, version });
}

const after = (units: string[]): UnitLine[] => [
  { comment: "Started together, the jobs run one at a time: restic fails on the repository's lock rather than waiting for it." },
  ["After", units.join(" ")],
];

export function serviceSpec(s: ResticSettings, state: ResticState): UnitSpec {
  const job = jobPaths(state.instance);
  const order = jobOrder(s);
  const at = order.findIndex((st) => st.instance === state.instance);
  if (at < 0) throw new Error(`restic: instance ${state.instance} is not one of the states backed up`);
  const earlier = order.slice(0, at).map((st) => `${jobPaths(st.instance).unit}.service`);
  return {
    header: [MANAGED_HEADER],
    sections: {
      Unit: [
        ["Description", `restic backup of the gateway's state (${state.dir}) to ${s.repository.host}`],
        ["Documentation", "https://restic.readthedocs.io/en/stable/"],
        ["After", "network-online.target"],
        ["Wants", "network-online.target"],
        ...(earlier.length ? after(earlier) : []),
      ],
      Service: [
        ["Type", "oneshot"],
        { comment: "As the state's owner: it reads every file, and SQLite's -wal/-shm stay the gateway's." },
        ["User", state.user],
        ["Group", state.user],
        { comment: "The password, the SSH key and the repository host's key: root's files, readable by this job alone." },
        ...Object.entries(CREDENTIALS).map(([name, file]): [string, string] => ["LoadCredential", `${name}:${file}`]),
        ["StateDirectory", job.workDir.replace("/var/lib/", "")],
        ["StateDirectoryMode", "0700"],
        ["CacheDirectory", job.cacheDir.replace("/var/cache/", "")],
        ["CacheDirectoryMode", "0700"],
        ["Environment", `RESTIC_CACHE_DIR=${job.cacheDir}`],
        { comment: "Away from the state: nothing the job runs writes its dot files there." },
        ["Environment", `HOME=${job.workDir}`],
        ["ExecStart", job.script],
        { comment: "Its result and the time of the last success, for the alert rules." },
        runMetricDirective("restic", job.metric),
        ["TimeoutStartSec", "6h"],
        ["Nice", "10"],
        ["IOSchedulingClass", "idle"],
        ["SyslogIdentifier", job.unit],
      ],
    },
    // The gateway runs as the same user: RemoveIPC= would take its IPC objects. SQLite writes
    // the -shm of a database it reads in WAL mode, so the state is writable ("-": may be absent);
    // the network is the repository host only.
    hardening: s.hardening
      ? hardening({
          sharesUser: true,
          extra: [
            ["ReadWritePaths", `-${state.dir}`],
            ["IPAddressDeny", "any"],
            ["IPAddressAllow", s.repository.address],
          ],
        })
      : [],
  };
}

export function timerSpec(s: ResticSettings, state: ResticState): UnitSpec {
  const of = state.instance === DEFAULT_INSTANCE ? "" : ` of instance ${state.instance}`;
  return calendarTimer(`restic backup of the gateway's state${of}`, s.schedule);
}
