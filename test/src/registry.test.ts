// The registry is the one list of components: these tests walk it and check that what derives
// from it (config keys, secrets, units per host from the roles, the quickstart's summary, the
// sandbox stacks) follows it, with no component named anywhere else.
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../sandbox/contract";
import { deployOrder, sandboxStackConfig, sandboxUnitList, unprefixed } from "../../sandbox/stack";
import { parseStackConfig, secretsSchema, stackConfigSchema } from "../../src/config";
import { entries, hostUnits, REGISTRY, scrapeJobs, secretPaths } from "../../src/registry";
import { SANDBOX_CONTRACT, validConfig } from "../fixtures/config";

const config = (overrides: Record<string, unknown> = {}) => parseStackConfig({ ...validConfig(), ...overrides });
const units = (overrides: Record<string, unknown> = {}) => hostUnits(config(overrides)).map((u) => `${u.host} ${u.unit}`);

const SANDBOX: Sandbox = {
  contract: SANDBOX_CONTRACT,
  versions: {
    node: "22.23.3",
    nodeHost: "22.23.3",
    npm: "10.9.9",
    corepack: "0.36.0",
    verdaccio: "6.10.4",
    promtail: "3.6.4",
    loki: "3.6.4",
    tempo: "2.9.0",
    otelcol: "0.162.0",
    openclaw: "2026.6.11",
    hosts: { vps1: "10.231.0.11", vps2: "10.231.0.12" },
  },
};

describe("the registry", () => {
  it("gives the stack config its component keys: after the stack's own settings, every entry's, and nothing else", () => {
    expect(Object.keys(stackConfigSchema.shape)).toEqual(["host", "topology", "ssh", "sources", "stacks", ...REGISTRY.map((e) => e.key)]);
  });

  it("gives the secrets schema each entry's secrets, one several entries read once", () => {
    // The stack's own secret (the SSH key's passphrase) first, then each entry's, in the order the first reader declares them.
    expect(Object.keys(secretsSchema.shape)).toEqual([
      "sshKeyPassphrase",
      ...new Set(entries.flatMap((e) => Object.keys(e.secrets ?? {}))),
    ]);
    expect(Object.keys(secretsSchema.shape)).toEqual([
      "sshKeyPassphrase",
      "prometheusPassword",
      "pgBackRestCipherPass",
      "postgresPasswords",
      "postgresExporterPassword",
      "tunnelToken",
      "resticPassword",
      "gatewayToken",
      "gatewayEnv",
      "gatewayInstances",
      "alertmanagerPassword",
      "alertmanagerWebhookToken",
      "alertmanagerSmtpPassword",
      "grafanaAdminPassword",
    ]);
    // Prometheus's password, read by the collector and Grafana too, by Prometheus's rule.
    const readers = entries.filter((e) => e.secrets && "prometheusPassword" in e.secrets);
    expect(readers.map((e) => e.key)).toEqual(["otelCollector", "prometheus", "grafana"]);
    expect(new Set(readers.map((e) => e.secrets?.prometheusPassword)).size).toBe(1);
  });

  it("places units by the hosts' roles", () => {
    expect(units()).toEqual([
      "vps1 prometheus-node-exporter.service",
      "vps1 promtail.service",
      "vps1 restic-state-backup.service",
      "vps1 openclaw-gateway.service",
      "vps1 prometheus-blackbox-exporter.service",
    ]);
    expect(units({ host: "vps2" })).toEqual([
      "vps2 prometheus-node-exporter.service",
      "vps2 promtail.service",
      "vps2 loki.service",
      "vps2 tempo.service",
      "vps2 otelcol-contrib.service",
      "vps2 pgbackrest-full.service",
      "vps2 pgbackrest-diff.service",
      "vps2 pgbackrest-verify.service",
      "vps2 prometheus-pgbackrest-exporter.service",
      "vps2 postgresql@17-main.service",
      "vps2 prometheus-postgres-exporter.service",
      "vps2 prometheus-alertmanager.service",
      "vps2 prometheus.service",
    ]);
    // The database role moved to vps1: its unit moves with it.
    const topology = validConfig().topology;
    topology.hosts.vps1.roles = ["gateway", "database"];
    topology.hosts.vps2.roles = ["observability"];
    expect(units({ topology })).toContain("vps1 postgresql@17-main.service");
    expect(units({ topology, host: "vps2" })).toEqual([
      "vps2 prometheus-node-exporter.service",
      "vps2 promtail.service",
      "vps2 loki.service",
      "vps2 tempo.service",
      "vps2 otelcol-contrib.service",
      "vps2 prometheus-alertmanager.service",
      "vps2 prometheus.service",
    ]);
  });

  it("deploys optional components only when set, and the log agent only with an observability host to ship to", () => {
    expect(units({ cloudflared: { run: false } })).toContain("vps1 cloudflared.service");
    const topology = validConfig().topology;
    topology.hosts.vps2.roles = ["database"];
    expect(units({ topology })).toEqual([
      "vps1 prometheus-node-exporter.service",
      "vps1 restic-state-backup.service",
      "vps1 openclaw-gateway.service",
      "vps1 prometheus-blackbox-exporter.service",
    ]);
  });

  it("follows the options: the log agent and PostgreSQL's version name their units", () => {
    expect(units({ logs: { agent: "alloy" } })).toContain("vps1 alloy.service");
    expect(units({ host: "vps2", postgres: { version: 16 } })).toContain("vps2 postgresql@16-main.service");
  });

  it("lists every entry's units on the hosts that deploy it: each component but the system check, NodeRuntime and the drop-ins and rules for Debian's own units (journald, firewall, sshd) ships one", () => {
    const tunnel = {
      hostname: "claw.example.com",
      accountId: "a".repeat(32),
      zoneId: "b".repeat(32),
      install: { from: "apt", keyFingerprint: "C".repeat(40) },
    };
    const wireguard = { ...validConfig().topology, privateNetwork: "wireguard" };
    const all = [
      config({ cloudflared: { run: false }, topology: wireguard }),
      config({ tunnel, gateway: { port: 18800 } }),
      config({ host: "vps2", grafana: { run: false }, updates: {} }),
    ].flatMap(hostUnits);
    expect(new Set(all.map((u) => u.component))).toEqual(
      new Set(entries.map((e) => e.key).filter((key) => !["system", "node", "journald", "firewall", "sshd"].includes(key))),
    );
    // The tunnel's origin follows the gateway's port.
    expect(all.find((u) => u.component === "tunnel")).toEqual({
      host: "vps1",
      component: "tunnel",
      unit: "cloudflared.service",
      reach: "https://claw.example.com -> http://127.0.0.1:18800",
    });
  });

  it("derives every scrape job of the topology, one target group per host with its `host` label", () => {
    const jobs = scrapeJobs(config({ host: "vps2" }));
    expect(jobs.map((j) => [j.job, j.groups.map((g) => `${g.labels.host} ${g.targets.join(",")}`)])).toEqual([
      ["node", ["vps1 10.0.0.1:9100", "vps2 10.0.0.2:9100"]],
      ["promtail", ["vps1 10.0.0.1:9080", "vps2 10.0.0.2:9080"]],
      ["gateway", ["vps1 10.0.0.1:9115"]],
      ["loki", ["vps2 10.0.0.2:3100"]],
      ["tempo", ["vps2 10.0.0.2:3200"]],
      ["otel-collector", ["vps2 10.0.0.2:8888"]],
      ["pgbackrest", ["vps2 10.0.0.2:9854"]],
      ["postgres", ["vps2 10.0.0.2:9187"]],
      ["alertmanager", ["vps2 10.0.0.2:9093"]],
      ["prometheus", ["vps2 10.0.0.2:9090"]],
    ]);
    // The gateway's /health on loopback, probed by blackbox on its own host.
    expect(jobs.find((j) => j.job === "gateway")).toMatchObject({
      metricsPath: "/probe",
      params: { module: ["http_2xx"] },
      groups: [
        { targets: ["10.0.0.1:9115"], labels: { host: "vps1", instance_name: "default", __param_target: "http://127.0.0.1:18789/health" } },
      ],
    });
    // The same from either host's stack; a port set for both moves the targets. cloudflared's
    // metrics listen on loopback, out of reach of a Prometheus on another host: not scraped.
    expect(scrapeJobs(config())).toEqual(jobs);
    expect(scrapeJobs(config({ nodeExporter: { port: 9200 } }))[0].groups[0].targets).toEqual(["10.0.0.1:9200"]);
    expect(
      scrapeJobs(config({ cloudflared: { run: true, install: { from: "apt", keyFingerprint: "C".repeat(40) } } })).map((j) => j.job),
    ).not.toContain("cloudflared");
  });

  it("names the secrets each host needs set", () => {
    const alerting = {
      webhook: { url: "https://hooks.example.com/x", bearerToken: true },
      email: { to: ["ops@example.com"], from: "am@example.com", smarthost: "smtp.example.com:587", username: "am" },
    };
    // The observability host's: the passwords of Prometheus's and Alertmanager's APIs.
    expect(secretPaths(config({ host: "vps2", alertmanager: alerting }))).toEqual([
      "prometheusPassword",
      "pgBackRestCipherPass",
      "postgresPasswords.openclaw",
      "postgresExporterPassword",
      "alertmanagerPassword",
      "alertmanagerWebhookToken",
      "alertmanagerSmtpPassword",
    ]);
    expect(secretPaths(config({ cloudflared: { run: false } }))).toEqual(["tunnelToken", "resticPassword", "gatewayToken"]);
    expect(secretPaths(config({ host: "vps2", postgres: { roles: [{ name: "openclaw" }, { name: "grafana" }] } }))).toEqual([
      "prometheusPassword",
      "pgBackRestCipherPass",
      "postgresPasswords.openclaw",
      "postgresPasswords.grafana",
      "postgresExporterPassword",
      "alertmanagerPassword",
    ]);
    // Grafana reads Prometheus's password too: still one path.
    expect(
      secretPaths(config({ host: "vps2", grafana: { run: false } })).filter(
        (p) => p === "prometheusPassword" || p === "grafanaAdminPassword",
      ),
    ).toEqual(["prometheusPassword", "grafanaAdminPassword"]);
  });
});

describe("the sandbox stacks", () => {
  it("give the quickstart's summary: every unit of every sandbox host, with how to reach it", () => {
    expect(sandboxUnitList(SANDBOX).map((u) => `${u.host} ${u.unit} ${u.reach}`)).toEqual([
      "vps1 wg-quick@wg0.service 10.231.1.11/24, UDP 51820",
      "vps1 prometheus-node-exporter.service http://10.231.1.11:9100/metrics",
      "vps1 openclaw-infra-reboot-required.service openclaw_reboot_required via node-exporter",
      "vps1 promtail.service http://10.231.1.11:9080 -> http://10.231.1.12:3100/loki/api/v1/push",
      "vps1 cloudflared.service switched off (cloudflared.run: false)",
      "vps1 restic-state-backup.service by restic-state-backup.timer: *-*-* 02:00:00 (repository on vps2)",
      "vps1 restic-state-backup-work.service by restic-state-backup-work.timer: *-*-* 02:00:00 (repository on vps2)",
      "vps1 openclaw-gateway.service http://10.231.0.11:18789 (token auth)",
      "vps1 openclaw-gateway-work.service http://10.231.0.11:18909 (token auth)",
      "vps1 prometheus-blackbox-exporter.service http://10.231.1.11:9115/probe (probes http://127.0.0.1:18789/health, http://127.0.0.1:18909/health)",
      "vps2 wg-quick@wg0.service 10.231.1.12/24, UDP 51820",
      "vps2 prometheus-node-exporter.service http://10.231.1.12:9100/metrics",
      "vps2 openclaw-infra-reboot-required.service openclaw_reboot_required via node-exporter",
      "vps2 promtail.service http://10.231.1.12:9080 -> http://10.231.1.12:3100/loki/api/v1/push",
      "vps2 loki.service http://10.231.1.12:3100 (push, LogQL, OTLP logs at /otlp/v1/logs)",
      "vps2 tempo.service http://10.231.1.12:3200 (queries); OTLP gRPC 10.231.1.12:4317, HTTP http://10.231.1.12:4318",
      "vps2 otelcol-contrib.service OTLP metrics http://10.231.1.12:4319/v1/metrics (to Prometheus); own metrics http://10.231.1.12:8888/metrics",
      "vps2 pgbackrest-full.service by pgbackrest-full.timer: Sun *-*-* 01:00:00",
      "vps2 pgbackrest-diff.service by pgbackrest-diff.timer: Mon..Sat *-*-* 01:00:00",
      "vps2 pgbackrest-verify.service by pgbackrest-verify.timer: *-*-* 05:30:00",
      "vps2 prometheus-pgbackrest-exporter.service http://10.231.1.12:9854/metrics (repository on vps1)",
      "vps2 postgresql@17-main.service postgresql://10.231.1.12:5432/openclaw (from vps1 only)",
      "vps2 prometheus-postgres-exporter.service http://10.231.1.12:9187/metrics (as postgres_exporter on 127.0.0.1:5432)",
      "vps2 prometheus-alertmanager.service http://10.231.1.12:9093 (basic auth: operator) -> no receiver (alertmanager.webhook / .email)",
      "vps2 prometheus.service http://10.231.1.12:9090 (UI and API, basic auth: operator)",
      "vps2 grafana-server.service switched off (grafana.run: false)",
    ]);
  });

  it("set each component's sandbox options on the hosts that deploy it, over what the stack file has", () => {
    const existing = {
      "openclaw-infra:gateway": { env: { OPENCLAW_LOG_LEVEL: "debug" }, bind: "loopback" },
      "openclaw-infra:gatewayToken": { secure: "x" },
    };
    const vps1 = sandboxStackConfig("vps1", SANDBOX, existing);
    expect(vps1["openclaw-infra:gateway"]).toMatchObject({ env: { OPENCLAW_LOG_LEVEL: "debug" }, bind: "lan", version: "2026.6.11" });
    expect(Object.keys(vps1["openclaw-infra:gateway"] as object).sort()).toEqual(["bind", "env", "instances", "settings", "version"]);
    expect(vps1["openclaw-infra:gatewayToken"]).toEqual({ secure: "x" });
    expect(vps1["openclaw-infra:cloudflared"]).toEqual({ run: false });
    expect(vps1["openclaw-infra:node"]).toEqual({ major: 22, version: "22.23.3" });
    expect(vps1["openclaw-infra:postgres"]).toBeUndefined();
    const vps2 = sandboxStackConfig("vps2", SANDBOX);
    expect(Object.keys(vps2)).toEqual([
      "openclaw-infra:host",
      "openclaw-infra:topology",
      "openclaw-infra:ssh",
      "openclaw-infra:sources",
      "openclaw-infra:firewall",
      "openclaw-infra:wireguard",
      "openclaw-infra:sshd",
      "openclaw-infra:updates",
      "openclaw-infra:logs",
      "openclaw-infra:loki",
      "openclaw-infra:tempo",
      "openclaw-infra:otelCollector",
      "openclaw-infra:postgres",
      "openclaw-infra:gateway",
      "openclaw-infra:grafana",
    ]);
    // The gateway's instances, which vps2's Prometheus probes: the same on both stacks.
    expect(vps2["openclaw-infra:gateway"]).toEqual(sandboxStackConfig("vps1", SANDBOX)["openclaw-infra:gateway"]);
    expect(vps2["openclaw-infra:grafana"]).toEqual({ run: false });
    expect(parseStackConfig(unprefixed(vps2)).postgres.source).toBe("distribution");
    // Loki, Tempo and the collector: the releases on the sandbox's mirror.
    expect(vps2["openclaw-infra:loki"]).toEqual({
      version: "3.6.4",
      sha256: "d".repeat(64),
      releaseUrl: "http://10.231.0.1:8081/loki",
      asset: "loki-linux-amd64.zip",
    });
    expect(vps2["openclaw-infra:tempo"]).toEqual({
      version: "2.9.0",
      sha256: "e".repeat(64),
      releaseUrl: "http://10.231.0.1:8081/tempo",
      asset: "tempo_2.9.0_linux_amd64.tar.gz",
    });
    expect(vps2["openclaw-infra:otelCollector"]).toEqual({
      version: "0.162.0",
      sha256: "f".repeat(64),
      releaseUrl: "http://10.231.0.1:8081/otelcol-contrib",
      asset: "otelcol-contrib_0.162.0_linux_amd64.tar.gz",
    });
  });

  it("deploy the database host first: the gateway's stack reads its outputs", () => {
    expect(deployOrder(SANDBOX)).toEqual(["vps2", "vps1"]);
  });

  it("refuse a host the sandbox does not have", () => {
    expect(() => sandboxStackConfig("vps3", SANDBOX)).toThrow("sandbox-stack: no host 'vps3' in the sandbox (hosts: vps1, vps2)");
  });
});
