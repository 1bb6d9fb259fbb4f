// The registry is the one list of components: these tests walk it and check that what derives
// from it (config keys, secrets, units per host from the roles, the quickstart's summary, the
// sandbox stacks) follows it, with no component named anywhere else.
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../sandbox/contract";
import { deployOrder, sandboxStackConfig, sandboxUnitList, unprefixed } from "../../sandbox/stack";
import { parseStackConfig, secretsSchema, stackConfigSchema } from "../../src/config";
import { entries, hostUnits, REGISTRY, secretPaths } from "../../src/registry";
import { SANDBOX_CONTRACT, validConfig } from "../fixtures/config";

const config = (overrides: Record<string, unknown> = {}) => parseStackConfig({ ...validConfig(), ...overrides });
const units = (overrides: Record<string, unknown> = {}) => hostUnits(config(overrides)).map((u) => `${u.host} ${u.unit}`);

const SANDBOX: Sandbox = {
  contract: SANDBOX_CONTRACT,
  versions: {
    node: "22.23.3",
    npm: "10.9.9",
    corepack: "0.36.0",
    verdaccio: "6.10.4",
    promtail: "3.6.4",
    openclaw: "2026.6.11",
    hosts: { vps1: "10.231.0.11", vps2: "10.231.0.12" },
  },
};

describe("the registry", () => {
  it("gives the stack config its component keys: after the stack's own settings, every entry's, and nothing else", () => {
    expect(Object.keys(stackConfigSchema.shape)).toEqual(["host", "topology", "ssh", "sources", "stacks", ...REGISTRY.map((e) => e.key)]);
  });

  it("gives the secrets schema each entry's secrets", () => {
    // The stack's own secret (the SSH key's passphrase) first, then each entry's.
    expect(Object.keys(secretsSchema.shape)).toEqual(["sshKeyPassphrase", ...entries.flatMap((e) => Object.keys(e.secrets ?? {}))]);
    expect(Object.keys(secretsSchema.shape)).toEqual(["sshKeyPassphrase", "postgresPasswords", "tunnelToken", "gatewayToken", "gatewayEnv"]);
  });

  it("places units by the hosts' roles", () => {
    expect(units()).toEqual(["vps1 prometheus-node-exporter.service", "vps1 promtail.service", "vps1 openclaw-gateway.service"]);
    expect(units({ host: "vps2" })).toEqual(["vps2 prometheus-node-exporter.service", "vps2 promtail.service", "vps2 postgresql@17-main.service"]);
    // The database role moved to vps1: its unit moves with it.
    const topology = validConfig().topology;
    topology.hosts.vps1.roles = ["gateway", "database"];
    topology.hosts.vps2.roles = ["observability"];
    expect(units({ topology })).toContain("vps1 postgresql@17-main.service");
    expect(units({ topology, host: "vps2" })).toEqual(["vps2 prometheus-node-exporter.service", "vps2 promtail.service"]);
  });

  it("deploys optional components only when set, and the log agent only with an observability host to ship to", () => {
    expect(units({ cloudflared: { run: false } })).toContain("vps1 cloudflared.service");
    const topology = validConfig().topology;
    topology.hosts.vps2.roles = ["database"];
    expect(units({ topology })).toEqual(["vps1 prometheus-node-exporter.service", "vps1 openclaw-gateway.service"]);
  });

  it("follows the options: the log agent and PostgreSQL's version name their units", () => {
    expect(units({ logs: { agent: "alloy" } })).toContain("vps1 alloy.service");
    expect(units({ host: "vps2", postgres: { version: 16 } })).toContain("vps2 postgresql@16-main.service");
  });

  it("lists every entry's units on the hosts that deploy it: each component but NodeRuntime ships one", () => {
    const tunnel = { hostname: "claw.example.com", accountId: "a".repeat(32), zoneId: "b".repeat(32), install: { from: "apt", keyFingerprint: "C".repeat(40) } };
    const all = [config({ cloudflared: { run: false } }), config({ tunnel, gateway: { port: 18800 } }), config({ host: "vps2" })].flatMap(hostUnits);
    expect(new Set(all.map((u) => u.component))).toEqual(new Set(entries.map((e) => e.key).filter((key) => key !== "node")));
    // The tunnel's origin follows the gateway's port.
    expect(all.find((u) => u.component === "tunnel")).toEqual({
      host: "vps1",
      component: "tunnel",
      unit: "cloudflared.service",
      reach: "https://claw.example.com -> http://127.0.0.1:18800",
    });
  });

  it("names the secrets each host needs set", () => {
    expect(secretPaths(config({ cloudflared: { run: false } }))).toEqual(["tunnelToken", "gatewayToken"]);
    expect(secretPaths(config({ host: "vps2", postgres: { roles: [{ name: "openclaw" }, { name: "grafana" }] } }))).toEqual([
      "postgresPasswords.openclaw",
      "postgresPasswords.grafana",
    ]);
  });
});

describe("the sandbox stacks", () => {
  it("give the quickstart's summary: every unit of every sandbox host, with how to reach it", () => {
    expect(sandboxUnitList(SANDBOX).map((u) => `${u.host} ${u.unit} ${u.reach}`)).toEqual([
      "vps1 prometheus-node-exporter.service http://10.231.0.11:9100/metrics",
      "vps1 promtail.service http://127.0.0.1:9080 -> http://10.231.0.12:3100/loki/api/v1/push",
      "vps1 cloudflared.service switched off (cloudflared.run: false)",
      "vps1 openclaw-gateway.service http://10.231.0.11:18789 (token auth)",
      "vps2 prometheus-node-exporter.service http://10.231.0.12:9100/metrics",
      "vps2 promtail.service http://127.0.0.1:9080 -> http://10.231.0.12:3100/loki/api/v1/push",
      "vps2 postgresql@17-main.service postgresql://10.231.0.12:5432/openclaw (from vps1 only)",
    ]);
  });

  it("set each component's sandbox options on the hosts that deploy it, over what the stack file has", () => {
    const existing = { "openclaw-infra:gateway": { env: { OPENCLAW_LOG_LEVEL: "debug" }, bind: "loopback" }, "openclaw-infra:gatewayToken": { secure: "x" } };
    const vps1 = sandboxStackConfig("vps1", SANDBOX, existing);
    expect(vps1["openclaw-infra:gateway"]).toEqual({ env: { OPENCLAW_LOG_LEVEL: "debug" }, bind: "lan", version: "2026.6.11" });
    expect(vps1["openclaw-infra:gatewayToken"]).toEqual({ secure: "x" });
    expect(vps1["openclaw-infra:cloudflared"]).toEqual({ run: false });
    expect(vps1["openclaw-infra:node"]).toEqual({ major: 22, version: "22.23.3" });
    expect(vps1["openclaw-infra:postgres"]).toBeUndefined();
    const vps2 = sandboxStackConfig("vps2", SANDBOX);
    expect(Object.keys(vps2)).toEqual(["openclaw-infra:host", "openclaw-infra:topology", "openclaw-infra:ssh", "openclaw-infra:sources", "openclaw-infra:logs", "openclaw-infra:postgres"]);
    expect(parseStackConfig(unprefixed(vps2)).postgres.source).toBe("distribution");
  });

  it("deploy the database host first: the gateway's stack reads its outputs", () => {
    expect(deployOrder(SANDBOX)).toEqual(["vps2", "vps1"]);
  });

  it("refuse a host the sandbox does not have", () => {
    expect(() => sandboxStackConfig("vps3", SANDBOX)).toThrow("sandbox-stack: no host 'vps3' in the sandbox (hosts: vps1, vps2)");
  });
});
