// vps1 on a real Debian 13 host (systemd-nspawn) with the real Pulumi engine and the real
// openclaw gateway: fresh up, no-op up, one change, secrets, hardening, destroy and rebuild.
import { randomBytes } from "crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeSummary, onHost, sandbox, sandboxInfo, SandboxStack } from "./harness";

const HOST = "vps1";
const TOKEN = randomBytes(24).toString("hex");
const UNIT = "openclaw-gateway.service";
let stack: SandboxStack;
let address: string;

/** Figures for the closing note: printed, never asserted. */
const figures: Record<string, string> = {};

function health(): { ok: boolean; body: string } {
  try {
    const r = require("child_process").spawnSync("curl", ["-fsS", "--max-time", "5", `http://${address}:18789/health`], { encoding: "utf8" });
    return { ok: r.status === 0, body: r.stdout };
  } catch {
    return { ok: false, body: "" };
  }
}

/** SSH logins the host has accepted so far (this check's own login included). */
function sshLogins(): number {
  const r = onHost(HOST, "journalctl -q --no-pager -o cat _COMM=sshd-session _COMM=sshd | grep -c 'Accepted publickey' || true");
  return Number(r.stdout.trim());
}

/** Files containing the token that the unprivileged user `nobody` can read. */
function tokenReadableByOthers(): string {
  // The token reaches grep on stdin, never as an argument.
  const r = onHost(
    HOST,
    "runuser -u nobody -- grep -rlsF -f - --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev / || true",
    TOKEN + "\n",
  );
  return r.stdout.trim();
}

beforeAll(() => {
  address = sandboxInfo().hosts[HOST].address;
  const reset = sandbox("reset", HOST);
  figures["sandbox reset"] = reset.seconds.toFixed(1) + " s";
  stack = new SandboxStack(HOST);
  stack.init(TOKEN);
});

afterAll(() => {
  console.log("\nvps1 integration figures:\n" + Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join("\n"));
  stack?.cleanup();
});

describe("vps1 on a blank sandbox host", () => {
  it("fresh up: gateway active and healthy", () => {
    const up = stack.up();
    figures["fresh up"] = up.seconds.toFixed(1) + " s";
    expect(onHost(HOST, `systemctl is-active ${UNIT}`).stdout.trim()).toBe("active");
    const h = health();
    expect(h.ok).toBe(true);
    expect(JSON.parse(h.body)).toMatchObject({ ok: true });
    expect(onHost(HOST, "/usr/local/bin/node --version").stdout.trim()).toMatch(/^v22\.\d+\.\d+$/);
  });

  it("second up with nothing changed: zero changes and no SSH session", () => {
    const before = sshLogins();
    const up = stack.up();
    figures["no-op up"] = up.seconds.toFixed(1) + " s";
    const after = sshLogins();
    expect(changeSummary(up.stdout)).toEqual({ unchanged: 11 });
    // `after` counts its own login: anything more came from pulumi.
    expect(after - before).toBe(1);
  });

  it("one config value changed: preview shows only what it affects, up restarts once", () => {
    stack.ok(["config", "set", "--path", "gateway.env.OPENCLAW_LOG_LEVEL", "debug"]);
    const steps = stack.previewSteps();
    expect(steps).toEqual([
      { op: "update", name: "vps1-gateway-env" },
      { op: "update", name: "vps1-gateway-unit" },
    ]);
    const pidBefore = onHost(HOST, `systemctl show -p InvocationID --value ${UNIT}`).stdout.trim();
    const since = onHost(HOST, "date '+%Y-%m-%d %H:%M:%S'").stdout.trim();
    stack.up();
    const starts = onHost(HOST, `journalctl -q --no-pager -o cat -u ${UNIT} --since '${since}' | grep -c '^Started ' || true`);
    expect(Number(starts.stdout.trim())).toBe(1);
    expect(onHost(HOST, `systemctl show -p InvocationID --value ${UNIT}`).stdout.trim()).not.toBe(pidBefore);
    expect(onHost(HOST, "cat /etc/openclaw/gateway.env").stdout).toContain('OPENCLAW_LOG_LEVEL="debug"');
    expect(health().ok).toBe(true);
  });

  it("keeps the gateway token out of state, output, process list and readable files", () => {
    const exported = stack.ok(["stack", "export"]).stdout;
    expect(exported).not.toContain(TOKEN);
    // Control: the same export with secrets shown does contain it, so the search works.
    expect(stack.ok(["stack", "export", "--show-secrets"], undefined, false).stdout).toContain(TOKEN);

    // Watch the process list on the host while an update rewrites and restarts everything.
    onHost(HOST, "nohup bash -c 'for i in $(seq 1 900); do ps -eww -o args; sleep 0.2; done' > /root/ps.log 2>&1 &");
    stack.ok(["config", "set", "--path", "gateway.env.OPENCLAW_LOG_LEVEL", "info"]);
    stack.up();
    onHost(HOST, "pkill -f 'seq 1 900' || true");
    const psHits = onHost(HOST, "grep -cF -f - /root/ps.log || true", TOKEN + "\n");
    expect(Number(psHits.stdout.trim())).toBe(0);
    expect(Number(onHost(HOST, "wc -l < /root/ps.log").stdout.trim())).toBeGreaterThan(20);

    expect(stack.transcript.join("\n")).not.toContain(TOKEN);
    expect(tokenReadableByOthers()).toBe("");
    // Control: root can find it in gateway.env, at mode 0600.
    expect(onHost(HOST, "grep -lF -f - /etc/openclaw/gateway.env", TOKEN + "\n").stdout.trim()).toBe("/etc/openclaw/gateway.env");
    expect(onHost(HOST, "stat -c %a:%U /etc/openclaw/gateway.env").stdout.trim()).toBe("600:root");
  });

  it("hardens the unit: systemd-analyze security at most 2.0", () => {
    const r = onHost(HOST, `systemd-analyze security --no-pager ${UNIT}`);
    const m = r.stdout.match(/Overall exposure level for \S+: ([\d.]+) (\S+)/);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    figures["systemd-analyze security"] = `${m![1]} ${m![2]}`;
    console.log(r.stdout);
    expect(Number(m![1])).toBeLessThanOrEqual(2.0);
  });

  it("refuses at preview an openclaw release the runtime's Node cannot run", () => {
    stack.ok(["config", "set", "--path", "gateway.version", "2026.9.3"]);
    const r = stack.pulumi(["preview"]);
    stack.ok(["config", "rm", "--path", "gateway.version"]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("openclaw@2026.9.3 needs node >=24.16");
  });

  it("destroy removes unit, files and user; up rebuilds a healthy gateway", () => {
    stack.ok(["destroy", "--yes", "--skip-preview"]);
    const status = onHost(HOST, `systemctl status ${UNIT} 2>&1; echo "exit=$?"`);
    expect(status.stdout).toMatch(/could not be found/);
    const ls = onHost(HOST, "ls -d /etc/openclaw /opt/openclaw /etc/systemd/system/openclaw-gateway.service /opt/node-v* 2>&1 || true");
    expect(ls.stdout).toMatch(/\/etc\/openclaw': No such file/);
    expect(ls.stdout).toMatch(/\/opt\/openclaw': No such file/);
    expect(ls.stdout).toMatch(/openclaw-gateway.service': No such file/);
    expect(ls.stdout).toMatch(/\/opt\/node-v\*': No such file/);
    expect(onHost(HOST, "id openclaw").code).not.toBe(0);
    console.log(`after destroy, on ${HOST}:\n${status.stdout}\n${ls.stdout}`);

    const up = stack.up();
    figures["rebuild up after destroy"] = up.seconds.toFixed(1) + " s";
    expect(health().ok).toBe(true);
  });
});
