// The program's resource graph under Pulumi mocks, for both hosts of the topology: which
// resources, in which order, which inputs are secret, that no secret lands in a script, and
// that peer values (DATABASE_URL, OTLP, Loki) come from the topology and the peer stack.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseStackConfig, Secrets } from "../../src/config";
import { deployHost } from "../../src/program";
import { databaseStackProblem, stackOf } from "../../src/stacks";
import { fakeFetch, HOST_KEY_1, LOKI_SHA, OTELCOL_SHA, validConfig } from "../fixtures/config";
import { capturedResult, must, Recorded, recorder, value } from "../support/mocks";

const TOKEN = "tok-" + "s3cr3t".repeat(6);
const API_KEY = "sk-test-" + "k3y".repeat(8);
const DB_PASSWORD = "db-" + "pa55".repeat(6);
const TUNNEL_TOKEN = "eyJh" + "dHVubmVsLXRva2Vu".repeat(4);
const RESTIC_PASSWORD = "r3stic-" + "pa55w0rd".repeat(4);
const CIPHER_PASS = "c1pher-" + "pa55".repeat(8);
const GRAFANA_PASSWORD = "gr4f4na-" + "pa55".repeat(4);
const PROMETHEUS_PASSWORD = "pr0metheus-" + "pa55".repeat(4);
const ALERTMANAGER_PASSWORD = "a1ertmanager-" + "pa55".repeat(4);
const SECRETS = [
  TOKEN,
  API_KEY,
  DB_PASSWORD,
  TUNNEL_TOKEN,
  RESTIC_PASSWORD,
  CIPHER_PASS,
  GRAFANA_PASSWORD,
  PROMETHEUS_PASSWORD,
  ALERTMANAGER_PASSWORD,
];
const stackRefs: string[] = [];

function deploy(host = "vps1", overrides: Record<string, unknown> = {}) {
  vi.stubGlobal("fetch", fakeFetch());
  const { recorded, find, opts } = recorder();
  const config = parseStackConfig({ ...validConfig(), host, ...overrides });
  const secrets = pulumi.secret<Secrets>({
    gatewayToken: TOKEN,
    gatewayEnv: { ANTHROPIC_API_KEY: API_KEY },
    postgresPasswords: { openclaw: DB_PASSWORD },
    postgresExporterPassword: "e".repeat(24),
    pgBackRestCipherPass: CIPHER_PASS,
    resticPassword: RESTIC_PASSWORD,
    tunnelToken: TUNNEL_TOKEN,
    grafanaAdminPassword: GRAFANA_PASSWORD,
    prometheusPassword: PROMETHEUS_PASSWORD,
    alertmanagerPassword: ALERTMANAGER_PASSWORD,
  });
  const deployed = deployHost(config, secrets, opts);
  // Every step waits for the host's system check (a test of its own says so): the tests of a
  // step's order list what else it waits for.
  const ordered = (r: Recorded): Recorded => ({ ...r, dependsOn: r.dependsOn.filter((d) => d !== `${host}-system`) });
  return { deployed, recorded, find: (name: string) => ordered(find(name)), ordered };
}

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type === "pulumi:pulumi:StackReference") {
          stackRefs.push(args.inputs.name);
          // A stack named "bare-..." is created but not deployed: no outputs yet.
          const outputs = args.inputs.name.includes("/bare-")
            ? {}
            : { database: { port: 5432, database: "openclaw", user: "openclaw", ssl: "require" }, databasePassword: DB_PASSWORD };
          return { id: args.inputs.name, state: { name: args.inputs.name, outputs, secretOutputNames: ["databasePassword"] } };
        }
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.inputs.captureResult) state.result = capturedResult(args.name);
        return { id: `${args.name}-id`, state };
      },
      // The Cloudflare provider's token function.
      call: (args) => (args.token.includes("getZeroTrustTunnelCloudflaredToken") ? { token: TUNNEL_TOKEN } : {}),
    },
    "openclaw-infra",
    "vps1",
    false,
    "organization",
  );
});

const REMOTE = "pulumi-nodejs:dynamic/openclaw:RemoteCommand";

describe("vps1 (gateway) program", () => {
  it("registers the component graph with stable names", async () => {
    const { recorded, deployed } = deploy();
    await value(must(deployed.gatewayVersion, "gatewayVersion"));
    expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
      "openclaw:host:HostSystem vps1-system",
      `${REMOTE} vps1-system-check`,
      "openclaw:host:Journald vps1-journald",
      `${REMOTE} vps1-journald-limits`,
      "openclaw:observability:NodeExporter vps1-node-exporter",
      ...recorded.filter((r) => r.name.startsWith("vps1-node-exporter-")).map((r) => `${REMOTE} ${r.name}`),
      "openclaw:observability:PromtailJournal vps1-logs",
      ...recorded.filter((r) => r.name.startsWith("vps1-logs-")).map((r) => `${REMOTE} ${r.name}`),
      "openclaw:runtime:NodeRuntime vps1-node",
      `${REMOTE} vps1-node-base`,
      `${REMOTE} vps1-node-install`,
      "openclaw:backup:ResticBackup vps1-state-backup",
      ...[
        "package",
        "key",
        "repository",
        "known-hosts",
        "password",
        "init",
        "script",
        "run-metric",
        "service",
        "timer",
        "before-upgrade",
      ].map((step) => `${REMOTE} vps1-state-backup-${step}`),
      "openclaw:gateway:GatewayService vps1-gateway",
      `${REMOTE} vps1-gateway-release`,
      `${REMOTE} vps1-gateway-user`,
      `${REMOTE} vps1-gateway-config-dir`,
      `${REMOTE} vps1-gateway-env`,
      `${REMOTE} vps1-gateway-audit`,
      `${REMOTE} vps1-gateway-config`,
      `${REMOTE} vps1-gateway-seed`,
      `${REMOTE} vps1-gateway-install`,
      `${REMOTE} vps1-gateway-unit`,
      "openclaw:observability:BlackboxExporter vps1-blackbox",
      ...["hold", "package", "config", "args", "drop-in"].map((step) => `${REMOTE} vps1-blackbox-${step}`),
    ]);
  });

  it("orders the gateway's steps: node, user, the release fetched, files checked by it, the state's backup and restore, then the install (which restarts onto a new release), then the unit", () => {
    const { recorded, ordered } = deploy();
    const deps = Object.fromEntries(recorded.map(ordered).map((r) => [r.name, r.dependsOn]));
    expect(deps["vps1-node-install"]).toEqual(["vps1-node-base"]);
    // A blank host's state is restored before anything starts the gateway, after the backup
    // before an upgrade (which finds nothing to back up there).
    expect(deps["vps1-gateway-seed"]).toEqual([
      "vps1-gateway-user",
      "vps1-state-backup-before-upgrade",
      "vps1-state-backup-package",
      "vps1-state-backup-init",
    ]);
    // The release is fetched first: its audit and validator judge openclaw.json before the
    // file replaces the running one and before the install switches to the release.
    expect(deps["vps1-gateway-release"]).toEqual(["vps1-node-install"]);
    expect(deps["vps1-gateway-audit"]).toEqual(["vps1-gateway-release", "vps1-gateway-user", "vps1-gateway-env"]);
    expect(deps["vps1-gateway-config"]).toEqual(["vps1-gateway-config-dir", "vps1-gateway-audit"]);
    expect(deps["vps1-gateway-install"]).toEqual([
      "vps1-gateway-release",
      "vps1-gateway-user",
      "vps1-gateway-env",
      "vps1-gateway-config",
      "vps1-gateway-seed",
    ]);
    expect(deps["vps1-gateway-config-dir"]).toEqual(["vps1-gateway-user"]);
    expect(deps["vps1-gateway-env"]).toEqual(["vps1-gateway-config-dir"]);
    expect(deps["vps1-gateway-unit"]).toEqual(["vps1-gateway-install", "vps1-gateway-env", "vps1-gateway-config"]);
  });

  it("deploys each gateway instance with its own steps after the shared release; the default keeps a single gateway's names", async () => {
    const gateway = {
      ...(validConfig().gateway as object),
      instances: { default: {}, work: { port: 18909, plugins: { "npm:@openclaw/irc": "2026.9.5" } } },
    };
    const { recorded, ordered, find } = deploy("vps1", { gateway });
    const names = recorded.map((r) => r.name).filter((n) => n.startsWith("vps1-gateway"));
    expect(names).toEqual([
      "vps1-gateway",
      "vps1-gateway-release",
      ...["user", "config-dir", "env", "audit", "config", "seed"].map((step) => `vps1-gateway-${step}`),
      ...["user", "config-dir", "env", "audit", "config", "seed"].map((step) => `vps1-gateway-work-${step}`),
      "vps1-gateway-install",
      "vps1-gateway-unit",
      "vps1-gateway-work-plugins",
      "vps1-gateway-work-unit",
    ]);
    const deps = Object.fromEntries(recorded.map(ordered).map((r) => [r.name, r.dependsOn]));
    // One install of the release, after both instances' files, restarting both.
    expect(deps["vps1-gateway-install"]).toEqual([
      "vps1-gateway-release",
      ...["user", "env", "config", "seed"].map((step) => `vps1-gateway-${step}`),
      ...["user", "env", "config", "seed"].map((step) => `vps1-gateway-work-${step}`),
    ]);
    const install = await value<string>(find("vps1-gateway-install").props.create);
    for (const unit of ["openclaw-gateway.service", "openclaw-gateway-work.service"])
      expect(install).toContain(`systemctl start '${unit}'`);
    // The plugins go in before the unit first starts, by the release the install step put in place.
    expect(deps["vps1-gateway-work-plugins"]).toEqual(["vps1-gateway-install", "vps1-gateway-work-env", "vps1-gateway-work-config"]);
    expect(deps["vps1-gateway-work-unit"]).toEqual([
      "vps1-gateway-install",
      "vps1-gateway-work-env",
      "vps1-gateway-work-config",
      "vps1-gateway-work-plugins",
    ]);
    const plugins = find("vps1-gateway-work-plugins").props;
    expect(await value<string>(plugins.create)).toContain("plugins install 'npm:@openclaw/irc@2026.9.5' --pin --force");
    expect(await value<string[]>(plugins.triggers)).toEqual(["2026.9.6+node24.22.3", "npm:@openclaw/irc@2026.9.5"]);
    // Each its own restic job, seeded from its own snapshots.
    expect(recorded.map((r) => r.name).filter((n) => /^vps1-state-backup-work-/.test(n))).toEqual(
      ["script", "service", "timer", "before-upgrade"].map((step) => `vps1-state-backup-work-${step}`),
    );
    expect(await value<string>(find("vps1-gateway-work-seed").props.create)).toContain("--tag 'openclaw-state-work'");
  });

  it("restarts the gateway onto a new release from the install step, with a rollback: the unit file and its triggers hold no version", async () => {
    const { find } = deploy();
    const install = await value<string>(find("vps1-gateway-install").props.create);
    expect(install).toContain("systemctl stop 'openclaw-gateway.service'");
    expect(install).toContain("systemctl start 'openclaw-gateway.service'");
    expect(install).toContain(`'openclaw 2026.9.6+node24.22.3 failed its health check; rolled back to '"$was"', which answers /readyz'`);
    const unit = find("vps1-gateway-unit").props;
    expect(await value<string>(unit.stdin)).toContain("ExecStart=/opt/openclaw/current/bin/openclaw gateway");
    expect(await value<string>(unit.stdin)).not.toContain("2026.9.6");
    const triggers = await value<string[]>(unit.triggers);
    expect(triggers).toHaveLength(2);
    expect(triggers).not.toContain("2026.9.6");
    // A `current` switched after the gateway started (an activation cut short) shows as stale on refresh.
    expect(await value<string>(unit.check)).toContain(
      "for f in '/etc/openclaw/gateway.env' '/etc/openclaw/openclaw.json' '/opt/openclaw/current'; do",
    );
  });

  it("connects with the pinned host key of the topology", async () => {
    const { find } = deploy();
    const conn = await value(find("vps1-gateway-unit").props.connection);
    expect(conn).toEqual({ host: "192.0.2.11", port: 22, user: "root", hostKey: validConfig().topology.hosts.vps1.hostKey });
  });

  it("stops an up whose database stack has no outputs yet at the preflight, in one line saying what to run first", async () => {
    const config = parseStackConfig({ ...validConfig(), stacks: { vps2: "bare-vps2" } });
    await expect(databaseStackProblem(config)).resolves.toEqual({
      key: "stacks.vps2",
      message: "stack bare-vps2 has no output 'database' and 'databasePassword' yet: run pulumi up -s bare-vps2 first",
    });
    await expect(databaseStackProblem(parseStackConfig(validConfig()))).resolves.toBeUndefined();
  });

  it("gives the gateway DATABASE_URL (host from the topology, password from vps2's stack), secret", async () => {
    const { find } = deploy();
    const env = find("vps1-gateway-env");
    expect(await pulumi.isSecret(pulumi.output(env.props.stdin))).toBe(true);
    const content = await value<string>(env.props.stdin);
    expect(content).toContain(`DATABASE_URL="postgresql://openclaw:${DB_PASSWORD}@10.0.0.2:5432/openclaw?sslmode=require"`);
    expect(content).toContain(`OPENCLAW_GATEWAY_TOKEN="${TOKEN}"`);
    expect(content).toContain(`ANTHROPIC_API_KEY="${API_KEY}"`);
    expect(stackRefs).toContain("organization/openclaw-infra/vps2");
  });

  it("points the gateway's OTLP export and the log agent at the observability host", async () => {
    const { find } = deploy();
    const config = JSON.parse(await value<string>(find("vps1-gateway-config").props.stdin));
    expect(config.diagnostics.otel.endpoint).toBe("http://10.0.0.2:4318");
    expect(config.diagnostics.otel).toMatchObject({
      tracesEndpoint: "http://10.0.0.2:4318/v1/traces",
      logsEndpoint: "http://10.0.0.2:3100/otlp/v1/logs",
    });
    const logsConfig = (
      await Promise.all(
        deploy()
          .recorded.filter((r) => r.name.startsWith("vps1-logs-"))
          .map((r) => value(r.props.stdin)),
      )
    ).join("\n");
    expect(logsConfig).toContain("http://10.0.0.2:3100/loki/api/v1/push");
  });

  it("keeps gateway.env at mode 0600 and the unit's triggers secret", async () => {
    const { find } = deploy();
    expect(await value(find("vps1-gateway-env").props.create)).toContain("chmod '0600'");
    expect(await pulumi.isSecret(pulumi.output(find("vps1-gateway-unit").props.triggers))).toBe(true);
    expect(await pulumi.isSecret(pulumi.output(find("vps1-gateway-config").props.stdin))).toBe(false);
  });

  it("puts no secret into any script, label, fact or non-secret payload, on either host", async () => {
    for (const host of ["vps1", "vps2"]) {
      const { recorded } = deploy(host, { cloudflared: { run: false } });
      for (const r of recorded.filter((r) => r.type === REMOTE)) {
        for (const key of ["create", "update", "delete", "label", "check", "observed"]) {
          const text = String((await value(r.props[key])) ?? "");
          for (const secret of SECRETS) expect(text, `${r.name}.${key}`).not.toContain(secret);
        }
        if (!(await pulumi.isSecret(pulumi.output(r.props.stdin)))) {
          const stdin = String((await value(r.props.stdin)) ?? "");
          for (const secret of SECRETS) expect(stdin, `${r.name}.stdin`).not.toContain(secret);
        }
      }
    }
  });

  it("pins the planned Node release and its checksum in the install script", async () => {
    const { find, deployed } = deploy();
    const script = await value<string>(find("vps1-node-install").props.create);
    expect(script).toContain("'http://dist.test/v24.22.3/node-v24.22.3-linux-x64.tar.xz'");
    expect(script).toContain(`'${"a".repeat(64)}'"  $work/node.tar.xz" | sha256sum --check`);
    expect(await value(must(deployed.nodeVersion, "nodeVersion"))).toBe("24.22.3");
  });

  it("deploys the tunnel's host side, switched off, with the token only on stdin", async () => {
    const { recorded, find } = deploy("vps1", { cloudflared: { run: false } });
    expect(recorded.map((r) => r.name)).toContain("vps1-cloudflared");
    const token = find("vps1-cloudflared-token");
    expect(await pulumi.isSecret(pulumi.output(token.props.stdin))).toBe(true);
  });
});

describe("vps1's state backup (restic)", () => {
  it("writes the repository's password only into root's 0600 file, on stdin, secret", async () => {
    const { recorded, find } = deploy();
    const file = find("vps1-state-backup-password");
    expect(await pulumi.isSecret(pulumi.output(file.props.stdin))).toBe(true);
    expect(await value(file.props.stdin)).toBe(`${RESTIC_PASSWORD}\n`);
    expect(await value<string>(file.props.create)).toContain("chmod '0600'");
    expect(await value<string>(file.props.create)).toContain("'/etc/restic/password'");
    // The repository is opened again when the password changes: by a digest, secret too.
    expect(await pulumi.isSecret(pulumi.output(find("vps1-state-backup-init").props.triggers))).toBe(true);
    const holders: string[] = [];
    for (const r of recorded.filter((r) => r.type === REMOTE))
      if (String(await value(r.props.stdin)).includes(RESTIC_PASSWORD)) holders.push(r.name);
    expect(holders).toEqual(["vps1-state-backup-password"]);
  });

  it("makes the repository's SFTP account on vps2 with vps1's key, and pins vps2's host key on vps1", async () => {
    const { find } = deploy();
    const account = find("vps1-state-backup-repository").props;
    expect((await value<{ host: string }>(account.connection)).host).toBe("192.0.2.12");
    expect(await value(account.stdin)).toBe(
      `restrict,command="/usr/lib/openssh/sftp-server" ssh-ed25519 ${"A".repeat(68)} vps1-state-backup-key`,
    );
    expect(await value<string>(account.create)).toContain(
      "install -d -m 0700 -o 'restic-repo' -g 'restic-repo' '/srv/backups/restic/vps1'",
    );
    expect(await value(find("vps1-state-backup-known-hosts").props.stdin)).toBe(`10.0.0.2 ${validConfig().topology.hosts.vps2.hostKey}\n`);
    expect(await value<string>(find("vps1-state-backup-script").props.stdin)).toContain(
      "restic --repo 'sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1'",
    );
  });

  it("backs up before a new gateway version is installed: the step's trigger is the version", async () => {
    const { find } = deploy();
    const step = find("vps1-state-backup-before-upgrade");
    expect(await value(step.props.triggers)).toEqual(["2026.9.6"]);
    expect(await value(step.props.label)).toBe("restic backup of /var/lib/openclaw before openclaw 2026.9.6");
    expect(await value<string>(step.props.create)).toContain("systemctl start 'restic-state-backup.service'");
    expect(step.dependsOn).toEqual(["vps1-state-backup-service"]);
  });

  it("restores nothing with restore: none, and still backs up before an upgrade", () => {
    const { recorded, find } = deploy("vps1", { stateBackup: { restore: "none" } });
    expect(recorded.map((r) => r.name)).not.toContain("vps1-gateway-seed");
    expect(find("vps1-gateway-install").dependsOn).toEqual([
      "vps1-gateway-release",
      "vps1-gateway-user",
      "vps1-gateway-env",
      "vps1-gateway-config",
      "vps1-state-backup-before-upgrade",
    ]);
  });

  it("refuses a repository on this host or on a host the topology does not have", () => {
    expect(() => deploy("vps1", { stateBackup: { repositoryHost: "vps1" } })).toThrow(
      "openclaw-infra:stateBackup.repositoryHost: 'vps1' is this host; backups go to another host, so losing one never loses both",
    );
    expect(() => deploy("vps1", { stateBackup: { repositoryHost: "vps7" } })).toThrow(
      "openclaw-infra:stateBackup.repositoryHost: 'vps7' is not a host of the topology (hosts: vps1, vps2)",
    );
  });
});

describe("vps1 with a Cloudflare-managed tunnel", () => {
  const tunnel = {
    hostname: "claw.example.com",
    accountId: "a".repeat(32),
    zoneId: "b".repeat(32),
    install: { from: "apt", keyFingerprint: "C".repeat(40) },
  };

  it("routes the public hostname to the gateway and lists it in the gateway's allowed origins", async () => {
    const { find, deployed } = deploy("vps1", { tunnel });
    expect(deployed.publicUrl).toBe("https://claw.example.com");
    const config = JSON.parse(await value<string>(find("vps1-gateway-config").props.stdin));
    expect(config.gateway.controlUi.allowedOrigins).toEqual(["https://claw.example.com"]);
    const ingress = await value<{ ingresses: object[] }>(find("vps1-tunnel-ingress").props.config);
    expect(ingress.ingresses).toEqual([
      { hostname: "claw.example.com", service: "http://127.0.0.1:18789" },
      { service: "http_status:404" },
    ]);
  });

  it("sends the tunnel to the gateway's port, as configured", async () => {
    const { find } = deploy("vps1", { tunnel, gateway: { port: 18800 } });
    const ingress = await value<{ ingresses: object[] }>(find("vps1-tunnel-ingress").props.config);
    expect(ingress.ingresses[0]).toEqual({ hostname: "claw.example.com", service: "http://127.0.0.1:18800" });
  });

  it("writes the token the provider returns into the 0600 token file, secret", async () => {
    const { find } = deploy("vps1", { tunnel });
    const file = find("vps1-tunnel-cloudflared-token");
    expect(await pulumi.isSecret(pulumi.output(file.props.stdin))).toBe(true);
    expect(await value(file.props.stdin)).toBe(TUNNEL_TOKEN);
  });
});

describe("a WireGuard private network (topology.privateNetwork: wireguard)", () => {
  const wireguard = () => {
    const topology = validConfig().topology as { hosts: Record<string, object> };
    return { topology: { ...topology, privateNetwork: "wireguard" } };
  };

  it("comes first: every resource built after it waits for all of it; the firewall and journald before it do not", () => {
    const { recorded } = deploy("vps1", wireguard());
    const names = recorded.map((r) => r.name);
    const first = names.indexOf("vps1-wireguard");
    expect(first).toBeGreaterThan(names.indexOf("vps1-firewall"));
    const own = (name: string) => name.startsWith("vps1-wireguard");
    const later = recorded.slice(first).filter((r) => !own(r.name));
    expect(later.length).toBeGreaterThan(40);
    for (const r of later) expect(r.dependsOn, r.name).toContain("vps1-wireguard");
    for (const r of recorded.slice(0, first)) expect(r.dependsOn, r.name).not.toContain("vps1-wireguard");
  });

  it("writes this host's peer entry on every other host, over a connection to it, with the key the host made", async () => {
    const { find, deployed } = deploy("vps1", wireguard());
    const entry = find("vps1-wireguard-peer-on-vps2");
    expect(await value(entry.props.connection)).toMatchObject({ host: "192.0.2.12" });
    const key = await value(deployed.wireguardPublicKey);
    expect(await value(entry.props.stdin)).toContain(`PublicKey=${key}`);
    expect(await value(entry.props.stdin)).toContain("Endpoint=192.0.2.11:51820");
    expect(await value(entry.props.stdin)).toContain("AllowedIPs=10.0.0.1/32");
    // The private key stays on the host: no step sends or prints it.
    expect(await value(find("vps1-wireguard-key").props.create)).toContain("wg pubkey < '/etc/wireguard/private.key'");
  });

  it("comes after the host's system check, which every resource waits for, the check itself aside", () => {
    const { recorded } = deploy("vps1", wireguard());
    expect(recorded[0].name).toBe("vps1-system");
    for (const r of recorded.filter((r) => !r.name.startsWith("vps1-system"))) expect(r.dependsOn, r.name).toContain("vps1-system");
  });

  it("is not there with the provider's network", () => {
    const { recorded } = deploy("vps1");
    expect(recorded.filter((r) => r.name.includes("wireguard"))).toEqual([]);
  });
});

describe("vps2 (observability + database) program", () => {
  it("registers metrics, logs, Loki, Tempo, the collector, PostgreSQL and Prometheus, and no gateway", () => {
    const { recorded } = deploy("vps2");
    const components = recorded.filter((r) => !r.type.startsWith("pulumi-nodejs")).map((r) => `${r.type} ${r.name}`);
    expect(components).toEqual([
      "openclaw:host:HostSystem vps2-system",
      "openclaw:host:Journald vps2-journald",
      "openclaw:observability:NodeExporter vps2-node-exporter",
      "openclaw:observability:PromtailJournal vps2-logs",
      "openclaw:observability:Loki vps2-loki",
      "openclaw:observability:Tempo vps2-tempo",
      "openclaw:observability:OtelCollector vps2-otel-collector",
      "openclaw:backup:PgBackRest vps2-pgbackrest",
      "openclaw:database:PostgresNative vps2-postgres",
      "openclaw:observability:PostgresExporter vps2-postgres-exporter",
      "openclaw:observability:Alertmanager vps2-alertmanager",
      "openclaw:observability:Prometheus vps2-prometheus",
    ]);
  });

  it("allows only the gateway host's private address in pg_hba and exports what the gateway needs", async () => {
    const { find, deployed } = deploy("vps2");
    const hba = await value<string>(find("vps2-postgres-hba").props.stdin);
    expect(hba).toMatch(/10\.0\.0\.1\/32/);
    expect(hba).not.toMatch(/10\.0\.0\.2\/32|0\.0\.0\.0/);
    expect(deployed.database).toEqual({ port: 5432, database: "openclaw", user: "openclaw", ssl: "require" });
    expect(await pulumi.isSecret(must(deployed.databasePassword, "databasePassword"))).toBe(true);
    expect(deployed.scrapeTargets).toEqual(["10.0.0.1:9100", "10.0.0.2:9100"]);
  });

  it("backs PostgreSQL up to vps1: WAL archiving on, the restore before the cluster's first start, the account made on vps1", async () => {
    const { recorded } = deploy("vps2");
    const step = (name: string) =>
      must(
        recorded.find((r) => r.name === name),
        name,
      );
    expect(await value<string>(step("vps2-postgres-conf").props.stdin)).toContain(
      "archive_command = '/usr/bin/pgbackrest --stanza=main archive-push %p'",
    );
    const cluster = await value<string>(step("vps2-postgres-cluster").props.create);
    expect(cluster.indexOf("restoring backup")).toBeGreaterThan(cluster.indexOf("pg_createcluster"));
    expect(cluster.indexOf("restoring backup")).toBeLessThan(cluster.indexOf('systemctl "$start"'));
    expect(step("vps2-postgres-cluster").dependsOn).toEqual(
      expect.arrayContaining(["vps2-pgbackrest-config", "vps2-pgbackrest-known-hosts", "vps2-pgbackrest-repository"]),
    );
    // vps2's stack makes the repository's account on vps1, reached as the operator reaches vps1.
    expect(await value(step("vps2-pgbackrest-repository").props.connection)).toMatchObject({ host: "192.0.2.11", hostKey: HOST_KEY_1 });
    expect(step("vps2-pgbackrest-stanza").dependsOn).toContain("vps2-postgres-databases");
    expect(await pulumi.isSecret(step("vps2-pgbackrest-config").props.stdin as pulumi.Output<string>)).toBe(true);
  });

  it("listens for metrics on the private address only", async () => {
    const { deployed } = deploy("vps2");
    expect(await value(must(deployed.metricsUrl, "metricsUrl"))).toBe("http://10.0.0.2:9100/metrics");
  });

  it("puts Prometheus and Alertmanager behind basic auth, and logs every client in with the stack's passwords", async () => {
    const { find } = deploy("vps2", { grafana: { run: false } });
    const stdin = (name: string) => value<string>(find(name).props.stdin);
    expect(await stdin("vps2-prometheus-password")).toBe(PROMETHEUS_PASSWORD);
    expect(await stdin("vps2-alertmanager-password")).toBe(ALERTMANAGER_PASSWORD);
    expect(await stdin("vps2-prometheus-web-config")).toMatch(/^basic_auth_users:\n {2}operator: \$2b\$10\$/m);
    expect(await stdin("vps2-alertmanager-web-config")).toMatch(/^basic_auth_users:\n {2}operator: \$2b\$10\$/m);
    // Prometheus scrapes itself and Alertmanager, and sends it alerts, with their password files.
    const config = await stdin("vps2-prometheus-config");
    expect(config).toContain("password_file: /etc/prometheus/prometheus-password");
    expect(config.match(/password_file: \/etc\/prometheus\/alertmanager-password/g)).toHaveLength(2);
    // The collector's remote write and Grafana's datasource.
    expect(await stdin("vps2-otel-collector-environment")).toContain(
      `PROMETHEUS_REMOTE_WRITE_AUTH=${Buffer.from(`operator:${PROMETHEUS_PASSWORD}`).toString("base64")}\n`,
    );
    expect(await stdin("vps2-grafana-prometheus-password")).toBe(PROMETHEUS_PASSWORD);
    expect(await stdin("vps2-grafana-datasources")).toContain("basicAuthUser: operator");
  });
});

/** What the resources whose name starts with `prefix` write to the host (their stdin), in one text. */
async function written(recorded: Recorded[], prefix: string): Promise<string> {
  const inputs = recorded.filter((r) => r.name.startsWith(prefix) && r.props.stdin !== undefined).map((r) => value<string>(r.props.stdin));
  return (await Promise.all(inputs)).join("\n");
}

describe("a port set once, in the project config both stacks read, moves every user of it", () => {
  it("loki.port: Loki, both hosts' log agents, the gateway's OTLP logs URL and Grafana's Loki datasource", async () => {
    const loki = { sha256: LOKI_SHA, port: 3110 };
    const vps1 = deploy("vps1", { loki });
    const vps2 = deploy("vps2", { loki, grafana: { run: false } });
    expect(await written(vps2.recorded, "vps2-loki-")).toContain("http_listen_port: 3110");
    for (const [host, { recorded }] of [
      ["vps1", vps1],
      ["vps2", vps2],
    ] as const) {
      const agent = await written(recorded, `${host}-logs-`);
      expect(agent).toContain("http://10.0.0.2:3110/loki/api/v1/push");
      expect(agent).not.toContain(":3100");
    }
    const gateway = JSON.parse(await value<string>(vps1.find("vps1-gateway-config").props.stdin));
    expect(gateway.diagnostics.otel.logsEndpoint).toBe("http://10.0.0.2:3110/otlp/v1/logs");
    const datasources = await value<string>(vps2.find("vps2-grafana-datasources").props.stdin);
    expect(datasources).toContain("url: http://10.0.0.2:3110");
    expect(datasources).not.toContain(":3100");
  });

  it("otelCollector.otlpHttpPort: the collector's receiver and the gateway's metrics endpoint", async () => {
    const otelCollector = { sha256: OTELCOL_SHA, otlpHttpPort: 4320 };
    const gateway = JSON.parse(await value<string>(deploy("vps1", { otelCollector }).find("vps1-gateway-config").props.stdin));
    expect(gateway.diagnostics.otel.metricsEndpoint).toBe("http://10.0.0.2:4320/v1/metrics");
    expect(await written(deploy("vps2", { otelCollector }).recorded, "vps2-otel-collector-")).toContain("endpoint: 10.0.0.2:4320");
  });
});

describe("stack names", () => {
  const cfg = (stacks = {}) => parseStackConfig({ ...validConfig(), stacks });
  it("derives the peer's stack from this one", () => {
    expect(stackOf(cfg(), "vps2", "vps1")).toBe("vps2");
    expect(stackOf(cfg(), "vps2", "sandbox-vps1")).toBe("sandbox-vps2");
  });
  it("takes an explicit name, and says when it needs one", () => {
    expect(stackOf(cfg({ vps2: "prod-db" }), "vps2", "prod")).toBe("prod-db");
    expect(() => stackOf(cfg(), "vps2", "prod")).toThrow(
      "openclaw-infra:stacks.vps2: required, since stack 'prod' does not contain 'vps1' to derive it from",
    );
  });
});
