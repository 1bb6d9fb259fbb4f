// The whole two-VPS topology on two real Debian 13 hosts (systemd-nspawn), with the real
// Pulumi engine, the real openclaw gateway, PostgreSQL 17 + pgvector, promtail and
// node-exporter, over a WireGuard private network: vps2 then vps1 onto blank hosts, no-op ups,
// one change, the database from the gateway host, secrets, hardening scores, a topology change,
// destroy and rebuild, sshd, the firewall and a capture of the bridge, a reboot.
import { spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "path";
import {
  changeSummary,
  curlOn,
  onHost,
  printFigures,
  privateAddress,
  refreshPreview as previewRefreshed,
  REPO,
  sandbox,
  sandboxInfo,
  SandboxStack,
  singleGateway,
  tempBackend,
} from "./harness";
import { readVersions } from "../../sandbox/contract";
import { run } from "../../sandbox/host";
import { PROMETHEUS_USER } from "../../components/prometheus/schema";
import { sandboxPrivateAddress } from "../../sandbox/options";
import { readStackConfig } from "../../sandbox/stack";
import { hostUnits } from "../../src/registry";
import * as net from "net";

const GATEWAY_TOKEN = randomBytes(24).toString("hex");
const DB_PASSWORD = randomBytes(18).toString("base64url");
const TUNNEL_TOKEN = randomBytes(48).toString("base64");
/** Every secret both stacks were given: the registry says which (see beforeAll). */
const SECRETS: string[] = [];
const GATEWAY = "openclaw-gateway.service";

let backend: string;
let vps1: SandboxStack;
let vps2: SandboxStack;
/** vps2's Prometheus password (a generated secret of its stack). */
let prometheusPassword: string;
/** Each host's address on the bridge (SSH, WireGuard's packets), and on the private network (WireGuard's). */
let address: Record<string, string>;
let priv: Record<string, string>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Figures for the closing note: printed, never asserted. */
const figures: Record<string, string> = {};
const seconds = (s: number) => `${s.toFixed(1)} s`;

/** `value`, or an Error saying `what` was missing. */
function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing: ${what}`);
  return value;
}

/** The gateway's /health, asked on vps1 (the firewall admits only SSH from this machine). */
const health = () => curlOn("vps1", `http://${address.vps1}:18789/health`);

/** The deploy's SSH logins (root's) a host has accepted so far, this check's own included; the backup tools' SFTP accounts log in too. */
function sshLogins(host: string): number {
  return Number(
    onHost(
      host,
      "journalctl -q --no-pager -o cat _COMM=sshd-session _COMM=sshd | grep -c 'Accepted publickey for root ' || true",
    ).stdout.trim(),
  );
}

/** The host's clock, for journalctl --since. */
const hostNow = (host: string) => onHost(host, "date '+%Y-%m-%d %H:%M:%S'").stdout.trim();

/** How often `unit` was started since `since` (host time). */
function startsSince(host: string, unit: string, since: string): number {
  return Number(onHost(host, `journalctl -q --no-pager -o cat -u ${unit} --since '${since}' | grep -c '^Started ' || true`).stdout.trim());
}

/** What `pulumi preview --refresh` would change, as {op, name} sorted by name; no secret in its output. */
const refreshPreview = (stack: SandboxStack) => previewRefreshed(stack, SECRETS);

/** Runs SQL on vps2's PostgreSQL from vps1 as the gateway's role; the password goes on stdin. */
function psqlFromVps1(sql: string) {
  return onHost(
    "vps1",
    `read -r PGPASSWORD; export PGPASSWORD PGSSLMODE=require; psql -h ${priv.vps2} -U openclaw -d openclaw -v ON_ERROR_STOP=1 -tAc "${sql}"`,
    DB_PASSWORD + "\n",
  );
}

/** Files on `host` containing any secret that the unprivileged user `nobody` can read. */
function secretsReadableByOthers(host: string): string {
  return onHost(
    host,
    "runuser -u nobody -- grep -rlsF -f - --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev / || true",
    SECRETS.join("\n") + "\n",
  ).stdout.trim();
}

/** Whether a TCP connection to address:port is accepted, refused or unanswered (dropped) within 2 s. */
function probe(address: string, port: number): Promise<"open" | "refused" | "dropped"> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: 2000 });
    const done = (result: "open" | "refused" | "dropped") => {
      socket.destroy();
      resolve(result);
    };
    socket.on("connect", () => done("open"));
    socket.on("timeout", () => done("dropped"));
    socket.on("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "refused" : "dropped"));
  });
}

/**
 * The TCP ports of each address that accept a connection, by a SYN scan of all 65535 (nmap,
 * scripts/network-tools.sh; the addresses in parallel).
 */
function openTcpPorts(addresses: string[]): Record<string, number[]> {
  const r = run("nmap", ["-Pn", "-n", "-sS", "-p-", "--min-rate", "10000", "--max-retries", "1", "-oG", "-", ...addresses]);
  if (r.code !== 0) throw new Error(`nmap ${addresses.join(" ")} failed (${r.code}): ${r.stderr}`);
  const open = (address: string) => {
    const ports = r.stdout.match(new RegExp(`^Host: ${address.replace(/\./g, "\\.")} .*Ports: ([^\t]*)`, "m"));
    if (!ports) throw new Error(`nmap reported no ports of ${address}:\n${r.stdout}`);
    return ports[1]
      .split(", ")
      .filter((p) => p.split("/")[1] === "open")
      .map((p) => Number(p.split("/")[0]));
  };
  return Object.fromEntries(addresses.map((a) => [a, open(a)]));
}

type Target = { health: string; lastScrape: string; scrapeUrl: string };

/** Prometheus's targets (asked on vps2), once each was scraped after `since` and is up, or after a minute. */
async function scrapedSince(since: number): Promise<Target[]> {
  let targets: Target[] = [];
  for (let tries = 0; tries < 30; tries++) {
    // The password as curl's config on stdin: in no command line.
    const login = `user = "${PROMETHEUS_USER}:${prometheusPassword}"\n`;
    const r = onHost("vps2", `curl -fsS -K - http://${priv.vps2}:9090/api/v1/targets`, login);
    targets = r.code === 0 ? JSON.parse(r.stdout).data.activeTargets : [];
    if (targets.length > 0 && targets.every((t) => t.health === "up" && Date.parse(t.lastScrape) / 1000 > since)) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return targets;
}

beforeAll(() => {
  const info = sandboxInfo();
  address = { vps1: info.hosts.vps1.address, vps2: info.hosts.vps2.address };
  priv = { vps1: privateAddress("vps1"), vps2: privateAddress("vps2") };
  figures["sandbox reset (both hosts)"] = seconds(sandbox("reset", "all").seconds);
  backend = tempBackend();
  vps2 = new SandboxStack("vps2", backend);
  // One gateway: this file's subject is the topology; the shared deployment runs two instances.
  const vps2Secrets = vps2.initWithSecrets({ "postgresPasswords.openclaw": DB_PASSWORD }, singleGateway);
  prometheusPassword = vps2Secrets.prometheusPassword;
  SECRETS.push(...Object.values(vps2Secrets));
  vps1 = new SandboxStack("vps1", backend);
  SECRETS.push(...Object.values(vps1.initWithSecrets({ gatewayToken: GATEWAY_TOKEN, tunnelToken: TUNNEL_TOKEN }, singleGateway)));
});

afterAll(() => {
  printFigures("integration", figures);
  if (backend) fs.rmSync(backend, { recursive: true, force: true });
});

describe("the two-VPS topology on blank sandbox hosts", () => {
  it("deploys vps2 then vps1 over one SSH connection per host (and one that confirms the firewall): gateway healthy, PostgreSQL, logs and metrics running", () => {
    for (const stack of [vps2, vps1]) {
      const before = sshLogins(stack.host);
      figures[`fresh up ${stack.host}`] = seconds(stack.up().seconds);
      // Each `sshLogins` counts its own login: the rest is pulumi's, the deploy's connection and
      // the new one that proves the firewall's rule set still lets the deploy in. journald may
      // write the last login's line a moment late on a loaded host: asked again, a few times.
      let logins = 0;
      for (let asked = 1; asked <= 5; asked++) {
        logins = sshLogins(stack.host) - before - asked;
        if (logins >= 2) break;
        spawnSync("sleep", ["1"]);
      }
      figures[`SSH logins during the fresh up of ${stack.host}`] = String(logins);
      expect(logins).toBe(2);
    }
    expect(onHost("vps1", `systemctl is-active ${GATEWAY}`).stdout.trim()).toBe("active");
    expect(JSON.parse(health().body)).toMatchObject({ ok: true });
    expect(onHost("vps1", "/usr/local/bin/node --version").stdout.trim()).toBe(`v${readVersions().nodeHost}`);
    expect(onHost("vps2", "systemctl is-active postgresql@17-main").stdout.trim()).toBe("active");
  });

  it("a second up of each stack changes nothing and opens no SSH session", () => {
    for (const stack of [vps2, vps1]) {
      const before = sshLogins(stack.host);
      const up = stack.up();
      figures[`no-op up ${stack.host}`] = seconds(up.seconds);
      const after = sshLogins(stack.host);
      const summary = changeSummary(up.stdout);
      expect(Object.keys(summary), up.stdout).toEqual(["unchanged"]);
      // `after` counts its own login: anything more came from pulumi.
      expect(after - before).toBe(1);
    }
  });

  it("sees hand edits in preview --refresh and puts them back with up --refresh, restarting each affected service once", () => {
    // An untouched host: a refresh finds nothing to change.
    for (const stack of [vps2, vps1]) {
      const refresh = stack.ok(["refresh", "--yes", "--skip-preview"]);
      expect(Object.keys(changeSummary(refresh.stdout)), refresh.stdout).toEqual(["unchanged"]);
    }
    const managed: Record<string, string[]> = {
      vps1: [
        "/etc/systemd/system/openclaw-gateway.service",
        "/etc/openclaw/gateway.env",
        "/etc/openclaw/openclaw.json",
        "/etc/promtail/journal.yaml",
      ],
      vps2: ["/etc/postgresql/17/main/pg_hba.conf"],
    };
    const snapshot = (host: string) =>
      onHost(host, `sha256sum ${managed[host].join(" ")} && stat -c '%n %a %U:%G' ${managed[host].join(" ")}`).stdout;
    const before = { vps1: snapshot("vps1"), vps2: snapshot("vps2") };

    const since = { vps1: hostNow("vps1"), vps2: hostNow("vps2") };
    const pgTimes = () => {
      const [started, loaded] = onHost(
        "vps2",
        `runuser -u postgres -- psql -XtA -F'|' -c 'SELECT pg_postmaster_start_time(), pg_conf_load_time()'`,
      )
        .stdout.trim()
        .split("|");
      return { started, loaded };
    };
    const pgBefore = pgTimes();
    onHost(
      "vps1",
      [
        "sed -i 's/^MemoryMax=.*/MemoryMax=3G/' /etc/systemd/system/openclaw-gateway.service",
        "echo 'HAND_EDIT=1' >> /etc/openclaw/gateway.env",
        "chmod 0644 /etc/openclaw/gateway.env",
        "echo >> /etc/openclaw/openclaw.json",
        "echo '# edited by hand' >> /etc/promtail/journal.yaml",
        "systemctl stop prometheus-node-exporter",
      ].join(" && "),
    );
    onHost("vps2", "echo '# edited by hand' >> /etc/postgresql/17/main/pg_hba.conf");

    const planned = { vps1: refreshPreview(vps1), vps2: refreshPreview(vps2) };
    console.log(`preview --refresh after the hand edits:\n${JSON.stringify(planned, null, 1)}`);
    // The edited files, and the units now running stale configuration or stopped.
    expect(planned.vps1).toEqual(
      [
        "vps1-gateway-config",
        "vps1-gateway-env",
        "vps1-gateway-unit",
        "vps1-logs-config",
        "vps1-logs-unit",
        "vps1-node-exporter-drop-in",
      ].map((name) => ({ op: "update", name })),
    );
    expect(planned.vps2).toEqual([{ op: "update", name: "vps2-postgres-hba" }]);

    for (const stack of [vps2, vps1]) {
      const up = stack.ok(["up", "--yes", "--skip-preview", "--refresh"]);
      figures[`up --refresh after hand edits ${stack.host}`] = seconds(up.seconds);
    }
    expect(snapshot("vps1")).toBe(before.vps1);
    expect(snapshot("vps2")).toBe(before.vps2);
    for (const unit of [GATEWAY, "promtail.service", "prometheus-node-exporter.service"]) {
      expect(startsSince("vps1", unit, since.vps1), unit).toBe(1);
    }
    // pg_hba.conf takes a reload, not a restart: the server's start time stays, its config load time moves.
    expect(startsSince("vps2", "postgresql@17-main.service", since.vps2)).toBe(0);
    const pgAfter = pgTimes();
    expect(pgAfter.started).toBe(pgBefore.started);
    expect(pgAfter.loaded).not.toBe(pgBefore.loaded);
    expect(health().ok).toBe(true);

    // Back in step: a plain up changes nothing and opens no SSH session.
    for (const stack of [vps2, vps1]) {
      const logins = sshLogins(stack.host);
      const up = stack.up();
      expect(Object.keys(changeSummary(up.stdout)), up.stdout).toEqual(["unchanged"]);
      expect(sshLogins(stack.host) - logins).toBe(1);
    }
  });

  it("psql from vps1 reaches the gateway database and pgvector; the host machine is refused (firewall), and pg_hba refuses vps2's other address", () => {
    expect(
      onHost("vps1", "DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-client >/dev/null && echo ok").stdout.trim(),
    ).toBe("ok");
    const r = psqlFromVps1("SELECT extversion FROM pg_extension WHERE extname='vector'");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    figures["pgvector"] = r.stdout.trim();

    // The machine running the sandbox is on the bridge too, but in no role: the firewall drops it.
    const dropped = require("child_process").spawnSync(
      "psql",
      ["-h", address.vps2, "-U", "openclaw", "-d", "openclaw", "-tAc", "SELECT 1"],
      { encoding: "utf8", env: { ...process.env, PGPASSWORD: DB_PASSWORD, PGSSLMODE: "require", PGCONNECT_TIMEOUT: "5" } },
    );
    expect(dropped.status).not.toBe(0);
    expect(dropped.stderr).toMatch(/timeout expired/);
    // Behind the firewall, pg_hba admits the gateway hosts only: vps2 itself, from its own
    // address (loopback traffic, which the firewall lets through), is refused.
    const refused = onHost("vps2", `PGPASSWORD=x PGSSLMODE=require psql -h ${priv.vps2} -U openclaw -d openclaw -tAc 'SELECT 1'`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(new RegExp(`no pg_hba\\.conf entry for host "${priv.vps2.replace(/\./g, "\\.")}"`));
  });

  it("runs promtail with /ready on both hosts, pushing to the derived Loki URL; node-exporter on both private addresses", () => {
    for (const host of ["vps1", "vps2"]) {
      expect(onHost(host, "systemctl is-active promtail").stdout.trim()).toBe("active");
      // On the private address: Prometheus on the observability host scrapes it there.
      expect(onHost(host, `curl -fsS http://${priv[host]}:9080/ready`).stdout).toMatch(/ready/i);
      expect(onHost(host, "cat /etc/promtail/journal.yaml").stdout).toContain(`http://${priv.vps2}:3100/loki/api/v1/push`);
      const metrics = curlOn(host, `http://${priv[host]}:9100/metrics`);
      expect(metrics.ok).toBe(true);
      expect(metrics.body).toMatch(/^node_exporter_build_info\{/m);
      // Only on the private address: not on loopback.
      expect(onHost(host, "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9100/metrics || true").stdout.trim()).toBe("000");
    }
  });

  it("installs cloudflared's unit with the token in a root-only 0600 file, switched off", () => {
    expect(onHost("vps1", "stat -c %a:%U:%G /etc/cloudflared/token").stdout.trim()).toBe("600:root:root");
    expect(onHost("vps1", "grep -cF -f - /etc/cloudflared/token", TUNNEL_TOKEN + "\n").stdout.trim()).toBe("1");
    expect(onHost("vps1", "systemctl cat cloudflared.service").stdout).toMatch(/--token-file/);
    expect(onHost("vps1", "systemctl is-enabled cloudflared.service || true").stdout.trim()).not.toBe("enabled");
  });

  it("one gateway.env value changed: preview shows only what it affects, up restarts the gateway once", () => {
    vps1.ok(["config", "set", "--path", "gateway.env.OPENCLAW_LOG_LEVEL", "debug"]);
    // The security audit too: gateway.env is part of what it judges.
    expect(vps1.previewSteps()).toEqual([
      { op: "update", name: "vps1-gateway-audit" },
      { op: "update", name: "vps1-gateway-env" },
      { op: "update", name: "vps1-gateway-unit" },
    ]);
    const before = onHost("vps1", `systemctl show -p InvocationID --value ${GATEWAY}`).stdout.trim();
    const since = onHost("vps1", "date '+%Y-%m-%d %H:%M:%S'").stdout.trim();
    vps1.up();
    const starts = onHost("vps1", `journalctl -q --no-pager -o cat -u ${GATEWAY} --since '${since}' | grep -c '^Started ' || true`);
    expect(Number(starts.stdout.trim())).toBe(1);
    expect(onHost("vps1", `systemctl show -p InvocationID --value ${GATEWAY}`).stdout.trim()).not.toBe(before);
    expect(onHost("vps1", "cat /etc/openclaw/gateway.env").stdout).toContain('OPENCLAW_LOG_LEVEL="debug"');
    expect(health().ok).toBe(true);
  });

  it("a settings change the release's security audit finds critical fails up naming the checkId; the running gateway and its file untouched", () => {
    const sha = () => onHost("vps1", "sha256sum /etc/openclaw/openclaw.json").stdout.split(" ")[0];
    const invocation = () => onHost("vps1", `systemctl show -p InvocationID --value ${GATEWAY}`).stdout.trim();
    const before = { sha: sha(), invocation: invocation() };
    // Webhook ingress at the root path, authenticated by the gateway's own token: critical twice over.
    // The token is a reference, not a secret: --plaintext, or pulumi refuses a value that looks like one.
    const hooks = { "hooks.enabled": ["true"], "hooks.path": ["/"], "hooks.token": ["--plaintext", "${OPENCLAW_GATEWAY_TOKEN}"] };
    const up = (() => {
      try {
        for (const [key, value] of Object.entries(hooks)) vps1.ok(["config", "set", "--path", `gateway.settings.${key}`, ...value]);
        return vps1.pulumi(["up", "--yes", "--skip-preview"]);
      } finally {
        // Whatever happened, the stack goes back to its settings: later tests deploy it.
        vps1.pulumi(["config", "rm", "--path", "gateway.settings.hooks"]);
      }
    })();
    const out = up.stdout + up.stderr;
    expect(up.code, out).not.toBe(0);
    expect(out).toMatch(/critical hooks\.token_reuse_gateway_token: /);
    expect(out).toMatch(/critical hooks\.path_root: /);
    expect(out).toContain("the running openclaw.json stays");
    expect({ sha: sha(), invocation: invocation() }).toEqual(before);
    expect(health().ok).toBe(true);
    // The refused step kept its old state: with the setting gone, nothing to do.
    expect(vps1.previewSteps()).toEqual([]);
  });

  it("keeps every secret out of state, output, process lists and files others can read", () => {
    for (const stack of [vps1, vps2]) {
      const exported = stack.ok(["stack", "export"]).stdout;
      for (const secret of SECRETS) expect(exported).not.toContain(secret);
    }
    // Control: with secrets shown, the export does contain them, so the search works.
    const revealed = vps1.ok(["stack", "export", "--show-secrets"], undefined, false).stdout;
    expect(revealed).toContain(GATEWAY_TOKEN);
    expect(revealed).toContain(DB_PASSWORD);

    // Watch both process lists while updates rewrite gateway.env and restart the gateway.
    const watch = "nohup bash -c 'for i in $(seq 1 900); do ps -eww -o args; sleep 0.2; done' > /root/ps.log 2>&1 &";
    onHost("vps1", watch);
    onHost("vps2", watch);
    vps1.ok(["config", "set", "--path", "gateway.env.OPENCLAW_LOG_LEVEL", "info"]);
    vps1.up();
    vps2.up();
    for (const host of ["vps1", "vps2"]) {
      onHost(host, "pkill -f 'seq 1 900' || true");
      expect(Number(onHost(host, "wc -l < /root/ps.log").stdout.trim())).toBeGreaterThan(20);
      expect(onHost(host, "grep -cF -f - /root/ps.log || true", SECRETS.join("\n") + "\n").stdout.trim()).toBe("0");
    }

    const transcript = [vps1, vps2].map((s) => s.transcript.join("\n")).join("\n");
    for (const secret of SECRETS) expect(transcript).not.toContain(secret);
    expect(secretsReadableByOthers("vps1")).toBe("");
    expect(secretsReadableByOthers("vps2")).toBe("");
    // Control: root finds the token in gateway.env, which is 0600 root.
    expect(onHost("vps1", "grep -lF -f - /etc/openclaw/gateway.env", GATEWAY_TOKEN + "\n").stdout.trim()).toBe("/etc/openclaw/gateway.env");
    expect(onHost("vps1", "stat -c %a:%U /etc/openclaw/gateway.env").stdout.trim()).toBe("600:root");
  });

  it("scores every shipped unit with systemd-analyze security: gateway at most 2.0, none above 5.0", () => {
    // Every unit the registry places for this file's stacks, none listed by hand (the second gateway
    // instance's are scored on the shared deployment, gateway-config.test.ts).
    const units = [vps2, vps1].flatMap((stack) =>
      hostUnits(readStackConfig(stack.configFile)).map((u): [string, string] => [u.host, u.unit]),
    );
    expect(units.length).toBeGreaterThanOrEqual(7);
    const EXPOSURE = /Overall exposure level for \S+: ([\d.]+) (\S+)/;
    const rows: string[] = [];
    const scores: Record<string, number> = {};
    for (const [host, unit] of units) {
      const r = onHost(host, `systemd-analyze security --no-pager ${unit}`);
      const m = must(r.stdout.match(EXPOSURE), `exposure level of ${host} ${unit}: ${r.stdout}${r.stderr}`);
      scores[`${host} ${unit}`] = Number(m[1]);
      rows.push(`  ${host}  ${unit.padEnd(34)} ${m[1].padStart(4)} ${m[2]}`);
    }
    // Baseline in the same run: the gateway unit as seed 001's runbook writes it.
    const seed = fs.readFileSync(path.join(REPO, "..", "shared", "seeds", "001_3b363357e1a21e08.txt"), "utf8");
    const seedUnit = must(seed.match(/openclaw-gateway\.service`\)\s*```ini\n([\s\S]*?)```/), "the gateway unit in seed 001")[1];
    const r = onHost(
      "vps1",
      "cat > /etc/systemd/system/seed001-gateway.service && systemctl daemon-reload && systemd-analyze security --no-pager seed001-gateway.service; " +
        "rm -f /etc/systemd/system/seed001-gateway.service; systemctl daemon-reload",
      seedUnit,
    );
    const seedScore = must(r.stdout.match(EXPOSURE), `exposure level of seed 001's unit: ${r.stdout}${r.stderr}`);
    rows.push(`  vps1  ${"seed 001's gateway unit (baseline)".padEnd(34)} ${seedScore[1].padStart(4)} ${seedScore[2]}`);
    console.log(`systemd-analyze security:\n${rows.join("\n")}`);
    figures["systemd-analyze security"] = "\n" + rows.join("\n");
    expect(scores[`vps1 ${GATEWAY}`]).toBeLessThanOrEqual(2.0);
    expect(scores[`vps1 ${GATEWAY}`]).toBeLessThan(Number(seedScore[1]));
    for (const [unit, score] of Object.entries(scores)) expect(score, unit).toBeLessThanOrEqual(5.0);
  });

  it("a changed private address changes exactly the dependent resources on both stacks, in preview", () => {
    const key = "topology.hosts.vps2.privateAddress";
    for (const stack of [vps1, vps2]) stack.ok(["config", "set", "--path", key, sandboxPrivateAddress("10.231.0.99")]);
    const planned = { vps1: vps1.previewSteps(), vps2: vps2.previewSteps() };
    for (const stack of [vps1, vps2]) stack.ok(["config", "set", "--path", key, priv.vps2]);
    console.log(`preview after moving vps2's private address:\n${JSON.stringify(planned, null, 1)}`);
    // vps1: the OTLP endpoints (openclaw.json), DATABASE_URL (gateway.env), so the security
    // audit of both and a restart of the gateway; the Loki URL and the IP allow-list of the log
    // agent's unit; blackbox's allow-list (only Prometheus's address may scrape it); the
    // firewall's rules (the observability host's address may scrape), loaded and confirmed. Not
    // the backups: over WireGuard they reach vps2's sshd at its public address.
    expect(planned.vps1).toEqual(
      [
        "vps1-blackbox-drop-in",
        "vps1-firewall-confirm",
        "vps1-firewall-rules",
        "vps1-gateway-audit",
        "vps1-gateway-config",
        "vps1-gateway-env",
        "vps1-gateway-unit",
        "vps1-logs-config",
        "vps1-logs-unit",
      ].map((name) => ({ op: "update", name })),
    );
    // vps2: everything that listens on the private address or points at a peer there, the
    // firewall's rules, and its WireGuard interface (a restart) and entry on vps1.
    expect(planned.vps2).toEqual(
      [
        "vps2-alertmanager-args",
        "vps2-alertmanager-drop-in",
        "vps2-firewall-confirm",
        "vps2-firewall-rules",
        "vps2-grafana-datasources",
        "vps2-grafana-ini",
        "vps2-logs-config",
        "vps2-logs-unit",
        "vps2-loki-config",
        "vps2-loki-unit",
        "vps2-node-exporter-args",
        "vps2-node-exporter-drop-in",
        "vps2-otel-collector-config",
        "vps2-otel-collector-unit",
        "vps2-pgbackrest-exporter-args",
        "vps2-pgbackrest-exporter-drop-in",
        "vps2-postgres-conf",
        "vps2-postgres-exporter-args",
        "vps2-postgres-exporter-drop-in",
        "vps2-prometheus-args",
        "vps2-prometheus-config",
        "vps2-prometheus-drop-in",
        "vps2-tempo-config",
        "vps2-tempo-unit",
        "vps2-wireguard-config",
        "vps2-wireguard-drop-in",
        "vps2-wireguard-peer-on-vps1",
      ].map((name) => ({ op: "update", name })),
    );
    // Back where it was: nothing to do.
    expect(vps1.previewSteps()).toEqual([]);
    expect(vps2.previewSteps()).toEqual([]);
  });

  it("keeps a row across destroy and up of vps2", () => {
    const write = psqlFromVps1("CREATE TABLE IF NOT EXISTS survival (note text); INSERT INTO survival VALUES ('written before destroy')");
    expect(write.code, write.stderr).toBe(0);
    const timeline = () =>
      onHost("vps2", `runuser -u postgres -- psql -XtAc "SELECT timeline_id FROM pg_control_checkpoint()"`).stdout.trim();
    const timelineBefore = timeline();
    expect(timelineBefore).toMatch(/^\d+$/);
    const destroy = vps2.ok(["destroy", "--yes", "--skip-preview"]);
    figures["destroy vps2"] = seconds(destroy.seconds);
    figures["up vps2 over the kept data"] = seconds(vps2.up().seconds);
    const read = psqlFromVps1("SELECT note FROM survival");
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim()).toBe("written before destroy");
    // The kept data directory was used as it was, not restored over: a restore ends its
    // recovery on a new timeline.
    expect(timeline()).toBe(timelineBefore);
  });

  it("destroy of vps1 removes the gateway's unit, files and user; up rebuilds a healthy gateway", () => {
    vps1.ok(["destroy", "--yes", "--skip-preview"]);
    const status = onHost("vps1", `systemctl status ${GATEWAY} 2>&1; echo "exit=$?"`);
    expect(status.stdout).toMatch(/could not be found/);
    const ls = onHost(
      "vps1",
      "ls -d /etc/openclaw /opt/openclaw /etc/systemd/system/openclaw-gateway.service /opt/node-v* /etc/cloudflared 2>&1 || true",
    );
    for (const gone of ["/etc/openclaw", "/opt/openclaw", "openclaw-gateway.service", "/opt/node-v\\*", "/etc/cloudflared"]) {
      expect(ls.stdout).toMatch(new RegExp(`${gone}': No such file`));
    }
    expect(onHost("vps1", "id openclaw").code).not.toBe(0);
    console.log(`after destroy, on vps1:\n${status.stdout}\n${ls.stdout}`);

    figures["rebuild up vps1 after destroy"] = seconds(vps1.up().seconds);
    expect(health().ok).toBe(true);
  });

  it("sshd hardened by its drop-in (checked by sshd -t, applied by a reload): passwords refused, no forwarding but local, the deploy's key still in", () => {
    const effective = () =>
      onHost(
        "vps1",
        "sshd -T | grep -E '^(passwordauthentication|permitrootlogin|x11forwarding|allowagentforwarding|allowtcpforwarding) ' | sort",
      )
        .stdout.trim()
        .split("\n");
    // On since the first deploy (the sandbox's options); a changed option is checked and reloaded.
    const maxAuthTries = () => onHost("vps1", "sshd -T | grep '^maxauthtries '").stdout.trim();
    expect(maxAuthTries()).toBe("maxauthtries 3");
    vps1.ok(["config", "set", "--path", "sshd.maxAuthTries", "4"]);
    const up = vps1.up();
    expect(up.stdout + up.stderr).not.toContain("sshd -t rejects");
    expect(maxAuthTries()).toBe("maxauthtries 4");
    expect(effective()).toEqual([
      "allowagentforwarding no",
      "allowtcpforwarding local",
      "passwordauthentication no",
      "permitrootlogin without-password",
      "x11forwarding no",
    ]);
    const password = require("child_process").spawnSync(
      "ssh",
      [
        "-o",
        "BatchMode=yes",
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
      ].concat(["-o", "ConnectTimeout=5", `root@${address.vps1}`, "true"]),
      { encoding: "utf8" },
    );
    expect(password.stderr).toContain("Permission denied (publickey).");
    expect(onHost("vps1", "true").code).toBe(0);
    expect(refreshPreview(vps1)).toEqual([]);
  });

  it("security updates: unattended-upgrade takes the security archive only and reboots nothing by itself", () => {
    const started = Date.now();
    const r = onHost("vps1", "unattended-upgrade --dry-run --verbose 2>&1");
    figures["unattended-upgrade --dry-run on vps1"] = seconds((Date.now() - started) / 1000);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.match(/Allowed origins are: (.*)/)?.[1]).toBe(
      "origin=Debian,codename=trixie,label=Debian-Security, origin=Debian,codename=trixie-security,label=Debian-Security",
    );
    expect(onHost("vps1", "apt-config dump Unattended-Upgrade::Automatic-Reboot").stdout.trim()).toBe(
      'Unattended-Upgrade::Automatic-Reboot "false";',
    );
  });

  it("the firewall: a full TCP scan from the sandbox's host finds only SSH, UDP only WireGuard from the hosts, vps1 cannot reach Prometheus, every scrape target is up, a hand nft change is repaired", async () => {
    const since = Date.now() / 1000;
    // Every TCP port of each host, scanned from the sandbox's host (in no role of the topology),
    // beside the ports the host listens on.
    const started = Date.now();
    const open = openTcpPorts([address.vps1, address.vps2]);
    figures["full TCP scan of both hosts (nmap -p-)"] = seconds((Date.now() - started) / 1000);
    for (const host of ["vps1", "vps2"] as const) {
      const listening = onHost(host, "ss -tlnH | awk '{print $4}' | sed 's/.*://' | sort -un | paste -sd, -").stdout.trim();
      figures[`${host}: TCP ports listening`] = listening;
      figures[`${host}: TCP ports open to the sandbox's host`] = open[address[host]].join(", ");
      expect(listening.split(",").length).toBeGreaterThan(3);
      expect(open[address[host]]).toEqual([22]);
      // UDP: a scan cannot tell a dropped port from an open one that does not answer, so the
      // host says it: WireGuard's is the one UDP socket, and the rule set opens it to the
      // topology's hosts alone (this machine, not among them, is dropped).
      const udp = onHost(host, "ss -ulnH | awk '{print $4}' | sed 's/.*://' | sort -u").stdout.trim();
      figures[`${host}: UDP ports listening`] = udp;
      expect(udp).toBe("51820");
      expect(onHost(host, "nft list table inet openclaw_infra | grep 'udp dport'").stdout.trim()).toBe(
        `ip saddr { ${address.vps1}, ${address.vps2} } udp dport 51820 accept`,
      );
      expect(onHost(host, "nft list table inet openclaw_infra | grep -c 'policy drop'").stdout.trim()).toBe("1");
    }
    // From vps1 (a peer, not the observability host): no query to Prometheus, no silence at Alertmanager.
    expect(onHost("vps1", `curl -sS --max-time 3 -o /dev/null http://${priv.vps2}:9090/api/v1/query?query=up`).code).not.toBe(0);
    const silence = JSON.stringify({
      matchers: [{ name: "alertname", value: ".+", isRegex: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      createdBy: "vps1",
      comment: "everything",
    });
    const silenced = onHost(
      "vps1",
      `curl -sS --max-time 3 -H 'Content-Type: application/json' -d @- http://${priv.vps2}:9093/api/v2/silences`,
      silence,
    );
    expect(silenced.code, silenced.stdout).not.toBe(0);
    expect(silenced.stderr).toMatch(/timed out/i);

    // Prometheus on vps2 scrapes every target, on both hosts, through the rules.
    const targets = await scrapedSince(since);
    expect(targets.filter((t) => t.health !== "up").map((t) => t.scrapeUrl)).toEqual([]);
    expect(targets.length).toBeGreaterThan(5);

    // A hand change of the kernel's rules: seen by refresh, put back by up --refresh.
    onHost("vps1", "nft flush ruleset");
    // The rules step loads them again, armed to be restored, and the confirm step follows it.
    expect(refreshPreview(vps1)).toEqual([
      { op: "update", name: "vps1-firewall-confirm" },
      { op: "update", name: "vps1-firewall-rules" },
    ]);
    vps1.ok(["up", "--yes", "--skip-preview", "--refresh"]);
    expect(refreshPreview(vps1)).toEqual([]);
    expect(await probe(address.vps1, 9100)).toBe("dropped");
  });

  it("WireGuard carries the private network: a capture on the sandbox's bridge during a log push holds WireGuard's packets between the hosts, and no plaintext", async () => {
    // The bridge's interface on this machine: the one holding the sandbox's bridge address.
    const bridge = must(
      run("ip", ["-o", "-4", "addr", "show", "to", `${sandboxInfo().bridge}/32`]).stdout.split(/\s+/)[1],
      "the sandbox bridge's interface",
    );
    const pcap = path.join(backend, "bridge.pcap");
    // --immediate-mode: each packet handed over as it comes (else libpcap holds them in a block
    // until it fills or times out, and a quick push can end the capture with none written).
    const dump = spawn("tcpdump", [
      "-i",
      bridge,
      "-n",
      "-U",
      "--immediate-mode",
      "-w",
      pcap,
      `ip and host ${address.vps1} and host ${address.vps2}`,
    ]);
    let dumpLog = "";
    dump.stderr.on("data", (chunk) => (dumpLog += chunk));
    const stopped = new Promise((resolve) => dump.on("close", resolve));
    // The capture counts only once tcpdump says it is listening: under load its start takes a while.
    for (let waited = 0; !dumpLog.includes("listening on") && waited < 20_000; waited += 200) await sleep(200);
    expect(dumpLog, "tcpdump did not start listening").toContain("listening on");
    // A journal line on vps1, pushed by its log agent to Loki on vps2's private address.
    const marker = `capture-${randomBytes(6).toString("hex")}`;
    onHost("vps1", `logger -t capture-test ${marker}`);
    const query = `query=${encodeURIComponent(`{host="vps1"} |= "${marker}"`)}&start=${(Date.now() - 60_000) * 1e6}`;
    let arrived = false;
    for (let tries = 0; tries < 30 && !arrived; tries++) {
      arrived = onHost("vps2", `curl -fsS 'http://${priv.vps2}:3100/loki/api/v1/query_range?${query}'`).stdout.includes(marker);
      if (!arrived) await sleep(1000);
    }
    dump.kill("SIGINT");
    await stopped;
    expect(arrived).toBe(true);
    const read = run("tcpdump", ["-n", "-r", pcap]);
    const packets = read.stdout.trim().split("\n").filter(Boolean);
    // tcpdump's own account ("N packets captured") explains an empty capture.
    expect(packets.length, `tcpdump: ${dumpLog.trim()} ${read.stderr.trim()}`).toBeGreaterThan(0);
    const between = (port: number, protocol: string) =>
      packets.filter((p) => p.includes(`.${port} `) || p.includes(`.${port}:`)).filter((p) => p.includes(protocol));
    const wireguard = between(51820, "UDP");
    // SSH carries the backups (pgBackRest's WAL archive on vps1), encrypted on its own.
    const ssh = between(22, "Flags");
    figures["capture during a log push: packets between the hosts"] =
      `${packets.length} (WireGuard ${wireguard.length}, SSH ${ssh.length}, other ${packets.length - wireguard.length - ssh.length})`;
    expect(wireguard.length).toBeGreaterThan(0);
    expect(packets.filter((p) => !wireguard.includes(p) && !ssh.includes(p))).toEqual([]);
    // No plaintext: neither the line nor Loki's push path is in any packet.
    const ascii = run("tcpdump", ["-n", "-A", "-r", pcap]).stdout;
    expect(ascii).not.toContain(marker);
    expect(ascii).not.toContain("/loki/api/v1/push");
  });

  it("a rule set that shuts the deploy out of SSH fails the up naming it, and the host restores the one it had by itself", async () => {
    // SSH only from a network the sandbox's host is not in (the topology's hosts keep theirs).
    vps1.ok(["config", "set", "--path", "firewall.sshFrom[0]", "192.0.2.0/24"]);
    const started = Date.now();
    const up = vps1.pulumi(["up", "--yes", "--skip-preview"]);
    const out = up.stdout + up.stderr;
    expect(up.code, out).not.toBe(0);
    expect(out).toContain("confirm the rule set of /etc/nftables.conf (table inet openclaw_infra) over a new SSH connection");
    figures["lockout: up failed after"] = seconds((Date.now() - started) / 1000);
    // A new SSH connection gets in again once the host restored the rule set it had.
    let back = false;
    for (let tries = 0; tries < 30 && !back; tries++) back = onHost("vps1", "true").code === 0;
    figures["lockout: SSH answers again after"] = seconds((Date.now() - started) / 1000);
    expect(back).toBe(true);
    expect(onHost("vps1", "nft list table inet openclaw_infra").stdout).not.toContain("192.0.2.0/24");

    vps1.ok(["config", "set", "--path", "firewall.sshFrom[0]", "0.0.0.0/0"]);
    vps1.up();
    expect(refreshPreview(vps1)).toEqual([]);
  });

  it("a reboot of both hosts keeps the rules, the WireGuard link and the services: private listeners dropped, the gateway healthy, every target up, nothing to do", async () => {
    const rebooted = sandbox("reboot", "all");
    const since = Date.now() / 1000;
    figures["reboot of both hosts (orderly poweroff, boot, SSH answers)"] = seconds(rebooted.seconds);
    let healthy = false;
    for (let tries = 0; tries < 90 && !healthy; tries++) {
      healthy = health().ok;
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    figures["reboot: the gateway healthy after"] = seconds(Date.now() / 1000 - since + rebooted.seconds);
    expect(healthy).toBe(true);
    // The rules came back with the boot (nftables.service): a private listener is dropped again.
    for (const host of ["vps1", "vps2"] as const) {
      expect(onHost(host, "nft list table inet openclaw_infra | grep -c 'policy drop'").stdout.trim()).toBe("1");
      expect(await probe(address[host], 9100)).toBe("dropped");
    }
    // The WireGuard link is back: a handshake since the boot, and vps1 reaches vps2's private address.
    expect(Number(onHost("vps1", "wg show wg0 latest-handshakes | awk '{print $2}'").stdout.trim())).toBeGreaterThan(since - 5);
    expect(onHost("vps1", `timeout 5 bash -c 'exec 3<>/dev/tcp/${priv.vps2}/22; head -c 7 <&3'`).stdout).toBe("SSH-2.0");
    const targets = await scrapedSince(since);
    expect(targets.filter((t) => t.health !== "up").map((t) => t.scrapeUrl)).toEqual([]);
    // The metric starts at 0 again: /run (and its reboot-required flag) is new at each boot.
    // Written by a oneshot unit at boot: waited for, a few seconds at most.
    const metric = "/var/lib/prometheus/node-exporter/openclaw-reboot-required.prom";
    expect(
      onHost("vps1", `for i in $(seq 30); do grep -q . ${metric} 2>/dev/null && break; sleep 1; done; cat ${metric}`).stdout,
    ).toContain("openclaw_reboot_required 0");
    expect({ vps1: refreshPreview(vps1), vps2: refreshPreview(vps2) }).toEqual({ vps1: [], vps2: [] });
  });
});
