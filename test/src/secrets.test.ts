// `npm run secrets -- <stack>` without the Pulumi CLI: which secrets a host needs (from the
// registry), which are kept, generated or asked for, and the "is required" line that names it.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { loadStackConfig, requiredSecretMessage, secretsSchema } from "../../src/config";
import { generateSecret, KEEP_A_COPY, needsKeyPassphrase, PROMPTED, secretProblem, secretsPlan, SecretStep } from "../../src/secrets";
import { validConfig } from "../fixtures/config";

/** Stack config as `pulumi config --json` gives it: `openclaw-infra:` keys, objects as JSON text. */
function configText(raw: Record<string, unknown>): Record<string, string> {
  const key = (k: string) => (k.includes(":") ? k : `openclaw-infra:${k}`);
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [key(k), typeof v === "string" ? v : JSON.stringify(v)]));
}

// A HOME with no SSH key and no agent: the operator's own key must not decide what a test sees.
const home = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-home-"));
const ENV = { HOME: home };
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const plan = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = ENV) => secretsPlan(configText({ ...validConfig(), ...raw }), env);
/** The plan as "path source set|unset" lines. */
const lines = (steps: SecretStep[]) => steps.map((s) => `${s.path} ${s.source} ${s.set ? "set" : "unset"}`);

const TUNNEL = {
  hostname: "claw.example.com",
  accountId: "a".repeat(32),
  zoneId: "b".repeat(32),
  install: { from: "apt", keyFingerprint: "C".repeat(40) },
};

describe("the secrets a stack's host needs", () => {
  it("lists a gateway host's: its backups' password and the gateway token, both generated", () => {
    expect(lines(plan({}))).toEqual(["resticPassword generated unset", "gatewayToken generated unset"]);
  });

  it("lists an observability and database host's: the APIs' passwords, the backup cipher and every role's password, generated", () => {
    expect(lines(plan({ host: "vps2" }))).toEqual([
      "prometheusPassword generated unset",
      "pgBackRestCipherPass generated unset",
      "postgresPasswords.openclaw generated unset",
      "postgresExporterPassword generated unset",
      "alertmanagerPassword generated unset",
    ]);
    const roles = { roles: [{ name: "openclaw" }, { name: "reader" }] };
    expect(lines(plan({ host: "vps2", postgres: roles })).filter((l) => l.startsWith("postgresPasswords"))).toEqual([
      "postgresPasswords.openclaw generated unset",
      "postgresPasswords.reader generated unset",
    ]);
  });

  it("keeps what is set already, down to one role's password", () => {
    const roles = { roles: [{ name: "openclaw" }, { name: "reader" }] };
    // As the command reads it: a secret's leaves blanked, its keys kept.
    const set = { postgresPasswords: { openclaw: "" }, pgBackRestCipherPass: "", prometheusPassword: "" };
    expect(lines(plan({ host: "vps2", postgres: roles, ...set }))).toEqual([
      "prometheusPassword generated set",
      "pgBackRestCipherPass generated set",
      "postgresPasswords.openclaw generated set",
      "postgresPasswords.reader generated unset",
      "postgresExporterPassword generated unset",
      "alertmanagerPassword generated unset",
    ]);
    expect(lines(plan({ gatewayToken: "" }))).toEqual(["resticPassword generated unset", "gatewayToken generated set"]);
  });

  it("asks for what a third party issues: the Cloudflare API token, a tunnel's token, receiver credentials, provider keys", () => {
    expect(lines(plan({ tunnel: TUNNEL }))).toEqual([
      "cloudflare:apiToken prompted unset",
      "resticPassword generated unset",
      "gatewayToken generated unset",
    ]);
    expect(lines(plan({ tunnel: TUNNEL, "cloudflare:apiToken": "" }))[0]).toBe("cloudflare:apiToken prompted set");
    expect(lines(plan({ cloudflared: { run: false } }))).toEqual([
      "tunnelToken prompted unset",
      "resticPassword generated unset",
      "gatewayToken generated unset",
    ]);
    const alertmanager = {
      webhook: { url: "https://hooks.example.com/alerts", bearerToken: true },
      email: { to: ["ops@example.com"], from: "am@example.com", smarthost: "smtp.example.com:587", username: "am" },
    };
    expect(lines(plan({ host: "vps2", alertmanager })).slice(-2)).toEqual([
      "alertmanagerWebhookToken prompted unset",
      "alertmanagerSmtpPassword prompted unset",
    ]);
    const apiKey = { source: "env", provider: "default", id: "ANTHROPIC_API_KEY" };
    const steps = plan({ gateway: { settings: { models: { providers: { anthropic: { apiKey } } } } } });
    expect(lines(steps)).toEqual([
      "resticPassword generated unset",
      "gatewayToken generated unset",
      "gatewayEnv.ANTHROPIC_API_KEY prompted unset",
    ]);
    expect(steps[2].hint).toBe(PROMPTED.gatewayEnv);
    // gatewayEnv itself is optional: never generated, never asked for unless settings reference it.
    expect(lines(plan({})).some((l) => l.startsWith("gatewayEnv"))).toBe(false);
  });

  it("asks for the SSH key's passphrase when the key is locked and no agent stands in", () => {
    const key = path.join(home, "locked");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", key]);
    const ssh = { privateKeyPath: key, agent: false };
    expect(lines(plan({ ssh }))[0]).toBe("sshKeyPassphrase prompted unset");
    expect(lines(plan({ ssh, sshKeyPassphrase: "" }))[0]).toBe("sshKeyPassphrase prompted set");
    const agent = path.join(home, "agent.sock");
    fs.writeFileSync(agent, "");
    expect(needsKeyPassphrase(configText({ ssh: { privateKeyPath: key } }), { ...ENV, SSH_AUTH_SOCK: agent })).toBe(false);
    expect(needsKeyPassphrase(configText({ ssh }), ENV)).toBe(true);
  });

  it("generates every secret but the third parties', each one its component accepts", () => {
    const generated = Object.keys(secretsSchema.shape).filter((key) => !(key in PROMPTED));
    expect(generated).toEqual([
      "prometheusPassword",
      "pgBackRestCipherPass",
      "postgresPasswords",
      "postgresExporterPassword",
      "resticPassword",
      "gatewayToken",
      "gatewayInstances",
      "alertmanagerPassword",
      "grafanaAdminPassword",
    ]);
    const value = generateSecret();
    expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(generateSecret()).not.toBe(value);
    const nested: Record<string, string> = {
      postgresPasswords: "postgresPasswords.openclaw",
      gatewayInstances: "gatewayInstances.work.token",
    };
    for (const key of generated) expect(secretProblem(nested[key] ?? key, value), key).toBeUndefined();
    expect(KEEP_A_COPY.every((key) => generated.includes(key))).toBe(true);
  });

  it("judges an entered value by its component's rule, naming no value", () => {
    expect(secretProblem("tunnelToken", "short")).toBe(
      "must be a tunnel token: one base64 string of at least 32 characters, as the dashboard prints it",
    );
    expect(secretProblem("tunnelToken", "A".repeat(40))).toBeUndefined();
    expect(secretProblem("alertmanagerSmtpPassword", "")).toBe("is empty");
    expect(secretProblem("gatewayEnv.ANTHROPIC_API_KEY", "sk-ant-123")).toBeUndefined();
    expect(secretProblem("cloudflare:apiToken", "two words")).toBe("must not contain whitespace");
    expect(secretProblem("gatewayToken", "a\nb")).toBe("must be one line");
  });

  it("refuses a stack whose settings do not parse, as preview would", () => {
    expect(() => plan({ host: "vps9" })).toThrow("openclaw-infra:host: 'vps9' is not a host of the topology (hosts: vps1, vps2)");
  });
});

describe("a required secret that is not set", () => {
  const failure = (raw: Record<string, unknown>): string => {
    try {
      loadStackConfig(configText({ ...validConfig(), ...raw }));
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected the config to be refused");
  };

  it("names the command that sets it, and pipes rather than puts a value on a command line", () => {
    expect(failure({ gatewayToken: "t".repeat(30) })).toBe(
      "openclaw-infra:resticPassword: is required: npm run secrets -- <stack> sets it (or pipe the value: ... | pulumi config set --secret resticPassword)",
    );
    const others = { prometheusPassword: "p".repeat(30), alertmanagerPassword: "a".repeat(30) };
    expect(failure({ host: "vps2", ...others, pgBackRestCipherPass: "c".repeat(30), postgresExporterPassword: "e".repeat(30) })).toBe(
      "openclaw-infra:postgresPasswords: is required: npm run secrets -- <stack> sets it " +
        "(or pipe the value: ... | pulumi config set --secret --path postgresPasswords.openclaw)",
    );
    expect(requiredSecretMessage("postgresPasswords", ["postgresPasswords.a", "postgresPasswords.b"])).toBe(
      "openclaw-infra:postgresPasswords: is required: npm run secrets -- <stack> sets it " +
        "(or pipe each value: ... | pulumi config set --secret --path postgresPasswords.<name>)",
    );
  });

  it("is one line per secret, with no value placeholder on any command line", () => {
    const message = failure({ host: "vps2" });
    const problems = message.split("\n").slice(1);
    expect(problems.map((l) => l.trim().split(":")[1])).toEqual([
      "prometheusPassword",
      "pgBackRestCipherPass",
      "postgresPasswords",
      "postgresExporterPassword",
      "alertmanagerPassword",
    ]);
    for (const line of problems) {
      expect(line).toContain("npm run secrets -- <stack>");
      // The value comes down the pipe: the command ends at the key.
      expect(line).toMatch(/\.\.\. \| pulumi config set --secret (--path )?[\w.<>]+\)$/);
      expect(line).not.toMatch(/<value>|\$\(/);
    }
  });
});
