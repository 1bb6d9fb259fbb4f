// The gateway's own configuration as code, on the shared deployment (shared-deployment.ts): the
// sandbox's vps1 declares an agent, a model provider whose API key is a secret and a channel
// whose token is a secret (sandbox/options.ts). On the host: the release's own validator and
// security audit, run as the unit runs the gateway, accept what was deployed; the secrets are
// only in gateway.env (0600), openclaw.json holds references; and neither the gateway nor
// `openclaw doctor` rewrites the file this program owns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayConfig, unitEnvironment } from "../../components/gateway-service/render";
import { gatewayInstances, gatewayOptionsSchema, instancePaths } from "../../components/gateway-service/schema";
import { SANDBOX_WORK_INSTANCE, sandboxGatewaySettings } from "../../sandbox/options";
import { readStackConfig } from "../../sandbox/stack";
import { mustOnHost, onHost, printFigures } from "./harness";
import { SharedDeployment, sharedDeployment, sharedDeploymentFigure, sharedSecret } from "./shared-deployment";

const CONFIG = "/etc/openclaw/openclaw.json";
const figures: Record<string, string> = {};
let deployment: SharedDeployment;
let openclaw: (args: string, config?: string) => string;
let version: string;

/**
 * The release's CLI on vps1 as the unit runs the gateway: its user, gateway.env and the unit's
 * variables; `config` in place of the deployed openclaw.json when given.
 */
function openclawOnVps1(version: string): (args: string, config?: string) => string {
  const env = unitEnvironment(gatewayOptionsSchema.parse({ version })).join(" ");
  return (args, config) =>
    mustOnHost(
      "vps1",
      `set -a; . /etc/openclaw/gateway.env; set +a; cd /var/lib/openclaw; ` +
        `runuser -u openclaw -- env PATH=/usr/local/bin:/usr/bin:/bin ${env} ${config ? `OPENCLAW_CONFIG_PATH=${config}` : ""} ` +
        `/opt/openclaw/current/bin/openclaw ${args} 2>/dev/null`,
      `openclaw ${args}`,
    );
}

type AuditReport = { summary: { critical: number; warn: number }; findings: { checkId: string; severity: string }[] };

beforeAll(async () => {
  const made = await sharedDeployment();
  deployment = made;
  figures["shared deployment"] = sharedDeploymentFigure(made);
  version = readStackConfig(deployment.stacks.vps1.configFile).gateway.version;
  openclaw = openclawOnVps1(version);
});

afterAll(() => printFigures("gateway config", figures));

describe("the gateway's configuration on vps1", () => {
  it("declares the sandbox's agent, model provider and channel, credentials as SecretRefs, and the release's validator accepts it", () => {
    const config = JSON.parse(mustOnHost("vps1", `cat ${CONFIG}`));
    expect(config.agents).toEqual(sandboxGatewaySettings(readStackConfig(deployment.stacks.vps1.configFile).gateway.version).agents);
    expect(config.models.providers["sandbox-llm"].apiKey).toEqual({ id: "SANDBOX_LLM_API_KEY", provider: "default", source: "env" });
    expect(config.channels.telegram.botToken).toEqual({ id: "TELEGRAM_BOT_TOKEN", provider: "default", source: "env" });
    expect(mustOnHost("vps1", `stat -c '%U:%G %a' ${CONFIG} /etc/openclaw/gateway.env`).trim().split("\n")).toEqual([
      "openclaw:openclaw 600",
      "root:root 600",
    ]);
    const started = Date.now();
    expect(JSON.parse(openclaw("config validate --json"))).toMatchObject({ valid: true, path: CONFIG });
    figures["openclaw config validate"] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  });

  it("keeps the provider key and the channel token in gateway.env alone", () => {
    const secrets = ["gatewayEnv.SANDBOX_LLM_API_KEY", "gatewayEnv.TELEGRAM_BOT_TOKEN"].map((p) => sharedSecret(deployment, "vps1", p));
    const holding = onHost(
      "vps1",
      "grep -rlsF -f - --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=run / || true",
      secrets.join("\n") + "\n",
    ).stdout.trim();
    expect(holding).toBe("/etc/openclaw/gateway.env");
  });

  it("passes the release's secrets audit: no plaintext credential, every reference resolved", () => {
    const report = JSON.parse(openclaw("secrets audit --check --json")) as { status: string };
    expect(report.status).toBe("clean");
  });

  it("passes the release's security audit: no critical finding and no warning", () => {
    const started = Date.now();
    const audit = JSON.parse(openclaw("security audit --json")) as AuditReport;
    figures["openclaw security audit"] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    expect(audit.findings.filter((f) => f.severity !== "info").map((f) => `${f.severity} ${f.checkId}`)).toEqual([]);
    expect(audit.summary).toMatchObject({ critical: 0, warn: 0 });
  });

  it("passes it as a production stack renders it too: bound to loopback, the tunnel's hostname the allowed origin", () => {
    const production = gatewayOptionsSchema.parse({ version, settings: sandboxGatewaySettings(version) });
    const file = "/run/openclaw-audit/openclaw.json";
    const copied = onHost(
      "vps1",
      `install -d -m 0700 -o openclaw -g openclaw /run/openclaw-audit && (umask 077; cat > ${file}) && chown openclaw: ${file}`,
      JSON.stringify(gatewayConfig(production, { extraOrigins: ["https://claw.example.com"] }), null, 2),
    );
    expect(copied.code, copied.stderr).toBe(0);
    try {
      const audit = JSON.parse(openclaw("security audit --json", file)) as AuditReport;
      expect(audit.findings.filter((f) => f.severity !== "info").map((f) => `${f.severity} ${f.checkId}`)).toEqual([]);
    } finally {
      onHost("vps1", "rm -rf /run/openclaw-audit");
    }
  });

  it("is not rewritten by the gateway across a restart, nor by `openclaw doctor`", () => {
    const sha = () => mustOnHost("vps1", `sha256sum ${CONFIG}`).split(" ")[0];
    const before = sha();
    mustOnHost("vps1", "systemctl restart openclaw-gateway.service");
    const up = onHost("vps1", "for i in $(seq 60); do curl -fsS http://127.0.0.1:18789/health && exit 0; sleep 1; done; exit 1");
    expect(up.code, "the gateway answers /health after the restart").toBe(0);
    openclaw("doctor --non-interactive || true");
    expect(sha()).toBe(before);
  });
});

describe("the second gateway instance on vps1 (work)", () => {
  const work = instancePaths("work");

  it("runs as its own user on its own state, config and port, with its own token; both instances answer", () => {
    expect(mustOnHost("vps1", `systemctl is-active ${work.unit} openclaw-gateway.service`).trim().split("\n")).toEqual([
      "active",
      "active",
    ]);
    expect(mustOnHost("vps1", `stat -c '%n %U:%G %a' ${work.stateDir} ${work.configFile} ${work.envFile}`).trim().split("\n")).toEqual([
      `${work.stateDir} ${work.user}:${work.user} 700`,
      `${work.configFile} ${work.user}:${work.user} 600`,
      `${work.envFile} root:root 600`,
    ]);
    expect(mustOnHost("vps1", `ps -o user= -p $(systemctl show -p MainPID --value ${work.unit})`).trim()).toBe(work.user);
    const token = (env: string) => mustOnHost("vps1", `grep ^OPENCLAW_GATEWAY_TOKEN= ${env}`).trim();
    expect(token(work.envFile)).not.toBe(token("/etc/openclaw/gateway.env"));
    for (const port of [18789, SANDBOX_WORK_INSTANCE.port])
      expect(mustOnHost("vps1", `curl -fsS http://127.0.0.1:${port}/health`)).toContain('"ok":true');
  });

  it("is hardened as the default instance is: its gateway and backup units score as theirs do (systemd-analyze security)", () => {
    const score = (unit: string) =>
      Number(/Overall exposure level for \S+: ([\d.]+)/.exec(mustOnHost("vps1", `systemd-analyze security --no-pager ${unit}`))?.[1]);
    const scores = Object.fromEntries(
      [work.unit, "openclaw-gateway.service", "restic-state-backup-work.service", "restic-state-backup.service"].map((u) => [u, score(u)]),
    );
    figures["systemd-analyze security (work, default)"] = JSON.stringify(scores);
    expect(scores[work.unit]).toBeLessThanOrEqual(2.0);
    expect(scores[work.unit]).toBe(scores["openclaw-gateway.service"]);
    expect(scores["restic-state-backup-work.service"]).toBe(scores["restic-state-backup.service"]);
  });

  it("lists its pinned plugin at its version in `openclaw plugins list --json`, and the default instance has none", () => {
    // The release's CLI as the instance's unit runs it: its user, gateway.env, the unit's variables.
    const list = (instance: string) => {
      const [s] = gatewayInstances(gatewayOptionsSchema.parse({ version, instances: { [instance]: {} } }));
      const paths = instancePaths(instance);
      const out = mustOnHost(
        "vps1",
        `set -a; . ${paths.envFile}; set +a; cd ${paths.stateDir}; ` +
          `runuser -u ${paths.user} -- env ${unitEnvironment(s).join(" ")} /opt/openclaw/current/bin/openclaw plugins list --json 2>/dev/null`,
        "openclaw plugins list --json",
      );
      return (JSON.parse(out) as { plugins: { id: string; version: string; origin: string; enabled: boolean; status: string }[] }).plugins
        .filter((p) => p.origin !== "bundled")
        .map((p) => `${p.id} ${p.version} ${p.enabled ? "enabled" : "disabled"} ${p.status}`);
    };
    const [[spec, pinned]] = Object.entries(SANDBOX_WORK_INSTANCE.plugins);
    expect(spec).toBe("npm:@openclaw/irc");
    const started = Date.now();
    expect(list("work")).toEqual([`irc ${pinned} enabled loaded`]);
    figures["openclaw plugins list --json (work)"] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    expect(list("default")).toEqual([]);
  });
});
