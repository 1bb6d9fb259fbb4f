import { execFileSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { loadStackConfig, parseSecrets, parseStackConfig, preflight, requiredSecrets } from "../../src/config";
import { ValidationError } from "../../src/validate";
import { lookUpRelease } from "../../components/gateway-service/engines";
import { fakeFetch, LOKI_SHA, RawConfig, validConfig } from "../fixtures/config";
import { value } from "../support/mocks";

/** The error lines parseStackConfig throws for `raw`. */
function problems(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

describe("stack config", () => {
  it("accepts a valid config and fills in defaults", () => {
    const cfg = parseStackConfig(validConfig());
    expect(cfg.ssh).toEqual({ user: "root", privateKeyPath: "~/.ssh/id_ed25519", agent: true });
    expect(cfg.node).toEqual({ major: 24, from: "tarball", corepack: false });
    expect(cfg.gateway.version).toBe("2026.9.6");
    expect(cfg.gateway.port).toBe(18789);
    expect(cfg.gateway.hardening).toBe(true);
    expect(cfg.topology.hosts.vps1.sshPort).toBe(22);
  });

  it("parses the shipped Pulumi.yaml topology with each shipped stack", () => {
    const project = parse(fs.readFileSync("Pulumi.yaml", "utf8"));
    for (const stack of ["vps1", "vps2"]) {
      const stackFile = parse(fs.readFileSync(`Pulumi.${stack}.yaml`, "utf8"));
      const raw: Record<string, unknown> = { topology: project.config["openclaw-infra:topology"].value };
      for (const [k, v] of Object.entries(stackFile.config)) raw[k.replace("openclaw-infra:", "")] = v;
      expect(parseStackConfig(raw).host).toBe(stack);
    }
  });

  // Every error path, with its exact message.
  const cases: [string, (c: RawConfig) => void, string[]][] = [
    ["host missing", (c) => delete c.host, ["openclaw-infra:host: Invalid input: expected string, received undefined"]],
    ["host not in topology", (c) => (c.host = "vps9"), ["openclaw-infra:host: 'vps9' is not a host of the topology (hosts: vps1, vps2)"]],
    ["host name shape", (c) => (c.host = "VPS_1"), ["openclaw-infra:host: must be a lowercase host name"]],
    ["topology missing", (c) => delete c.topology, ["openclaw-infra:topology: Invalid input: expected object, received undefined"]],
    ["no hosts", (c) => (c.topology.hosts = {}), ["openclaw-infra:topology.hosts: must declare at least one host"]],
    [
      "bad address",
      (c) => (c.topology.hosts.vps1.address = "not an address!"),
      ["openclaw-infra:topology.hosts.vps1.address: must be an IPv4 address or a DNS name"],
    ],
    [
      "bad private address",
      (c) => (c.topology.hosts.vps1.privateAddress = "10.0.0.300"),
      ["openclaw-infra:topology.hosts.vps1.privateAddress: must be an IPv4 address"],
    ],
    [
      "duplicate private address",
      (c) => (c.topology.hosts.vps2.privateAddress = "10.0.0.1"),
      ["openclaw-infra:topology.hosts.vps2.privateAddress: is also the private address of vps1"],
    ],
    [
      "host key missing",
      (c) => delete c.topology.hosts.vps1.hostKey,
      ["openclaw-infra:topology.hosts.vps1.hostKey: Invalid input: expected string, received undefined"],
    ],
    [
      "host key shape",
      (c) => (c.topology.hosts.vps1.hostKey = "AAAA"),
      ["openclaw-infra:topology.hosts.vps1.hostKey: must be an SSH public host key: '<type> <base64>'"],
    ],
    [
      "unknown role",
      (c) => (c.topology.hosts.vps1.roles = ["mail"]),
      [`openclaw-infra:topology.hosts.vps1.roles.0: Invalid option: expected one of "gateway"|"observability"|"database"`],
    ],
    ["no roles", (c) => (c.topology.hosts.vps1.roles = []), ["openclaw-infra:topology.hosts.vps1.roles: must list at least one role"]],
    [
      "ssh port",
      (c) => (c.topology.hosts.vps1.sshPort = 0),
      ["openclaw-infra:topology.hosts.vps1.sshPort: Too small: expected number to be >=1"],
    ],
    ["ssh user", (c) => (c.ssh = { user: "Root Admin" }), ["openclaw-infra:ssh.user: must be a login name"]],
    [
      "misspelled key",
      (c) => (c.ssh = { privateKeyFile: "~/.ssh/x" }),
      ["openclaw-infra:ssh.privateKeyFile: unknown setting (misspelled?)"],
    ],
    ["unknown top-level key", (c) => (c.gatway = {}), ["openclaw-infra:gatway: unknown setting (misspelled?)"]],
    ["registry URL", (c) => (c.sources.npmRegistry = "ftp://x"), ["openclaw-infra:sources.npmRegistry: must be an http(s) URL"]],
    ["node major", (c) => (c.node = { major: 12 }), ["openclaw-infra:node.major: Too small: expected number to be >=18"]],
    [
      "node version shape",
      (c) => (c.node = { major: 22, version: "22" }),
      ["openclaw-infra:node.version: must be an exact version like 22.23.3"],
    ],
    [
      "node version vs major",
      (c) => (c.node = { major: 22, version: "24.16.0" }),
      ["openclaw-infra:node.version: 24.16.0 is not a 22.x release"],
    ],
    [
      "nodesource needs version",
      (c) => (c.node = { from: "nodesource" }),
      ["openclaw-infra:node.version: is required with from: nodesource (apt pins nodejs=<version>-1nodesource1)"],
    ],
    [
      "node source",
      (c) => (c.node = { from: "nvm" }),
      [`openclaw-infra:node.from: Invalid option: expected one of "tarball"|"nodesource"`],
    ],
    [
      "gateway version",
      (c) => (c.gateway = { version: "latest" }),
      ["openclaw-infra:gateway.version: must be an exact version like 2026.9.6"],
    ],
    ["gateway port", (c) => (c.gateway = { port: 80 }), ["openclaw-infra:gateway.port: Too small: expected number to be >=1024"]],
    // A port opened twice on one host: one line naming both settings, whatever the addresses (loopback here, private there).
    ["gateway port taken", (c) => (c.gateway = { port: 9100 }), ["openclaw-infra:gateway.port: 9100 is also nodeExporter.port on vps1"]],
    [
      "port taken on vps2",
      (c) => ((c.host = "vps2"), (c.prometheus = { port: 3100 })),
      ["openclaw-infra:prometheus.port: 3100 is also loki.port on vps2"],
    ],
    [
      "two ports taken, sshd's too",
      (c) => ((c.topology.hosts.vps1.sshPort = 9115), (c.gateway = { port: 9080 })),
      [
        "openclaw-infra:gateway.port: 9080 is also logs.port on vps1",
        "openclaw-infra:blackbox.port: 9115 is also topology.hosts.vps1.sshPort on vps1",
      ],
    ],
    [
      "gateway bind",
      (c) => (c.gateway = { bind: "0.0.0.0" }),
      [`openclaw-infra:gateway.bind: Invalid option: expected one of "loopback"|"lan"`],
    ],
    [
      "gateway env name",
      (c) => (c.gateway = { env: { "bad-name": "x" } }),
      ["openclaw-infra:gateway.env.bad-name: must be an environment variable name (A-Z, 0-9, _)"],
    ],
    ["gateway env value", (c) => (c.gateway = { env: { A: "two\nlines" } }), ["openclaw-infra:gateway.env.A: must be a single line"]],
    ["allowed origin", (c) => (c.gateway = { allowedOrigins: ["example.com"] }), ["openclaw-infra:gateway.allowedOrigins.0: Invalid URL"]],
    ["memory limit", (c) => (c.gateway = { memoryMax: "lots" }), ["openclaw-infra:gateway.memoryMax: must be a size like 2G"]],
    [
      "a derived key in gateway settings",
      (c) => (c.gateway = { settings: { gateway: { port: 18800, auth: { rateLimit: { maxAttempts: 5 } } } } }),
      ["openclaw-infra:gateway.settings.gateway.port: is derived: set by the option gateway.port, not in gateway.settings"],
    ],
    [
      "gateway settings shadowing derived keys",
      (c) => (c.gateway = { settings: { diagnostics: true } }),
      [
        "openclaw-infra:gateway.settings.diagnostics: is derived: set by the topology's OTLP receivers (tempo, otelCollector, loki), not in gateway.settings",
      ],
    ],
    [
      "gateway settings of the wrong type",
      (c) => (c.gateway = { settings: ["agents"] }),
      ["openclaw-infra:gateway.settings: Invalid input: expected record, received array"],
    ],
    ["cpu quota", (c) => (c.gateway = { cpuQuota: "2" }), ["openclaw-infra:gateway.cpuQuota: must be a percentage like 200%"]],
    [
      "a role on two hosts",
      (c) => (c.topology.hosts.vps1.roles = ["gateway", "database"]),
      ["openclaw-infra:topology.hosts: role 'database' is on vps1 and vps2; it must be on one host"],
    ],
    [
      "tunnel and cloudflared both",
      (c) => {
        c.tunnel = {
          hostname: "claw.example.com",
          accountId: "a".repeat(32),
          zoneId: "b".repeat(32),
          install: { from: "apt", keyFingerprint: "C".repeat(40) },
        };
        c.cloudflared = { run: false };
      },
      ["openclaw-infra:cloudflared: set either tunnel (managed through the Cloudflare API) or cloudflared (host side only), not both"],
    ],
    ["postgres option", (c) => (c.postgres = { version: 12 }), ["openclaw-infra:postgres.version: Too small: expected number to be >=13"]],
    [
      "state backup restore",
      (c) => (c.stateBackup = { restore: "yes" }),
      [`openclaw-infra:stateBackup.restore: Invalid option: expected one of "latest"|"none"`],
    ],
    [
      "state backup schedule",
      (c) => (c.stateBackup = { schedule: "daily; reboot" }),
      ["openclaw-infra:stateBackup.schedule: must be a systemd calendar expression like 'Sun *-*-* 01:00:00'"],
    ],
    [
      "state backup retention",
      (c) => (c.stateBackup = { retentionDays: 0 }),
      ["openclaw-infra:stateBackup.retentionDays: Too small: expected number to be >=1"],
    ],
    [
      "state backup misspelled",
      (c) => (c.stateBackup = { retention: 30 }),
      ["openclaw-infra:stateBackup.retention: unknown setting (misspelled?)"],
    ],
    [
      "log agent",
      (c) => (c.logs = { agent: "fluentd" }),
      [`openclaw-infra:logs.agent: Invalid option: expected one of "promtail"|"alloy"`],
    ],
    ["stack names", (c) => (c.stacks = { vps2: "" }), ["openclaw-infra:stacks.vps2: Too small: expected string to have >=1 characters"]],
  ];
  it.each(cases)("rejects %s", (_name, mutate, expected) => {
    const cfg = validConfig();
    mutate(cfg);
    expect(problems(cfg)).toEqual(expected);
  });

  it("reports every problem at once", () => {
    const cfg = validConfig();
    cfg.gateway = { port: 80, bind: "all" };
    expect(problems(cfg)).toHaveLength(2);
  });
});

describe("secrets", () => {
  it("requires what the host's roles need", () => {
    expect(requiredSecrets(parseStackConfig(validConfig()))).toEqual(["resticPassword", "gatewayToken"]);
    expect(requiredSecrets(parseStackConfig({ ...validConfig(), cloudflared: { run: false } }))).toEqual([
      "tunnelToken",
      "resticPassword",
      "gatewayToken",
    ]);
    // Prometheus's password once, though the collector reads it too.
    expect(requiredSecrets(parseStackConfig({ ...validConfig(), host: "vps2" }))).toEqual([
      "prometheusPassword",
      "pgBackRestCipherPass",
      "postgresPasswords",
      "postgresExporterPassword",
      "alertmanagerPassword",
    ]);
  });
  it("never echoes a secret value in its error", () => {
    try {
      parseSecrets({ gatewayToken: "tok", gatewayEnv: "sk-live-value" });
      throw new Error("expected rejection");
    } catch (err) {
      expect((err as Error).message).toContain("openclaw-infra:gatewayEnv");
      expect((err as Error).message).not.toContain("sk-live-value");
    }
  });
});

/** The stack's config as Pulumi hands it to the program: every key prefixed, objects as JSON, secrets decrypted. */
function stackConfig(raw: Record<string, unknown>): Record<string, string> {
  const key = (k: string) => (k.includes(":") ? k : `openclaw-infra:${k}`);
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [key(k), typeof v === "string" ? v : JSON.stringify(v)]));
}
const TOKEN = "t0ken-" + "x".repeat(30);
const RESTIC_PASSWORD = "r3stic-" + "y".repeat(30);

/** The one line a loading or preflight failure prints. */
async function failure(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the config to be refused");
}

describe("loading the stack's config", () => {
  it("reads every key the stack sets, secrets (objects as JSON) included", async () => {
    // A real key file: the SSH login is checked on this machine before anything else runs.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-key-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "id")]);
    const ssh = { privateKeyPath: path.join(dir, "id"), agent: false };
    const { config, secrets } = loadStackConfig(
      stackConfig({
        ...validConfig(),
        ssh,
        gatewayToken: TOKEN,
        gatewayEnv: { A: "1" },
        resticPassword: RESTIC_PASSWORD,
        postgresPasswords: { openclaw: "p".repeat(20) },
        "cloudflare:apiToken": "x",
      }),
    );
    fs.rmSync(dir, { recursive: true });
    expect(config.host).toBe("vps1");
    expect(await value(secrets)).toEqual({
      gatewayToken: TOKEN,
      gatewayEnv: { A: "1" },
      gatewayInstances: {},
      resticPassword: RESTIC_PASSWORD,
      postgresPasswords: { openclaw: "p".repeat(20) },
    });
  });

  // Point 4 of issue 6: each refused in one line naming the key.
  it("refuses an unknown openclaw-infra key", async () => {
    const all = stackConfig({ ...validConfig(), gatewayToken: TOKEN, gatway: { port: 1 } });
    expect(await failure(() => loadStackConfig(all))).toBe("openclaw-infra:gatway: unknown setting (misspelled?)");
  });

  it("refuses a gateway token the gateway would refuse, without printing it", async () => {
    for (const [token, why] of [
      ["short-token", "must be at least 24 characters"],
      ["a token with spaces in it, long enough", "must not contain whitespace"],
    ]) {
      const message = await failure(() =>
        loadStackConfig(stackConfig({ ...validConfig(), gatewayToken: token, resticPassword: RESTIC_PASSWORD })),
      );
      expect(message).toBe(`openclaw-infra:gatewayToken: ${why}`);
    }
  });

  it("refuses a restic password restic's component would refuse, without printing it", async () => {
    for (const [password, why] of [
      ["short-password", "must be at least 20 characters"],
      ["a password with spaces in it, long enough", "must not contain whitespace"],
    ]) {
      const message = await failure(() =>
        loadStackConfig(stackConfig({ ...validConfig(), gatewayToken: TOKEN, resticPassword: password })),
      );
      expect(message).toBe(`openclaw-infra:resticPassword: ${why}`);
    }
  });

  it("refuses a settings reference to a gateway secret that is not set, and a credential in plaintext, naming the path", async () => {
    const apiKey = { source: "env", provider: "default", id: "ANTHROPIC_API_KEY" };
    const withSettings = (settings: object, gatewayEnv: object) =>
      stackConfig({ ...validConfig(), gateway: { settings }, gatewayToken: TOKEN, gatewayEnv, resticPassword: RESTIC_PASSWORD });
    expect(await failure(() => loadStackConfig(withSettings({ models: { providers: { anthropic: { apiKey } } } }, { OTHER: "x" })))).toBe(
      "openclaw-infra:gateway.settings.models.providers.anthropic.apiKey: references ANTHROPIC_API_KEY, which is not set: add it to the secret gatewayEnv",
    );
    expect(await failure(() => loadStackConfig(withSettings({ channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}" } } }, {})))).toBe(
      "openclaw-infra:gateway.settings.channels.telegram.botToken: references TELEGRAM_BOT_TOKEN, which is not set: add it to the secret gatewayEnv",
    );
    expect(await failure(() => loadStackConfig(withSettings({ channels: { telegram: { botToken: "123456:plain-token" } } }, {})))).toBe(
      "openclaw-infra:gateway.settings.channels.telegram.botToken: looks like a credential in plaintext: put it in the secret gatewayEnv " +
        'and reference it as {source: "env", provider: "default", id: "<NAME>"}',
    );
  });

  it("says which secret a host cannot do without", async () => {
    expect(await failure(() => loadStackConfig(stackConfig({ ...validConfig(), resticPassword: RESTIC_PASSWORD })))).toBe(
      "openclaw-infra:gatewayToken: is required: npm run secrets -- <stack> sets it (or pipe the value: ... | pulumi config set --secret gatewayToken)",
    );
    expect(await failure(() => loadStackConfig(stackConfig({ ...validConfig(), gatewayToken: TOKEN })))).toBe(
      "openclaw-infra:resticPassword: is required: npm run secrets -- <stack> sets it (or pipe the value: ... | pulumi config set --secret resticPassword)",
    );
  });
});

describe("preflight", () => {
  // The preview's validator caches releases: a cache of this test's own, so what another run
  // cached does not decide what this one sees (here, the fake registry serves no release to
  // cache, so the validator is skipped with a warning).
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-cache-"));
  beforeAll(() => {
    vi.stubEnv("OPENCLAW_INFRA_CACHE", cache);
    // A preview's preflights: only an up asks for the database stack's outputs (program.test.ts).
    pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
      "openclaw-infra",
      "vps1",
      true,
    );
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it("refuses an openclaw release the npm registry does not have", async () => {
    const config = parseStackConfig({ ...validConfig(), gateway: { version: "2099.1.1" } });
    vi.stubGlobal("fetch", fakeFetch());
    expect(await failure(() => preflight(config))).toBe(
      "openclaw-infra:gateway.version: openclaw@2099.1.1 is not on the npm registry http://registry.test/",
    );
    vi.unstubAllGlobals();
  });

  it("names the registry when it cannot be asked", async () => {
    const config = parseStackConfig(validConfig());
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 192.0.2.1:80") });
    });
    expect(await failure(() => preflight(config))).toBe(
      "openclaw-infra:sources.npmRegistry: cannot look up openclaw@2026.9.6: GET http://registry.test/openclaw/2026.9.6: Error: connect ECONNREFUSED 192.0.2.1:80",
    );
    vi.unstubAllGlobals();
  });

  it("passes a published release, and asks only for the gateway host", async () => {
    vi.stubGlobal("fetch", fakeFetch());
    await preflight(parseStackConfig(validConfig()));
    vi.stubGlobal("fetch", async () => {
      throw new Error("vps2 deploys no gateway: nothing to look up");
    });
    await preflight(parseStackConfig({ ...validConfig(), host: "vps2" }));
    vi.unstubAllGlobals();
  });

  it("asks for the sha256 of the Loki and Tempo releases the observability host downloads: the publisher's, to pin", async () => {
    const { loki: _loki, tempo: _tempo, ...config } = validConfig();
    vi.stubGlobal("fetch", fakeFetch());
    expect((await failure(() => preflight(parseStackConfig({ ...config, host: "vps2" })))).split("\n")).toEqual([
      "2 problems:",
      `  openclaw-infra:loki.sha256: is not set: https://github.com/grafana/loki/releases/download/v3.6.4/SHA256SUMS lists ${LOKI_SHA} ` +
        `for loki-linux-amd64.zip; pin it with pulumi config set --path loki.sha256 ${LOKI_SHA} (or set it to 'published')`,
      "  openclaw-infra:tempo.sha256: is required: the sha256 of https://github.com/grafana/tempo/releases/download/v2.9.0/tempo_2.9.0_linux_amd64.tar.gz, " +
        "and its publisher's list https://github.com/grafana/tempo/releases/download/v2.9.0/SHA256SUMS answered HTTP 404",
    ]);
    vi.unstubAllGlobals();
  });

  it("names the Node.js dist when it cannot be read, and the option when it lacks the release", async () => {
    vi.stubGlobal("fetch", async (url: string) => {
      if (url.startsWith("http://unreachable.test/")) throw new TypeError("fetch failed", { cause: { code: "ENOTFOUND" } });
      return fakeFetch()(url);
    });
    const unreachable = { ...validConfig(), sources: { ...validConfig().sources, nodeDist: "http://unreachable.test" } };
    expect(await failure(() => preflight(parseStackConfig(unreachable)))).toBe(
      "openclaw-infra:sources.nodeDist: cannot resolve Node.js 24.x: http://unreachable.test/index.json could not be read (ENOTFOUND)",
    );
    expect(await failure(() => preflight(parseStackConfig({ ...validConfig(), node: { major: 24, version: "24.1.0" } })))).toBe(
      "openclaw-infra:node.version: cannot resolve Node.js 24.1.0: http://dist.test/v24.1.0/SHASUMS256.txt answered HTTP 404: the dist has no Node.js 24.1.0",
    );
    expect(await failure(() => preflight(parseStackConfig({ ...validConfig(), node: { major: 26 } })))).toBe(
      "openclaw-infra:node.major: cannot resolve Node.js 26.x: http://dist.test/index.json lists no Node.js 26.x release",
    );
    vi.unstubAllGlobals();
  });

  it("gives up on a registry that does not answer after the timeout, without retrying", async () => {
    let calls = 0;
    const hang = (_url: string, init?: { signal?: AbortSignal }) => {
      calls++;
      return new Promise<never>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    };
    expect(await lookUpRelease("http://registry.test/", "2026.6.11", hang, 50)).toEqual({
      unreachable: "GET http://registry.test/openclaw/2026.6.11: no answer within 0.05 s",
    });
    expect(calls).toBe(1);
  });
});
