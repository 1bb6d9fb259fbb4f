// Backups and disaster recovery on the sandbox: vps2's PostgreSQL backed up by pgBackRest into
// a repository on vps1 (over SFTP, encrypted). The first full backup is taken by the deploy; a
// backup whose repository connection is killed fails visibly and leaves the repository intact
// (the next backup succeeds, `pgbackrest verify` passes); a point-in-time restore to a moment
// between two writes returns the first and not the second; the drill wipes vps2 and rebuilds it
// with `up --refresh`, which restores the data, and prints RTO and RPO; the same for vps1's
// gateways' state (restic, repository on vps2), the operator's key in ssh-agent only.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drill } from "../../sandbox/drill";
import { mustOnHost } from "../../sandbox/host";
import { onHost, printFigures, REPO, privateAddress, refreshPreview, SandboxStack, sandboxInfo, startSshAgent } from "./harness";
import { sharedDeployment, sharedDeploymentFigure, sharedStacks } from "./shared-deployment";

let vps1: SandboxStack;
let vps2: SandboxStack;
let secrets: Record<string, string> = {};
const figures: Record<string, string> = {};
const seconds = (s: number) => `${s.toFixed(1)} s`;

const PGBR = "runuser -u postgres -- pgbackrest --stanza=main";
const SQL = (sql: string) => `runuser -u postgres -- psql -X -qtA -v ON_ERROR_STOP=1 -d openclaw -c ${JSON.stringify(sql)}`;

const must = (host: string, command: string) => mustOnHost(host, command).trim();

/** Runs `command` on a host in the background; resolves with its exit code and output. */
function onHostAsync(host: string, command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(REPO, "sandbox", "sandbox"), ["ssh", host, command]);
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

/** The textfile metric a backup job's last run left on the host, via node-exporter. */
function runMetric(host: string, backup: string): string | undefined {
  const address = privateAddress(host);
  const text = must(host, `curl -fsS http://${address}:9100/metrics`);
  return text.match(new RegExp(`^openclaw_backup_last_run_success\\{backup="${backup}",tool="pgbackrest"\\} (\\d)$`, "m"))?.[1];
}

// The shared deployment (shared-deployment.ts, which shortens pgBackRest's io-timeout), last of
// the files on it: the drill wipes the hosts.
beforeAll(async () => {
  const deployment = await sharedDeployment();
  figures["shared deployment"] = sharedDeploymentFigure(deployment);
  ({ vps1, vps2 } = sharedStacks(deployment));
  secrets = { ...deployment.stacks.vps2.secrets, ...deployment.stacks.vps1.secrets };
});

afterAll(() => {
  printFigures("backup", figures);
});

describe("PostgreSQL backups with pgBackRest, repository on vps1", () => {
  it("takes the first full backup at deploy, into an encrypted repository only an SFTP account on vps1 holds", () => {
    const info = JSON.parse(must("vps2", `${PGBR} --log-level-console=error info --output=json`));
    expect(info[0].status.code).toBe(0);
    expect(info[0].backup.map((b: { type: string }) => b.type)).toContain("full");
    expect(info[0].cipher).toBe("aes-256-cbc");
    const full = info[0].backup[0];
    figures["first full backup: size (database / in the repository)"] =
      `${(full.info.size / 1e6).toFixed(1)} MB / ${(full.info.repository.delta / 1e6).toFixed(1)} MB`;
    figures["first full backup: duration"] = `${full.timestamp.stop - full.timestamp.start} s`;
    expect(runMetric("vps2", "full")).toBe("1");
    // On vps1: the repository belongs to the SFTP-only account; its key may do nothing else.
    expect(must("vps1", "stat -c '%U %a' /srv/backups/pgbackrest/vps2")).toBe("pgbackrest-repo 700");
    expect(must("vps1", "cat /srv/backups/pgbackrest/.ssh/authorized_keys")).toMatch(
      /^restrict,command="\/usr\/lib\/openssh\/sftp-server" ssh-ed25519 \S+ pgbackrest@vps2$/,
    );
    // The configuration holding the passphrase: root and the postgres group only.
    expect(must("vps2", "stat -c '%U:%G %a' /etc/pgbackrest.conf")).toBe("root:postgres 640");
    // The exporter reports the repository.
    const exporter = must("vps2", `curl -fsS http://${privateAddress("vps2")}:9854/metrics`);
    expect(exporter).toMatch(/^pgbackrest_backup_since_last_completion_seconds\{.*stanza="main".*\} \d/m);
  });

  it("fails a backup whose repository connection is killed, visibly, and the next one succeeds and verifies", async () => {
    // Enough data that the backup takes a while: ~200 MB that compresses poorly.
    must(
      "vps2",
      SQL(
        "CREATE TABLE IF NOT EXISTS bulk AS SELECT g, md5(g::text) || md5(random()::text) || md5(random()::text) AS v FROM generate_series(1, 2000000) g",
      ),
    );
    // On vps1: once the backup's SFTP session has run for a second, kill it.
    const killer = onHostAsync(
      "vps1",
      "for i in $(seq 1 600); do if pgrep -u pgbackrest-repo sftp-server >/dev/null; then sleep 1; pkill -KILL -u pgbackrest-repo sftp-server && echo killed && exit 0; fi; sleep 0.05; done; echo 'no sftp session seen'; exit 1",
    );
    const t = Date.now();
    const failed = onHost("vps2", "systemctl start pgbackrest-full.service");
    const kill = await killer;
    expect(kill.output).toContain("killed");
    expect(failed.code).not.toBe(0);
    figures["killed backup: failed after"] = seconds((Date.now() - t) / 1000);
    const journal = must("vps2", "journalctl -u pgbackrest-full.service --since=-5min --no-pager -o cat");
    expect(journal).toMatch(/ERROR: \[\d+\]/);
    expect(must("vps2", "systemctl show -p Result --value pgbackrest-full.service")).not.toBe("success");
    expect(runMetric("vps2", "full")).toBe("0");

    const t2 = Date.now();
    must("vps2", "systemctl start pgbackrest-full.service");
    figures["full backup after the failed one (~200 MB)"] = seconds((Date.now() - t2) / 1000);
    expect(runMetric("vps2", "full")).toBe("1");
    const t3 = Date.now();
    must("vps2", "systemctl start pgbackrest-verify.service");
    figures["pgbackrest verify"] = seconds((Date.now() - t3) / 1000);
    expect(must("vps2", "journalctl -u pgbackrest-verify.service --since=-5min --no-pager -o cat")).toMatch(
      /verify command end: completed successfully/,
    );
    const info = JSON.parse(must("vps2", `${PGBR} --log-level-console=error info --output=json`));
    const last = info[0].backup.at(-1);
    figures["repository after the ~200 MB full backup"] =
      `${(last.info.repository.size / 1e6).toFixed(1)} MB (database ${(last.info.size / 1e6).toFixed(1)} MB)`;
    must("vps2", SQL("DROP TABLE bulk"));
  });

  it("restores to a point in time between two writes: the first row is back, the second is not", () => {
    must("vps2", SQL("CREATE TABLE IF NOT EXISTS pitr (note text PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"));
    must("vps2", SQL("INSERT INTO pitr (note) VALUES ('first')"));
    must("vps2", "sleep 1.5");
    const target = must("vps2", SQL("SELECT clock_timestamp()"));
    must("vps2", "sleep 1.5");
    must("vps2", SQL("INSERT INTO pitr (note) VALUES ('second')"));
    // Both writes archived: `check` switches the WAL segment and waits for it in the repository.
    must("vps2", `${PGBR} check`);
    // The README's procedure.
    must(
      "vps2",
      [
        "systemctl stop postgresql@17-main.service",
        `${PGBR} --delta --type=time '--target=${target}' --target-action=promote restore`,
        "systemctl start postgresql@17-main.service",
        "for i in $(seq 1 60); do runuser -u postgres -- pg_isready -q && break; sleep 1; done",
      ].join(" && "),
    );
    const notes = must("vps2", SQL("SELECT note FROM pitr ORDER BY at")).split("\n");
    expect(notes).toEqual(["first"]);
  });
});

describe("the drill", () => {
  it("vps2: wiped to blank, rebuilt by up --refresh with its data from vps1", () => {
    const r = drill("vps2", () => vps2.ok(["up", "--refresh", "--yes", "--skip-preview"]), 10);
    figures["drill vps2: RTO (wipe to healthy)"] = seconds(r.rtoSeconds);
    figures["drill vps2: RPO (newest write lost)"] = seconds(r.rpoSeconds);
    figures["drill vps2: entries back"] = `${r.restored} of ${r.written}`;
    expect(r.knownEntryRestored).toBe(true);
    // Backups go on after the rebuild: the stanza is valid and a backup succeeds.
    must("vps2", "systemctl start pgbackrest-diff.service");
    expect(runMetric("vps2", "diff")).toBe("1");
    // A second up finds nothing to do.
    expect(vps2.previewSteps()).toEqual([]);
    // vps1's repository of the gateway's state was on vps2 too: vps1's stack makes it again.
    figures["vps1's up --refresh after vps2 was lost (its repository there made again)"] = seconds(
      vps1.ok(["up", "--refresh", "--yes", "--skip-preview"]).seconds,
    );
  });

  it("vps1: wiped to blank, rebuilt by up --refresh (its key only in ssh-agent) with the gateways' state from vps2 (restic)", () => {
    // The operator's key in an agent only: no key file at the configured path.
    const agentDir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-agent-"));
    const agent = startSshAgent(agentDir, sandboxInfo().privateKeyPath);
    vps1.ok(["config", "set", "--path", "ssh.privateKeyPath", "/nonexistent/id_ed25519"]);
    vps1.env.SSH_AUTH_SOCK = agent.socket;
    const rebuild = () => {
      try {
        vps1.ok(["up", "--refresh", "--yes", "--skip-preview"]);
      } finally {
        delete vps1.env.SSH_AUTH_SOCK;
        agent.stop();
        fs.rmSync(agentDir, { recursive: true, force: true });
        vps1.ok(["config", "set", "--path", "ssh.privateKeyPath", sandboxInfo().privateKeyPath]);
      }
    };
    const r = drill("vps1", rebuild, 10);
    figures["drill vps1: RTO (wipe to healthy)"] = seconds(r.rtoSeconds);
    figures["drill vps1: RPO (newest write lost)"] = seconds(r.rpoSeconds);
    figures["drill vps1: entries back"] = `${r.restored} of ${r.written}`;
    figures["drill vps1: state backup"] = seconds(r.backupSeconds);
    expect(r.knownEntryRestored).toBe(true);
    must("vps1", "systemctl start restic-state-backup.service");
    expect(vps1.previewSteps()).toEqual([]);
    // The same the other way round: vps2's PostgreSQL repository (its SFTP account) and its
    // WireGuard peer were on vps1. vps2's stack owns them: its refresh sees them gone.
    expect(refreshPreview(vps2)).toEqual([
      { op: "update", name: "vps2-pgbackrest-repository" },
      { op: "update", name: "vps2-pgbackrest-stanza" },
      { op: "update", name: "vps2-wireguard-peer-on-vps1" },
    ]);
    figures["vps2's up --refresh after vps1 was lost (its repository there made again)"] = seconds(
      vps2.ok(["up", "--refresh", "--yes", "--skip-preview"]).seconds,
    );
    expect(refreshPreview(vps2)).toEqual([]);
    must("vps2", "systemctl start pgbackrest-diff.service");
  });

  it("keeps the cipher passphrase out of every other user's reach, command lines and the stack's output", () => {
    const where = { vps2: secrets.pgBackRestCipherPass, vps1: secrets.resticPassword };
    const files = { vps2: ["/etc/pgbackrest.conf root:postgres 640"], vps1: ["/etc/restic/password root:root 600"] };
    for (const host of ["vps2", "vps1"] as const) {
      const pass = where[host];
      expect(pass).toBeTruthy();
      expect(must(host, "ps -eo args")).not.toContain(pass);
      const readable = onHost(host, `grep -rlF -- "$(cat)" /etc /var/lib /srv /tmp /run 2>/dev/null | xargs -r stat -c '%n %U:%G %a'`, pass)
        .stdout.trim()
        .split("\n")
        .filter(Boolean);
      expect(readable).toEqual(files[host]);
      for (const text of [...vps2.transcript, ...vps1.transcript]) expect(text).not.toContain(pass);
    }
  });
});
