// The security audit gate: the judge of `openclaw security audit --json` run by real node on
// reports shaped as the release prints them, the script that runs the audit, and the accepted
// findings rendered as the release's suppressions.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { auditReport, renderAuditScript, renderConfig, renderEnv } from "../../../components/gateway-service/render";
import { gatewayOptionsSchema } from "../../../components/gateway-service/schema";

/** The Node a release is planned on, as NodeRuntime reports it. */
const NODE = { version: "24.22.3", path: "/usr/local/bin/node" };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-judge-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The judge as the audit script runs it: `node -e <judge> <report> <status> <stderr>`. */
function judge(report: string, status = 0, stderr = "") {
  const script = renderAuditScript(gatewayOptionsSchema.parse({}), NODE);
  const source = /node' -e '([\s\S]*?)' "\$work/.exec(script)?.[1].replace(/'\\''/g, "'");
  if (!source) throw new Error("the audit script does not run the judge with node -e");
  fs.writeFileSync(path.join(dir, "report.json"), report);
  fs.writeFileSync(path.join(dir, "stderr"), stderr);
  return spawnSync(process.execPath, ["-e", source, path.join(dir, "report.json"), String(status), path.join(dir, "stderr")], {
    encoding: "utf8",
  });
}

const finding = (severity: string, checkId: string) => ({
  checkId,
  severity,
  title: `title of ${checkId}`,
  detail: "detail",
  remediation: `remedy for ${checkId}`,
});

describe("the audit judge (real node)", () => {
  it("fails on a critical finding, one line each naming its checkId, title and remediation", () => {
    const report = {
      summary: { critical: 1, warn: 1, info: 0 },
      findings: [finding("critical", "gateway.control_ui.allowed_origins_required"), finding("warn", "w.one")],
    };
    const r = judge(JSON.stringify(report), 1);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "critical gateway.control_ui.allowed_origins_required: title of gateway.control_ui.allowed_origins_required. Fix: remedy for gateway.control_ui.allowed_origins_required",
      "the running openclaw.json stays; accept a finding only with a reason, in gateway.audit.accept.<checkId>",
    ]);
  });
  it("passes with warnings, and its notes on secret references, as the last line for the deploy to show", () => {
    const report = {
      summary: { critical: 0, warn: 1, info: 1 },
      findings: [finding("info", "i.one"), finding("warn", "gateway.auth_no_rate_limit")],
      secretDiagnostics: ["models.providers.x.apiKey: env var X is not set"],
    };
    const r = judge(`${JSON.stringify(report, null, 2)}\n`);
    expect(r.status, r.stderr).toBe(0);
    const last = r.stdout.trimEnd().split("\n").pop();
    expect(auditReport(last)).toEqual({
      warnings: [{ checkId: "gateway.auth_no_rate_limit", title: "title of gateway.auth_no_rate_limit" }],
      notes: ["models.providers.x.apiKey: env var X is not set"],
    });
  });
  it("passes a clean report with no warnings", () => {
    const r = judge(JSON.stringify({ summary: { critical: 0, warn: 0, info: 0 }, findings: [] }));
    expect(r.status).toBe(0);
    expect(auditReport(r.stdout.trim())).toEqual({ warnings: [], notes: [] });
  });
  it("fails when the audit printed no report, with the audit's exit status and its last words", () => {
    const r = judge("", 2, "Error: config is not valid\n  at agents.defaults\n");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("openclaw security audit printed no report (exit status 2):\nError: config is not valid\n  at agents.defaults\n");
  });
});

describe("the audit step's script", () => {
  it("audits a 0600 copy as the gateway's user with the unit's variables and gateway.env, with the release being deployed on its Node", () => {
    const script = renderAuditScript(gatewayOptionsSchema.parse({ version: "2026.6.12" }), NODE);
    expect(script).toContain(`(umask 077; cat > "$work/config/openclaw.json")`);
    expect(script).toContain("set -a; . '/etc/openclaw/gateway.env'; set +a");
    expect(script).toContain(
      `runuser -u openclaw -- env 'PATH=/opt/openclaw/2026.6.12+node24.22.3/node/bin:/usr/local/bin:/usr/bin:/bin' 'HOME=/var/lib/openclaw' ` +
        `'OPENCLAW_STATE_DIR=/var/lib/openclaw' OPENCLAW_CONFIG_PATH="$work/config/openclaw.json" 'NODE_ENV=production' 'OPENCLAW_NIX_MODE=1' ` +
        `'/opt/openclaw/2026.6.12+node24.22.3/bin/openclaw' security audit --json`,
    );
    expect(script).toContain(`'/opt/openclaw/2026.6.12+node24.22.3/node/bin/node' -e '`);
    const bash = spawnSync("bash", ["-n", "-c", script], { encoding: "utf8" });
    expect(bash.status, bash.stderr).toBe(0);
  });
  it("warnings are none when the step printed something other than the judge's line", () => {
    expect(auditReport(undefined)).toEqual({ warnings: [], notes: [] });
    expect(auditReport("wrote /etc/openclaw/openclaw.json")).toEqual({ warnings: [], notes: [] });
  });
});

describe("accepted findings", () => {
  it("become the release's security.audit.suppressions, sorted by checkId, each with its reason", () => {
    const s = gatewayOptionsSchema.parse({
      audit: { accept: { "gateway.trusted_proxies_missing": "behind cloudflared only", "fs.state_dir.perms": "shared volume" } },
      settings: { security: { audit: {} } },
    });
    expect(JSON.parse(renderConfig(s)).security).toEqual({
      audit: {
        suppressions: [
          { checkId: "fs.state_dir.perms", reason: "shared volume" },
          { checkId: "gateway.trusted_proxies_missing", reason: "behind cloudflared only" },
        ],
      },
    });
    expect(JSON.parse(renderConfig(gatewayOptionsSchema.parse({}))).security).toBeUndefined();
  });
  it("are set by gateway.audit.accept alone: suppressions in settings are refused naming it", () => {
    const r = gatewayOptionsSchema.safeParse({ settings: { security: { audit: { suppressions: [] } } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "settings.security.audit.suppressions: is derived: set by the option gateway.audit.accept, not in gateway.settings",
    ]);
  });
  it("need a reason and a checkId", () => {
    const r = gatewayOptionsSchema.safeParse({ audit: { accept: { "bad id!": "" } } });
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "audit.accept.bad id!: must give the reason it is accepted",
      "audit.accept.bad id!: must be an audit checkId like gateway.auth_no_rate_limit",
    ]);
  });
});

describe("gateway.env", () => {
  it("reads the same under systemd's rules and under the shell that sources it for the audit (real bash)", () => {
    const values = { A: 'quote " and \\ back', B: "dollar $HOME and `date` and $(id)", C: "plain" };
    const file = path.join(dir, "gateway.env");
    fs.writeFileSync(file, renderEnv(values));
    const r = spawnSync("bash", ["-euc", `set -a; . ${file}; set +a; printf '%s\\n' "$A" "$B" "$C"`], { encoding: "utf8" });
    expect(r.stdout.trimEnd().split("\n")).toEqual([values.A, values.B, values.C]);
  });
});
