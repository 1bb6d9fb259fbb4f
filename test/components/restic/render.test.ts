// ResticBackup's rendered units and scripts: golden files; the repository host's key pinned and
// the password only ever a file; the job's script, the repository's init, the restore on a
// blank host (inside GatewayService's seed step) and the backup before an upgrade, all under
// real bash with the real restic and sqlite3 against a local repository, failures included.
// As root, the job runs as `nobody`, as it runs as the state's owner on a host.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderSeedScript } from "../../../components/gateway-service/render";
import {
  jobOrder,
  jobPaths,
  Place,
  place,
  renderBackupScript,
  renderBeforeUpgradeScript,
  renderInitFacts,
  renderInitScript,
  renderRestoreScript,
  serviceSpec,
  timerSpec,
} from "../../../components/restic/render";
import {
  resticArgsSchema,
  resticOptionsSchema,
  resticPasswordSchema,
  ResticSettings,
  ResticState,
} from "../../../components/restic/schema";
import { renderUnitFile } from "../../../src/remote/unit-file";

const HOST_KEY = `ssh-ed25519 ${"B".repeat(68)}`;
const s = resticArgsSchema.parse({
  host: "vps1",
  repository: { host: "vps2", address: "10.0.0.2", sshPort: 22, hostKey: HOST_KEY },
  states: [{ instance: "default", dir: "/var/lib/openclaw", user: "openclaw" }],
});
const [DEFAULT] = s.states;
/** A host with two gateways: the default instance and `work`. */
const two = resticArgsSchema.parse({
  ...s,
  states: [...s.states, { instance: "work", dir: "/var/lib/openclaw-work", user: "openclaw-work" }],
});
const [, WORK] = two.states;

describe("restic rendering (golden files)", () => {
  it("renders the job's unit, timer and script, and the deploy steps' scripts", async () => {
    await expect(renderUnitFile(serviceSpec(s, DEFAULT))).toMatchFileSnapshot("golden/restic-state-backup.service");
    await expect(renderUnitFile(timerSpec(s, DEFAULT))).toMatchFileSnapshot("golden/restic-state-backup.timer");
    await expect(renderBackupScript(s, DEFAULT)).toMatchFileSnapshot("golden/restic-state-backup");
    await expect(renderInitScript(s)).toMatchFileSnapshot("golden/init.sh");
    await expect(renderInitFacts(s)).toMatchFileSnapshot("golden/init-facts.sh");
    await expect(renderRestoreScript(s, DEFAULT)).toMatchFileSnapshot("golden/restore.sh");
    await expect(renderBeforeUpgradeScript(s, DEFAULT, "2026.6.12")).toMatchFileSnapshot("golden/before-upgrade.sh");
  });

  it("renders another instance's job beside the default's, which stays as on a host with one gateway", async () => {
    await expect(renderUnitFile(serviceSpec(two, WORK))).toMatchFileSnapshot("golden/restic-state-backup-work.service");
    await expect(renderUnitFile(timerSpec(two, WORK))).toMatchFileSnapshot("golden/restic-state-backup-work.timer");
    await expect(renderBackupScript(two, WORK)).toMatchFileSnapshot("golden/restic-state-backup-work");
    await expect(renderRestoreScript(two, WORK)).toMatchFileSnapshot("golden/restore-work.sh");
    await expect(renderBeforeUpgradeScript(two, WORK, "2026.6.12")).toMatchFileSnapshot("golden/before-upgrade-work.sh");
    // The default's files do not change when another instance joins (its unit is not ordered after it).
    expect(renderUnitFile(serviceSpec(two, DEFAULT))).toBe(renderUnitFile(serviceSpec(s, DEFAULT)));
    expect(renderUnitFile(timerSpec(two, DEFAULT))).toBe(renderUnitFile(timerSpec(s, DEFAULT)));
    expect(renderBackupScript(two, DEFAULT)).toBe(renderBackupScript(s, DEFAULT));
    expect(renderRestoreScript(two, DEFAULT)).toBe(renderRestoreScript(s, DEFAULT));
    expect(renderBeforeUpgradeScript(two, DEFAULT, "2026.6.12")).toBe(renderBeforeUpgradeScript(s, DEFAULT, "2026.6.12"));
  });
});

describe("restic jobs per gateway instance", () => {
  it("keeps the default instance's paths and adds -<name> for another, its tag and metric label apart", () => {
    expect(jobPaths("default")).toEqual({
      script: "/usr/local/libexec/openclaw-infra/restic-state-backup",
      unit: "restic-state-backup",
      workDir: "/var/lib/openclaw-backup",
      staging: "/var/lib/openclaw-backup/state",
      cacheDir: "/var/cache/restic-state-backup",
      tag: "openclaw-state",
      metric: "state",
    });
    expect(jobPaths("work")).toEqual({
      script: "/usr/local/libexec/openclaw-infra/restic-state-backup-work",
      unit: "restic-state-backup-work",
      workDir: "/var/lib/openclaw-backup-work",
      staging: "/var/lib/openclaw-backup-work/state",
      cacheDir: "/var/cache/restic-state-backup-work",
      tag: "openclaw-state-work",
      metric: "state-work",
    });
    expect(place(two, "work").staging).toBe("/var/lib/openclaw-backup-work/state");
    expect(place(two).staging).toBe("/var/lib/openclaw-backup/state");
  });

  it("runs another instance's job with its own tag, directories, user and run metric", () => {
    const unit = renderUnitFile(serviceSpec(two, WORK));
    for (const line of [
      "User=openclaw-work",
      "StateDirectory=openclaw-backup-work",
      "CacheDirectory=restic-state-backup-work",
      "Environment=RESTIC_CACHE_DIR=/var/cache/restic-state-backup-work",
      "ExecStart=/usr/local/libexec/openclaw-infra/restic-state-backup-work",
      "ExecStopPost=+/usr/local/libexec/openclaw-infra/backup-run-metric restic state-work",
      "SyslogIdentifier=restic-state-backup-work",
      "ReadWritePaths=-/var/lib/openclaw-work",
    ]) {
      expect(unit).toContain(`${line}\n`);
    }
    const script = renderBackupScript(two, WORK);
    expect(script).toContain("restic_ backup --host 'vps1' --tag 'openclaw-state-work' ");
    expect(script).toContain("restic_ forget --host 'vps1' --tag 'openclaw-state-work' ");
    expect(renderRestoreScript(two, WORK)).toContain("--host 'vps1' --tag 'openclaw-state-work' --latest 1");
    expect(renderRestoreScript(two, DEFAULT)).toContain("--host 'vps1' --tag 'openclaw-state' --latest 1");
    expect(renderBeforeUpgradeScript(two, WORK, "2026.6.12")).toContain("systemctl start 'restic-state-backup-work.service'");
  });

  it("runs the jobs one at a time when started together, the default's first, whatever the order given", () => {
    const three = resticArgsSchema.parse({
      ...s,
      states: [
        { instance: "work", dir: "/var/lib/openclaw-work", user: "openclaw-work" },
        { instance: "default", dir: "/var/lib/openclaw", user: "openclaw" },
        { instance: "lab", dir: "/var/lib/openclaw-lab", user: "openclaw-lab" },
      ],
    });
    expect(jobOrder(three).map((st) => st.instance)).toEqual(["default", "work", "lab"]);
    const after = (st: ResticState) => renderUnitFile(serviceSpec(three, st)).match(/^After=.*$/gm);
    expect(after(three.states[1])).toEqual(["After=network-online.target"]);
    expect(after(three.states[0])).toEqual(["After=network-online.target", "After=restic-state-backup.service"]);
    expect(after(three.states[2])).toEqual([
      "After=network-online.target",
      "After=restic-state-backup.service restic-state-backup-work.service",
    ]);
  });

  it("names the field of a missing, misnamed or repeated instance", () => {
    const issues = (states: unknown) =>
      resticArgsSchema.safeParse({ ...s, states }).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues([])).toEqual(["states: must name at least one gateway instance's state"]);
    expect(issues([{ ...DEFAULT, instance: "Work-1" }])).toEqual([
      "states.0.instance: must be an instance name: a lower-case letter, then letters or digits (16 at most)",
    ]);
    expect(issues([DEFAULT, { ...WORK, instance: "default" }])).toEqual(["states.1.instance: instance default is named twice"]);
    expect(issues([DEFAULT, { ...WORK, dir: DEFAULT.dir }])).toEqual(["states.1.dir: is already instance default's state"]);
    expect(issues([{ ...DEFAULT, dir: "relative" }])).toEqual(["states.0.dir: must be an absolute path of letters, digits, . _ - and /"]);
  });
});

describe("restic settings", () => {
  const all = (t: ResticSettings) =>
    [
      renderBackupScript(t, t.states[0]),
      renderInitScript(t),
      renderInitFacts(t),
      renderRestoreScript(t, t.states[0]),
      renderUnitFile(serviceSpec(t, t.states[0])),
    ].join("\n");

  it("keeps the repository on the other host over SFTP, ssh told the key and the pinned host key only", () => {
    const at2222 = resticArgsSchema.parse({ ...s, repository: { ...s.repository, sshPort: 2222 } });
    const script = renderBackupScript(at2222, DEFAULT);
    expect(script).toContain("restic --repo 'sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1'");
    expect(script).toContain(
      '-o "sftp.args=-F /dev/null -p 2222 -i $key -o IdentitiesOnly=yes -o UserKnownHostsFile=$known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes',
    );
    expect(renderRestoreScript(s, DEFAULT)).toContain(
      "password='/etc/restic/password' key='/etc/restic/ssh/id_ed25519' known_hosts='/etc/restic/ssh/known_hosts'",
    );
  });

  it("gives restic its password as a file: never an argument, the environment or the unit", () => {
    const text = all(s);
    expect(text).not.toMatch(/RESTIC_PASSWORD(?!_FILE)|--password[ =](?!-file)|password-command/);
    expect(text.match(/--password-file "\$password"/g)).toHaveLength(4);
    const unit = renderUnitFile(serviceSpec(s, DEFAULT));
    expect(unit).toContain("LoadCredential=password:/etc/restic/password\n");
    expect(renderBackupScript(s, DEFAULT)).toContain("password=$CREDENTIALS_DIRECTORY/password");
  });

  it("runs daily at 02:00 by default, keeping the days asked", () => {
    expect(renderUnitFile(timerSpec(s, DEFAULT))).toContain("OnCalendar=*-*-* 02:00:00\n");
    const t = resticArgsSchema.parse({ ...s, schedule: "*-*-* 03:30:00", retentionDays: 14 });
    expect(renderUnitFile(timerSpec(t, DEFAULT))).toContain("OnCalendar=*-*-* 03:30:00\n");
    expect(renderBackupScript(t, DEFAULT)).toContain("--keep-within 14d --prune");
  });

  it("runs the job as the state's owner, sandboxed, with the state writable and only the repository host reachable", () => {
    const unit = renderUnitFile(serviceSpec(s, DEFAULT));
    for (const line of [
      "User=openclaw",
      "CapabilityBoundingSet=",
      "ProtectSystem=strict",
      "ReadWritePaths=-/var/lib/openclaw",
      "IPAddressDeny=any",
      "IPAddressAllow=10.0.0.2",
    ]) {
      expect(unit).toContain(`${line}\n`);
    }
    expect(unit).toContain("ExecStopPost=+/usr/local/libexec/openclaw-infra/backup-run-metric restic state\n");
    expect(unit).not.toContain("RemoveIPC");
    expect(unit).not.toContain("[Install]");
    expect(renderUnitFile(serviceSpec({ ...s, hardening: false }, DEFAULT))).not.toContain("ProtectSystem");
  });

  it("names the field of a bad option or password", () => {
    const path = (o: unknown) => resticOptionsSchema.safeParse(o).error?.issues[0].path;
    expect(path({ restore: "yes" })).toEqual(["restore"]);
    expect(path({ schedule: "daily; rm -rf /" })).toEqual(["schedule"]);
    expect(path({ retentionDays: 0 })).toEqual(["retentionDays"]);
    expect(resticOptionsSchema.safeParse({ retention: 30 }).error?.issues[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["retention"],
    });
    expect(resticOptionsSchema.parse({})).toEqual({ schedule: "*-*-* 02:00:00", retentionDays: 30, restore: "latest", hardening: true });
    expect(resticPasswordSchema.safeParse("short").error?.issues[0].message).toBe("must be at least 20 characters");
    expect(resticPasswordSchema.safeParse("has a space in it, twenty+").error?.issues[0].message).toBe("must not contain whitespace");
  });
});

// ---------------------------------------------------------------------------------------------
// Under real bash, with the real restic and sqlite3.

const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const ROOT = process.getuid?.() === 0;
/** The job's user: `nobody` when the tests run as root (as the gateway's user on a host), else whoever runs them. */
const JOB_USER = ROOT ? "nobody" : os.userInfo().username;
const PASSWORD = "restic-test-password-0123456789";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface Lab {
  dir: string;
  state: string;
  repo: string;
  at: Place;
  settings: ResticSettings;
  env: NodeJS.ProcessEnv;
  /** As the SSH runner runs a deploy step: bash -euo pipefail, as whoever runs the tests. */
  step(script: string): Run;
  /** The job's script, as its unit runs it: as the job's user, with its credentials. */
  job(): Run;
  /** restic on the repository, as the job's user. */
  restic(...args: string[]): Run;
  /** Runs a command as the job's user. */
  asJob(cmd: string[], opts?: { input?: string }): Run;
  snapshots(host?: string): { time: string; hostname: string }[];
  /** Entries under a directory: relative path -> "dir" or the file's content (a database: its rows). */
  tree(root: string): Record<string, string>;
}

function lab(options: { busyTimeoutMs?: number; retentionDays?: number } = {}): Lab {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "restic-lab-"));
  const state = path.join(dir, "state");
  const repo = path.join(dir, "repo");
  const creds = path.join(dir, "creds");
  const bin = path.join(dir, "bin");
  for (const d of [state, path.join(dir, "work"), path.join(dir, "cache"), creds, bin]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(creds, "password"), PASSWORD + "\n", { mode: 0o600 });
  fs.chmodSync(state, 0o700);
  if (ROOT) spawnSync("chown", ["-R", "nobody:", dir]);
  const settings = resticArgsSchema.parse({
    ...s,
    retentionDays: options.retentionDays ?? 30,
    states: [{ instance: "default", dir: state, user: JOB_USER }],
  });
  const at: Place = {
    ...place(settings),
    repository: { url: repo },
    staging: path.join(dir, "work", "state"),
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    files: { password: path.join(creds, "password"), key: "/nonexistent", knownHosts: "/nonexistent" },
  };
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: path.join(dir, "work"),
    LC_ALL: "C",
    // Node's stdio pipes are sockets, which Debian's bash takes for sshd's and reads bash.bashrc under -u.
    SHLVL: "1",
    CREDENTIALS_DIRECTORY: creds,
    RESTIC_CACHE_DIR: path.join(dir, "cache"),
    FAKE: dir,
  };
  const spawnRun = (cmd: string[], input?: string): Run => {
    const r = spawnSync(cmd[0], cmd.slice(1), { env, encoding: "utf8", input, cwd: dir, timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const asJob = (cmd: string[], opts: { input?: string } = {}) =>
    spawnRun(ROOT ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", ...cmd] : cmd, opts.input);
  const jobScript = path.join(dir, "restic-state-backup");
  fs.writeFileSync(jobScript, renderBackupScript(settings, settings.states[0], at), { mode: 0o755 });
  const restic = (...args: string[]) => asJob(["restic", "--repo", repo, "--password-file", path.join(creds, "password"), ...args]);
  const sqlite = (db: string, sql: string) => spawnSync("sqlite3", ["-batch", db, sql], { encoding: "utf8" }).stdout.trim();
  return {
    dir,
    state,
    repo,
    at,
    settings,
    env,
    step: (script) => spawnRun(["bash", "-euo", "pipefail", "-c", script]),
    job: () => asJob(["bash", jobScript]),
    restic,
    asJob,
    snapshots: (host) => {
      const r = restic("snapshots", "--json", ...(host ? ["--host", host] : []));
      if (r.status !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout) ?? [];
    },
    tree: (root) => {
      const out: Record<string, string> = {};
      const walk = (rel: string) => {
        for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
          const r = path.join(rel, name);
          const full = path.join(root, r);
          if (fs.statSync(full).isDirectory()) {
            out[r] = "dir";
            walk(r);
          } else if (fs.readFileSync(full).subarray(0, 16).toString("latin1") === "SQLite format 3\0") {
            out[r] = `sqlite ${sqlite(full, "PRAGMA integrity_check; SELECT group_concat(x, ',') FROM t;").replace("\n", " ")}`;
          } else {
            out[r] = fs.readFileSync(full, "utf8");
          }
        }
      };
      walk("");
      return out;
    },
  };
}

/** A sqlite3 session run as the job's user (the gateway, on a host), kept open `seconds` inside a transaction. */
function holdTransaction(l: Lab, db: string, begin: "IMMEDIATE" | "EXCLUSIVE", seconds: number): Promise<void> & { child: ChildProcess } {
  const cmd = ["sqlite3", "-batch", db];
  const args = ROOT ? ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", ...cmd] : cmd.slice(1);
  const child = spawn(ROOT ? "setpriv" : "sqlite3", args, { env: l.env, stdio: ["pipe", "ignore", "inherit"] });
  child.stdin.end(`BEGIN ${begin};\nINSERT INTO t VALUES ('uncommitted');\n.shell sleep ${seconds}\nCOMMIT;\n`);
  const done = new Promise<void>((resolve) => child.on("exit", () => resolve())) as Promise<void> & { child: ChildProcess };
  done.child = child;
  return done;
}

/** The gateway's state as a host would hold it: databases by any name, in WAL or rollback mode, and files. */
function fillState(l: Lab): void {
  for (const d of ["agents/main", "identity", "memory"]) fs.mkdirSync(path.join(l.state, d), { recursive: true });
  fs.writeFileSync(path.join(l.state, "agents", "main", "notes.md"), "# notes\n");
  fs.writeFileSync(path.join(l.state, "identity", "device.json"), '{"id":"device-1"}\n');
  fs.writeFileSync(path.join(l.state, "empty"), "");
  fs.writeFileSync(path.join(l.state, "fake.db"), "not a database, despite its name\n");
  if (ROOT) spawnSync("chown", ["-R", "nobody:", l.state]);
  const make = (rel: string, sql: string) => {
    const r = l.asJob(["sqlite3", "-batch", path.join(l.state, rel), sql]);
    if (r.status !== 0) throw new Error(r.stderr);
  };
  const rows = Array.from({ length: 1000 }, (_, i) => `('row ${i}')`).join(",");
  make("memory/main.sqlite", `PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES ${rows};`);
  make("sessions", "CREATE TABLE t(x); INSERT INTO t VALUES ('session a'), ('session b');");
  make("odd ?#% name.sqlite3", "CREATE TABLE t(x); INSERT INTO t VALUES ('odd');");
}

const labs: Lab[] = [];
const newLab = (options?: Parameters<typeof lab>[0]) => {
  const l = lab(options);
  labs.push(l);
  return l;
};
afterEach(() => {
  for (const l of labs.splice(0)) fs.rmSync(l.dir, { recursive: true, force: true });
});

/** A repository made by the init step, as the job's user (the repository's files are the SFTP account's on a host). */
function initialized(l: Lab): Lab {
  const r = l.asJob(["bash", "-euo", "pipefail", "-c", renderInitScript(l.settings, l.at)]);
  expect(r.stderr).toBe("");
  expect(r.stdout).toContain(`made restic repository ${l.repo}`);
  return l;
}

/** One instance's job in a lab. */
interface Job {
  settings: ResticSettings;
  state: ResticState;
  at: Place;
}

/** GatewayService's seed step around an instance's restore script, as root (as the SSH runner runs it). */
function seedStep(l: Lab, job: Job = { settings: l.settings, state: l.settings.states[0], at: l.at }): string {
  const unit = `openclaw-gateway${job.state.instance === "default" ? "" : `-${job.state.instance}`}.service`;
  return renderSeedScript(renderRestoreScript(job.settings, job.state, job.at), { stateDir: job.state.dir, user: JOB_USER, unit });
}

/** systemctl and journalctl stand-ins: `start` runs the job as its unit would. */
function fakeSystemd(l: Lab, opts: { installed: boolean }): void {
  const bin = path.join(l.dir, "bin");
  const job = ROOT
    ? `setpriv --reuid=nobody --regid=nogroup --clear-groups -- bash "$FAKE/restic-state-backup"`
    : `bash "$FAKE/restic-state-backup"`;
  fs.writeFileSync(
    path.join(bin, "systemctl"),
    [
      "#!/bin/bash",
      'echo "$*" >> "$FAKE/systemctl.log"',
      'case "$1" in',
      `  cat) ${opts.installed ? "exit 0" : "exit 1"} ;;`,
      '  is-active) [ -e "$FAKE/active" ] ;;',
      `  start) ${job} > "$FAKE/journal" 2>&1 ;;`,
      "  show) echo invocation-1 ;;",
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, "journalctl"), '#!/bin/bash\necho "journalctl $*"\ncat "$FAKE/journal"\n', { mode: 0o755 });
}

describe("the backup job, the init and the restore (real bash, restic, sqlite3)", () => {
  beforeAll(() => {
    const missing = ["restic", "sqlite3"].filter((tool) => !has(tool));
    if (missing.length)
      throw new Error(
        `${missing.join(" and ")} missing on this machine: scripts/backup-tools.sh installs them (npm run test:unit and setup run it)`,
      );
  });
  it("makes the repository once, and refuses one its password does not open", () => {
    const l = initialized(newLab());
    expect(l.step(renderInitScript(l.settings, l.at)).stdout).toBe(`restic repository ${l.repo} exists\n`);
    expect(l.step(renderInitFacts(l.settings, l.at)).stdout).toBe("repository=ready\n");
    fs.writeFileSync(l.at.files.password, "another-password-0123456789\n");
    const wrong = l.step(renderInitScript(l.settings, l.at));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain("the secret resticPassword does not open it");
    expect(l.step(renderInitFacts(l.settings, l.at)).stdout).toBe("repository=unreadable\n");
  });

  it("backs up a consistent copy while a database is being written, forgets what is too old, and a blank host gets it all back", async () => {
    const l = initialized(newLab());
    // Snapshots already there: one of this host, older than the retention, and one of another host.
    const old = l.at.staging;
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, "old"), "old\n");
    if (ROOT) spawnSync("chown", ["-R", "nobody:", old]);
    for (const host of ["vps1", "vps9"])
      expect(l.restic("backup", "--host", host, "--tag", "openclaw-state", "--time", "2020-01-01 00:00:00", old).status).toBe(0);
    fs.rmSync(old, { recursive: true });
    fillState(l);
    const before = fs.readdirSync(l.state, { recursive: true }).map(String).sort();

    // The gateway holds a write transaction on its WAL database all through the job.
    const writer = holdTransaction(l, path.join(l.state, "memory", "main.sqlite"), "IMMEDIATE", 4);
    await new Promise((r) => setTimeout(r, 500));
    let started = Date.now();
    const run = l.job();
    const seconds = (Date.now() - started) / 1000;
    await writer;
    expect(run.stderr).not.toMatch(/fatal|error|cannot/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`copied ${l.state}: 11 entries, 3 SQLite database(s) by online backup`);
    expect(run.stdout).toMatch(/snapshot [0-9a-f]{8} saved/);
    expect(run.stdout).toContain("backed up");
    // Nothing of the job's is left, and the live state holds what it held, all the gateway's.
    expect(fs.existsSync(l.at.staging)).toBe(false);
    expect(fs.existsSync(`${l.at.staging}.sqlite`)).toBe(false);
    expect(fs.readdirSync(l.state, { recursive: true }).map(String).sort()).toEqual(before);
    if (ROOT) expect(spawnSync("find", [l.state, "!", "-user", "nobody"], { encoding: "utf8" }).stdout).toBe("");
    // The old snapshot of this host went; the other host's stays.
    expect(l.snapshots("vps1")).toHaveLength(1);
    expect(l.snapshots("vps9")).toHaveLength(1);
    const live = l.tree(l.state);
    expect(live["memory/main.sqlite"]).toContain("uncommitted");

    // A blank host: the seed step restores the latest snapshot, the gateway's user owns it.
    fs.rmSync(l.state, { recursive: true });
    fs.mkdirSync(l.state);
    fs.writeFileSync(path.join(l.state, "gateway.1234.lock"), "");
    fakeSystemd(l, { installed: true });
    started = Date.now();
    const restored = l.step(seedStep(l));
    const restoreSeconds = (Date.now() - started) / 1000;
    expect(restored.stderr).toBe("");
    expect(restored.status).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`restoring snapshot [0-9a-f]{8} of vps1's state, taken 20\\d\\d-.*, from ${l.repo}\\n`));
    expect(restored.stdout).toMatch(/restored snapshot [0-9a-f]{8} into .*: 11 entries in \d+s/);
    const got = l.tree(l.state);
    // The copy was taken while the transaction was open: every committed row, not the uncommitted one.
    expect(got["memory/main.sqlite"]).toBe(`sqlite ok ${Array.from({ length: 1000 }, (_, i) => `row ${i}`).join(",")}`);
    expect({ ...got, "memory/main.sqlite": "" }).toEqual({ ...live, "memory/main.sqlite": "" });
    expect(got["odd ?#% name.sqlite3"]).toBe("sqlite ok odd");
    expect(got["sessions"]).toBe("sqlite ok session a,session b");
    expect(got["fake.db"]).toBe("not a database, despite its name\n");
    expect(Object.keys(got).filter((f) => /-(wal|shm|journal)$|lock$/.test(f))).toEqual([]);
    expect(spawnSync("find", [l.state, "!", "-user", JOB_USER], { encoding: "utf8" }).stdout).toBe("");
    expect((fs.statSync(l.state).mode & 0o777).toString(8)).toBe("700");
    expect(fs.readdirSync(path.dirname(l.state)).filter((n) => n.startsWith(".restic-restore"))).toEqual([]);

    // The next run finds the previous snapshot: the files it already has are not sent again.
    started = Date.now();
    const again = l.job();
    const againSeconds = (Date.now() - started) / 1000;
    expect(again.status).toBe(0);
    expect(l.snapshots("vps1")).toHaveLength(2);
    const added = again.stdout.match(/Added to the repo(?:sitory)?: (.*)/)?.[1];
    console.log(
      `restic job (${spawnSync("restic", ["version"], { encoding: "utf8" }).stdout.trim()}): first backup ${seconds.toFixed(1)} s ` +
        `(11 entries, 3 databases, one in a write transaction), restore on a blank host ${restoreSeconds.toFixed(1)} s, ` +
        `second backup ${againSeconds.toFixed(1)} s adding ${added}`,
    );

    // A host with data is never restored over.
    fs.writeFileSync(path.join(l.state, "identity", "device.json"), '{"id":"device-2"}\n');
    const kept = l.step(seedStep(l));
    expect(kept.stdout).toBe(`${l.state} holds data: nothing to restore\n`);
    expect(fs.readFileSync(path.join(l.state, "identity", "device.json"), "utf8")).toBe('{"id":"device-2"}\n');
  });

  it("fails on a database another process keeps locked, cleaning up, with no snapshot", async () => {
    const l = initialized(newLab({ busyTimeoutMs: 300 }));
    fillState(l);
    const writer = holdTransaction(l, path.join(l.state, "sessions"), "EXCLUSIVE", 3);
    await new Promise((r) => setTimeout(r, 500));
    const run = l.job();
    await writer;
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`cannot copy the SQLite database ${l.state}/sessions: `);
    expect(run.stderr).toContain("database is locked");
    expect(fs.existsSync(l.at.staging)).toBe(false);
    expect(fs.existsSync(`${l.at.staging}.sqlite`)).toBe(false);
    expect(l.snapshots()).toHaveLength(0);
  });

  it("fails on a file it cannot read and on a corrupt database, cleaning up, with no snapshot", () => {
    const l = initialized(newLab());
    fillState(l);
    const secret = path.join(l.state, "agents", "root-only");
    fs.writeFileSync(secret, "x", { mode: 0o000 });
    if (ROOT) spawnSync("chown", ["root:root", secret]);
    const unreadable = l.job();
    expect(unreadable.status).toBe(1);
    expect(unreadable.stderr).toContain("root-only: Cannot open: Permission denied");
    expect(unreadable.stderr).toContain(`copying ${l.state} failed (tar exited 2 0)`);
    expect(fs.existsSync(l.at.staging)).toBe(false);
    fs.rmSync(secret);

    fs.writeFileSync(path.join(l.state, "broken.db"), Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(4000, 7)]));
    if (ROOT) spawnSync("chown", ["nobody:", path.join(l.state, "broken.db")]);
    const corrupt = l.job();
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toMatch(/cannot copy the SQLite database .*\/broken.db: .*(not a database|malformed)/);
    expect(fs.existsSync(l.at.staging)).toBe(false);
    expect(fs.existsSync(`${l.at.staging}.sqlite`)).toBe(false);
    expect(l.snapshots()).toHaveLength(0);
  });

  it("takes no snapshot of an empty state, which would become the latest", () => {
    const l = initialized(newLab());
    const run = l.job();
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${l.state} is empty: no snapshot taken, so the latest one still holds the state\n`);
    expect(l.snapshots()).toHaveLength(0);
  });

  it("on a blank host: starts empty from an empty repository, and fails the deploy on one it cannot read", () => {
    const l = initialized(newLab());
    fakeSystemd(l, { installed: true });
    fs.rmSync(l.state, { recursive: true });
    const empty = l.step(seedStep(l));
    expect(empty.status).toBe(0);
    expect(empty.stdout).toBe(`no snapshot of vps1's state in ${l.repo}: the gateway starts with an empty state\n`);
    expect(fs.readdirSync(l.state)).toEqual([]);
    expect((fs.statSync(l.state).mode & 0o777).toString(8)).toBe("700");

    fs.writeFileSync(l.at.files.password, "another-password-0123456789\n");
    const unreadable = l.step(seedStep(l));
    expect(unreadable.status).toBe(1);
    expect(unreadable.stderr).toContain(`cannot read the restic repository ${l.repo} to look for a snapshot of ${l.state}:`);
    expect(unreadable.stderr).toContain("wrong password");
    expect(unreadable.stderr).toContain(
      "fix the repository host, or set stateBackup.restore: none to start the gateway with an empty state\n",
    );
    expect(fs.readdirSync(l.state)).toEqual([]);
  });

  it("never restores under a running gateway", () => {
    const l = initialized(newLab());
    fakeSystemd(l, { installed: true });
    fs.writeFileSync(path.join(l.dir, "active"), "");
    const r = l.step(seedStep(l));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("openclaw-gateway.service already runs on an empty");
    expect(fs.readFileSync(path.join(l.dir, "systemctl.log"), "utf8")).toBe("is-active --quiet openclaw-gateway.service\n");
  });

  it("keeps two instances' snapshots apart: each blank instance gets its own state back, never the other's", () => {
    const l = initialized(newLab());
    const workState = path.join(l.dir, "state-work");
    fs.mkdirSync(workState, { mode: 0o700 });
    fs.mkdirSync(path.join(l.dir, "work-work"));
    if (ROOT) spawnSync("chown", ["-R", "nobody:", workState, path.join(l.dir, "work-work")]);
    const settings = resticArgsSchema.parse({
      ...l.settings,
      states: [...l.settings.states, { instance: "work", dir: workState, user: JOB_USER }],
    });
    const [dflt, work] = settings.states;
    const jobs: Record<string, Job> = {
      default: { settings, state: dflt, at: l.at },
      work: { settings, state: work, at: { ...l.at, staging: path.join(l.dir, "work-work", "state") } },
    };
    // Each job's script, as its unit runs it.
    const backup = (name: string) => {
      const file = path.join(l.dir, `restic-state-backup-${name}`);
      fs.writeFileSync(file, renderBackupScript(settings, jobs[name].state, jobs[name].at), { mode: 0o755 });
      const r = l.asJob(["bash", file]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    };
    const fill = (dir: string, who: string) => {
      fs.mkdirSync(path.join(dir, "agents"), { recursive: true });
      fs.writeFileSync(path.join(dir, "agents", "who"), `${who}\n`);
      if (ROOT) spawnSync("chown", ["-R", "nobody:", dir]);
      const r = l.asJob(["sqlite3", "-batch", path.join(dir, "main.sqlite"), `CREATE TABLE t(x); INSERT INTO t VALUES ('${who}');`]);
      expect(r.status).toBe(0);
    };
    const blank = (dir: string) => {
      fs.rmSync(dir, { recursive: true });
      fs.mkdirSync(dir, { mode: 0o700 });
    };
    const tags = () => (l.snapshots("vps1") as unknown as { tags: string[] }[]).map((snap) => snap.tags.join(","));
    fakeSystemd(l, { installed: true });

    fill(l.state, "default");
    backup("default");
    // Only the default's snapshot: a blank `work` starts empty rather than with the default's state.
    const none = l.step(seedStep(l, jobs.work));
    expect(none.stderr).toBe("");
    expect(none.stdout).toBe(`no snapshot of vps1's state of instance work in ${l.repo}: the gateway starts with an empty state\n`);
    expect(fs.readdirSync(workState)).toEqual([]);

    fill(workState, "work");
    backup("work");
    expect(tags()).toEqual(["openclaw-state", "openclaw-state-work"]);
    // The newest snapshot is work's: the default's restore still takes the default's.
    blank(l.state);
    const d = l.step(seedStep(l, jobs.default));
    expect(d.stderr).toBe("");
    expect(d.stdout).toMatch(/restoring snapshot [0-9a-f]{8} of vps1's state, taken /);
    expect(l.tree(l.state)).toEqual({ agents: "dir", "agents/who": "default\n", "main.sqlite": "sqlite ok default" });

    // And the other way round: with the default's newest, `work` gets work's.
    backup("default");
    blank(workState);
    const w = l.step(seedStep(l, jobs.work));
    expect(w.stderr).toBe("");
    expect(w.stdout).toMatch(/restoring snapshot [0-9a-f]{8} of vps1's state of instance work, taken /);
    expect(l.tree(workState)).toEqual({ agents: "dir", "agents/who": "work\n", "main.sqlite": "sqlite ok work" });
    // Each job's forget kept to its own tag: every snapshot is still there.
    expect(tags().sort()).toEqual(["openclaw-state", "openclaw-state", "openclaw-state-work"]);
  });

  it("backs up before an upgrade through the job's unit, skips a blank host, and fails the deploy when the backup fails", () => {
    const l = initialized(newLab());
    const before = renderBeforeUpgradeScript(l.settings, l.settings.states[0], "2026.6.12");
    fakeSystemd(l, { installed: false });
    expect(l.step(before).stdout).toBe("restic-state-backup.service is not installed: no backup before openclaw 2026.6.12\n");
    fakeSystemd(l, { installed: true });
    expect(l.step(before).stdout).toBe(`${l.state} is empty: nothing to back up before openclaw 2026.6.12\n`);
    expect(fs.readFileSync(path.join(l.dir, "systemctl.log"), "utf8")).not.toContain("start");

    fillState(l);
    const ok = l.step(before);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^backed up ${l.state} before openclaw 2026.6.12 in \\d+s\\n$`));
    expect(l.snapshots("vps1")).toHaveLength(1);

    fs.writeFileSync(path.join(l.dir, "creds", "password"), "another-password-0123456789\n");
    const failed = l.step(before);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`the backup of ${l.state} before openclaw 2026.6.12 failed, so the release was not installed`);
    expect(failed.stderr).toContain("journalctl --no-pager -o cat -n 25 _SYSTEMD_INVOCATION_ID=invocation-1");
    expect(failed.stderr).toContain("wrong password");
  });
});
