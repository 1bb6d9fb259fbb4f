// PgBackRest's rendered files, units and scripts: golden files; the passphrase only in the
// configuration; the repository host's key pinned; the run metric's script under real sh.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import {
  archiveSettings,
  exporterFlags,
  jobServiceSpec,
  jobTimerSpec,
  PATHS,
  renderConfig,
  renderRestoreScript,
  renderStanzaScript,
} from "../../../components/pgbackrest/render";
import { cipherPassSchema, pgBackRestArgsSchema, pgBackRestOptionsSchema } from "../../../components/pgbackrest/schema";
import { BACKUP_RUN_METRIC_SCRIPT } from "../../../src/remote/backup-metric";
import { renderDefaults } from "../../../src/remote/packaged-service";
import { authorizedLine, knownHostsLine } from "../../../src/remote/ssh-access";
import { renderUnitFile } from "../../../src/remote/unit-file";

const HOST_KEY = `ssh-ed25519 ${"B".repeat(68)}`;
const s = pgBackRestArgsSchema.parse({
  host: "vps2",
  postgresVersion: 17,
  postgresPort: 5432,
  listenAddress: "10.0.0.2",
  repository: { host: "vps1", address: "10.0.0.1", sshPort: 22, hostKey: HOST_KEY },
});
const PASS = "cipher-pass-example-0123456789";

describe("pgbackrest rendering (golden files)", () => {
  it("renders the configuration, the job units and timers, the scripts and the exporter's ARGS", async () => {
    await expect(renderConfig(s, PASS)).toMatchFileSnapshot("golden/pgbackrest.conf");
    await expect(knownHostsLine(s.repository)).toMatchFileSnapshot("golden/known_hosts");
    await expect(renderUnitFile(jobServiceSpec(s, "diff", "postgresql@17-main.service"))).toMatchFileSnapshot(
      "golden/pgbackrest-diff.service",
    );
    await expect(renderUnitFile(jobTimerSpec(s, "diff"))).toMatchFileSnapshot("golden/pgbackrest-diff.timer");
    await expect(renderStanzaScript()).toMatchFileSnapshot("golden/stanza.sh");
    await expect(renderRestoreScript(s)).toMatchFileSnapshot("golden/restore.sh");
    await expect(renderDefaults(PATHS.exporter, exporterFlags(s))).toMatchFileSnapshot("golden/prometheus-pgbackrest-exporter.default");
  });
});

describe("pgbackrest settings", () => {
  it("encrypts the repository, keeps it on the other host over SFTP with its key pinned, for the days asked", () => {
    const conf = renderConfig(
      pgBackRestArgsSchema.parse({ ...s, retentionDays: 14, repository: { ...s.repository, sshPort: 2222 } }),
      PASS,
    );
    expect(conf).toContain("repo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass=cipher-pass-example-0123456789");
    expect(conf).toContain("repo1-type=sftp\nrepo1-path=/srv/backups/pgbackrest/vps2\nrepo1-sftp-host=10.0.0.1\nrepo1-sftp-host-port=2222");
    expect(conf).toContain("repo1-sftp-host-key-check-type=strict");
    expect(conf).toContain("repo1-retention-full-type=time\nrepo1-retention-full=14");
    expect(knownHostsLine({ ...s.repository, sshPort: 2222 })).toBe(`[10.0.0.1]:2222 ${HOST_KEY}\n`);
    expect(() => renderConfig(s, "two\nlines")).toThrow(/one line/);
  });
  it("has PostgreSQL archive every segment, at least every archiveTimeoutSeconds", () => {
    expect(archiveSettings(s)).toEqual({ command: "/usr/bin/pgbackrest --stanza=main archive-push %p", timeoutSeconds: 60 });
  });
  it("names the field of a bad option or passphrase", () => {
    expect(pgBackRestOptionsSchema.safeParse({ restore: "yes" }).error?.issues[0].path).toEqual(["restore"]);
    expect(pgBackRestOptionsSchema.safeParse({ schedule: { full: "Sun; rm -rf /" } }).error?.issues[0].path).toEqual(["schedule", "full"]);
    expect(cipherPassSchema.safeParse("short").success).toBe(false);
  });
  it("runs the jobs as postgres, sandboxed, recording each run's result with full privileges", () => {
    const unit = renderUnitFile(jobServiceSpec(s, "full", "postgresql@17-main.service"));
    expect(unit).toContain("User=postgres\n");
    expect(unit).toContain("ExecStart=/usr/bin/pgbackrest --stanza=main --type=full backup\n");
    expect(unit).toContain("ExecStopPost=+/usr/local/libexec/openclaw-infra/backup-run-metric pgbackrest full\n");
    expect(unit).toContain("ProtectSystem=strict\n");
    expect(unit).not.toContain("[Install]");
    expect(unit).not.toContain("RemoveIPC");
  });
});

describe("the repository account's key line", () => {
  it("allows only sftp-server, and refuses what is not an ed25519 public key", () => {
    expect(authorizedLine(`ssh-ed25519 AAAAC3Nza pgbackrest@vps2\n`)).toBe(
      'restrict,command="/usr/lib/openssh/sftp-server" ssh-ed25519 AAAAC3Nza pgbackrest@vps2',
    );
    expect(() => authorizedLine("2026.6.11")).toThrow(/not an ed25519 public key/);
    expect(() => authorizedLine('command="sh" ssh-ed25519 AAAA')).toThrow(/not an ed25519 public key/);
  });
});

describe("backup-run-metric (under real sh)", () => {
  function run(dir: string, result: string | undefined) {
    const script = path.join(dir, "backup-run-metric");
    fs.writeFileSync(script, BACKUP_RUN_METRIC_SCRIPT, { mode: 0o755 });
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, TEXTFILE_DIR: path.join(dir, "textfile") };
    if (result !== undefined) env.SERVICE_RESULT = result;
    const r = spawnSync("sh", [script, "pgbackrest", "diff"], { env, encoding: "utf8" });
    const file = path.join(dir, "textfile", "openclaw-backup-pgbackrest-diff.prom");
    return { status: r.status, output: r.stdout + r.stderr, metrics: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "" };
  }
  const value = (metrics: string, name: string) =>
    metrics.match(new RegExp(`^${name}\\{tool="pgbackrest",backup="diff"\\} (\\d+)$`, "m"))?.[1];

  it("records a success with its time, then a failure that keeps the last success", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-metric-"));
    try {
      const first = run(dir, undefined);
      expect(first.status).toBe(0);
      expect(value(first.metrics, "openclaw_backup_last_run_success")).toBe("0");
      expect(value(first.metrics, "openclaw_backup_last_success_timestamp_seconds")).toBeUndefined();

      const ok = run(dir, "success");
      expect(ok.output).toContain("backup pgbackrest diff: result success");
      expect(value(ok.metrics, "openclaw_backup_last_run_success")).toBe("1");
      const lastSuccess = value(ok.metrics, "openclaw_backup_last_success_timestamp_seconds");
      expect(Number(lastSuccess)).toBeGreaterThan(1_700_000_000);

      const failed = run(dir, "exit-code");
      expect(value(failed.metrics, "openclaw_backup_last_run_success")).toBe("0");
      expect(value(failed.metrics, "openclaw_backup_last_success_timestamp_seconds")).toBe(lastSuccess);
      expect(fs.readdirSync(path.join(dir, "textfile"))).toEqual(["openclaw-backup-pgbackrest-diff.prom"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
