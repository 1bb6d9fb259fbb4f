import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  installSpec,
  migrationScript,
  renderConfig,
  renderEnv,
  renderSeedFacts,
  renderSeedScript,
  renderUnit,
} from "../../../components/gateway-service/render";
import { restartIfEnabledScript } from "../../../src/remote/systemd";
import { fetchScript, installScript } from "../../../src/remote/install";
import { gatewayOptionsSchema } from "../../../components/gateway-service/schema";
import { FakeHost, fakeHost } from "../../support/fake-host";

const defaults = gatewayOptionsSchema.parse({});
/** The Node a release is planned on, as NodeRuntime reports it. */
const NODE = { version: "24.22.3", path: "/usr/local/bin/node" };
/** Each signal at its store on the observability host, as the registry derives them from the listeners. */
const otlpSignals = {
  traces: "http://10.0.0.2:4318/v1/traces",
  metrics: "http://10.0.0.2:4319/v1/metrics",
  logs: "http://10.0.0.2:3100/otlp/v1/logs",
};

describe("gateway rendering (golden files)", () => {
  it("renders the hardened unit", async () => {
    await expect(renderUnit(defaults)).toMatchFileSnapshot("golden/openclaw-gateway.service");
  });
  it("renders openclaw.json, each OTLP signal to its store", async () => {
    const peers = { otlpEndpoint: "http://10.0.0.2:4318", otlpSignals };
    const cfg = renderConfig(gatewayOptionsSchema.parse({ allowedOrigins: ["https://claw.example.com"] }), peers);
    expect(JSON.parse(cfg).gateway.controlUi.allowedOrigins).toEqual(["https://claw.example.com"]);
    await expect(cfg).toMatchFileSnapshot("golden/openclaw.json");
  });
  it("renders openclaw.json from an object: 2-space JSON, keys in a fixed order, diagnostics only with a collector", () => {
    const s = gatewayOptionsSchema.parse({ allowedOrigins: ["https://claw.example.com"], bind: "lan", port: 18800 });
    const cfg = renderConfig(s, { otlpEndpoint: "http://10.0.0.2:4318", extraOrigins: ["https://b.example", "https://claw.example.com"] });
    expect(cfg).toBe(JSON.stringify(JSON.parse(cfg), null, 2) + "\n");
    expect(JSON.parse(cfg)).toEqual({
      gateway: {
        mode: "local",
        bind: "lan",
        port: 18800,
        auth: { rateLimit: { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 }, mode: "token" },
        controlUi: { allowedOrigins: ["https://b.example", "https://claw.example.com"] },
      },
      session: { dmScope: "per-channel-peer" },
      diagnostics: {
        enabled: true,
        otel: {
          enabled: true,
          endpoint: "http://10.0.0.2:4318",
          protocol: "http/protobuf",
          serviceName: "openclaw-gateway",
          traces: true,
          metrics: false,
          logs: true,
        },
      },
    });
    expect(Object.keys(JSON.parse(cfg).gateway)).toEqual(["auth", "bind", "controlUi", "mode", "port"]);
    expect(JSON.parse(renderConfig(s))).not.toHaveProperty("diagnostics");
  });
  it("gives diagnostics-otel one URL per signal, each ending in /v1/<signal> so it is used as it is", () => {
    const otel = JSON.parse(renderConfig(defaults, { otlpEndpoint: "http://10.0.0.2:4318", otlpSignals })).diagnostics.otel;
    expect([otel.tracesEndpoint, otel.metricsEndpoint, otel.logsEndpoint]).toEqual([
      "http://10.0.0.2:4318/v1/traces",
      "http://10.0.0.2:4319/v1/metrics",
      "http://10.0.0.2:3100/otlp/v1/logs",
    ]);
    expect(otel.metrics, "metrics on once they have their own URL").toBe(true);
    expect(Object.keys(otel)).toEqual([
      "enabled",
      "endpoint",
      "logs",
      "logsEndpoint",
      "metrics",
      "metricsEndpoint",
      "protocol",
      "serviceName",
      "traces",
      "tracesEndpoint",
    ]);
  });
  it("renders the install script: npm into a versioned prefix under /opt/openclaw, then the gateway restarted onto it or rolled back", async () => {
    await expect(installScript(installSpec(defaults, "https://registry.npmjs.org/", NODE))).toMatchFileSnapshot(
      "golden/install-openclaw.sh",
    );
  });
  it("activates a new release by restarting the gateway's unit, if it runs, and waiting for its readiness (/readyz from 2026.3.1, /health before)", () => {
    const spec = installSpec(gatewayOptionsSchema.parse({ version: "2026.6.12", port: 18800 }), "https://registry.npmjs.org/", NODE);
    expect(spec.activate).toEqual({
      script: restartIfEnabledScript(
        "openclaw-gateway.service",
        { url: "http://127.0.0.1:18800/readyz", expect: '"ready": ?true', unit: "openclaw-gateway.service" },
        migrationScript(gatewayOptionsSchema.parse({ version: "2026.6.12", port: 18800 })),
      ),
      rollback: restartIfEnabledScript("openclaw-gateway.service", {
        url: "http://127.0.0.1:18800/readyz",
        expect: '"ready": ?true',
        unit: "openclaw-gateway.service",
      }),
      answers: "/readyz",
    });
    expect(installScript(spec)).toContain(
      `'openclaw 2026.6.12+node24.22.3 failed its health check; rolled back to '"$was"', which answers /readyz'`,
    );
    const before = installSpec(gatewayOptionsSchema.parse({ version: "2026.2.26" }), "https://registry.npmjs.org/", NODE);
    expect(before.activate?.answers).toBe("/health");
    expect(before.activate?.script).toContain("http://127.0.0.1:18789/health");
  });
  it("renders gateway.env sorted and quoted for systemd", async () => {
    const env = renderEnv({ ZED: 'say "hi"', OPENCLAW_GATEWAY_TOKEN: "tok\\en", A: "1" });
    expect(env.split("\n").filter((l) => !l.startsWith("#") && l)).toEqual([
      'A="1"',
      'OPENCLAW_GATEWAY_TOKEN="tok\\\\en"',
      'ZED="say \\"hi\\""',
    ]);
  });
});

describe("gateway unit", () => {
  it("is deterministic", () => {
    expect(renderUnit(defaults)).toBe(renderUnit(gatewayOptionsSchema.parse({})));
  });
  it("runs the current release (through /opt/openclaw/current) under its own user: an upgrade leaves the unit file as it is", () => {
    const unit = renderUnit(gatewayOptionsSchema.parse({ version: "2026.6.12", port: 18800, bind: "lan" }));
    expect(unit).toContain("ExecStart=/opt/openclaw/current/bin/openclaw gateway --bind lan --port 18800\n");
    expect(unit).not.toContain("2026.6.12");
    expect(unit).toBe(renderUnit(gatewayOptionsSchema.parse({ version: "2026.6.11", port: 18800, bind: "lan" })));
    expect(unit).toContain("User=openclaw\n");
    expect(unit).toContain("EnvironmentFile=/etc/openclaw/gateway.env\n");
  });
  it("hardens by default and only drops hardening when asked", () => {
    const hardened = renderUnit(defaults);
    for (const line of [
      "ProtectSystem=strict",
      "NoNewPrivileges=yes",
      "CapabilityBoundingSet=",
      "SystemCallFilter=@system-service",
      "PrivateUsers=yes",
    ]) {
      expect(hardened).toContain(`${line}\n`);
    }
    expect(hardened).not.toContain("MemoryDenyWriteExecute");
    const open = renderUnit(gatewayOptionsSchema.parse({ hardening: false }));
    expect(open).not.toContain("ProtectSystem");
    expect(open).toContain("MemoryMax=2G");
  });
});

// The gateway's own install script (its activation: restart openclaw-gateway.service, wait for
// /health) run by bash on a fake host: stand-ins for systemctl, curl and journalctl, releases
// that are shell scripts, the install root in a temp folder.
describe("a gateway upgrade, run by bash on a fake host", () => {
  let host: FakeHost;
  beforeEach(() => {
    host = fakeHost("bin/openclaw");
    host.enable();
  });
  afterEach(() => host.cleanup());
  /** The gateway's install script with its host paths moved into the fake host. */
  const install = (version: string, opts: { broken?: boolean; noMigrate?: boolean; node?: string } = {}) => {
    const env = path.join(host.dir, "gateway.env");
    fs.writeFileSync(env, 'OPENCLAW_GATEWAY_TOKEN="t"\n');
    const config = path.join(host.dir, "openclaw.json");
    fs.writeFileSync(config, "{}\n");
    const spec = installSpec(gatewayOptionsSchema.parse({ version }), "http://registry.test/", {
      ...NODE,
      version: opts.node ?? NODE.version,
    });
    const script = installScript({ ...spec, root: host.root, fetch: host.release(spec.version, opts) });
    const moved = script
      .replaceAll("/etc/openclaw/gateway.env", env)
      .replaceAll("/etc/openclaw/openclaw.json", config)
      .replaceAll("/run/openclaw-migrate", path.join(host.dir, "openclaw-migrate"))
      .replaceAll("/var/lib/openclaw", host.dir)
      .replaceAll("/opt/openclaw", host.root)
      // The fake host has no user openclaw: files stay this user's (chown is a stand-in).
      .replaceAll("-o openclaw -g openclaw ", "");
    return host.run(moved);
  };

  it("stops the gateway, has the new release migrate the state, then starts it on that release", () => {
    expect(install("2026.6.11", { node: "22.23.3" }).status).toBe(0);
    host.calls();
    const r = install("2026.6.12");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "openclaw 2026.6.12+node24.22.3: state migrated (openclaw doctor --fix --non-interactive)\nrestarted openclaw-gateway.service\nhealthy after 1s",
    );
    expect(host.doctors()).toBe(
      "2026.6.11+node22.23.3: doctor doctor --fix --non-interactive\n2026.6.12+node24.22.3: doctor doctor --fix --non-interactive\n",
    );
    expect(
      host
        .calls()
        .split("\n")
        .filter((c) => /^(stop|start|restart) /.test(c)),
    ).toEqual(["stop openclaw-gateway.service", "start openclaw-gateway.service"]);
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual([
      "2026.6.12+node24.22.3",
      "2026.6.11+node22.23.3",
      "2026.6.12+node24.22.3",
    ]);
  });

  it("rolls back a release whose migration fails, before it ever starts: the old release runs again", () => {
    expect(install("2026.6.11", { node: "22.23.3" }).status).toBe(0);
    const r = install("2026.6.12", { noMigrate: true });
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").slice(0, 3)).toEqual([
      "openclaw 2026.6.12+node24.22.3 failed its health check; rolled back to 2026.6.11+node22.23.3, which answers /readyz",
      "openclaw 2026.6.12+node24.22.3: its migration (openclaw doctor --fix --non-interactive) failed:",
      "2026.6.12+node24.22.3: the state cannot be migrated",
    ]);
    expect(host.running()).toBe("2026.6.11+node22.23.3");
    expect([host.link("current"), host.link("previous")]).toEqual(["2026.6.11+node22.23.3", ""]);
    // The old release is started again, not asked to migrate the state it ran on: its one
    // migration is its own first start's (the failed one logs nothing).
    expect(host.doctors()).toBe("2026.6.11+node22.23.3: doctor doctor --fix --non-interactive\n");
  });

  it("rolls back a release that fails /health and fails with one line naming both, then the journal of the failed start", () => {
    expect(install("2026.6.11", { node: "22.23.3" }).status).toBe(0);
    const r = install("2026.6.12", { broken: true });
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").slice(0, 2)).toEqual([
      "openclaw 2026.6.12+node24.22.3 failed its health check; rolled back to 2026.6.11+node22.23.3, which answers /readyz",
      "openclaw-gateway.service is not healthy at http://127.0.0.1:18789/readyz after 1s; last journal lines:",
    ]);
    expect(r.stderr).toContain("2026.6.12+node24.22.3: cannot start (a broken build)\n");
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["2026.6.11+node22.23.3", "", "2026.6.11+node22.23.3"]);
  });
});

// A release's fetch under real bash: NodeRuntime's node and npm are stand-ins; npm records the
// node it would run on.
describe("fetching a release with the Node it runs on (under real bash)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-fetch-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(
      path.join(dir, "bin", "npm"),
      [
        "#!/bin/bash",
        'while [ "$1" != --prefix ]; do shift; done; prefix=$2',
        'install -d "$prefix/bin"; printf "#!/bin/sh\\n" > "$prefix/bin/openclaw"; chmod +x "$prefix/bin/openclaw"',
        'command -v node > "$prefix/npm-ran-on"',
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fetch = (reports: string) => {
    const node = path.join(dir, "node");
    fs.writeFileSync(node, `#!/bin/sh\necho ${reports}\n`, { mode: 0o755 });
    const spec = installSpec(defaults, "http://registry.test/", { version: "24.22.3", path: node });
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", fetchScript({ ...spec, root: path.join(dir, "opt") })], {
      encoding: "utf8",
      env: { PATH: `${dir}/bin:${process.env.PATH}`, SHLVL: "1" },
    });
    return { ...r, node, prefix: path.join(dir, "opt", spec.version) };
  };

  it("keeps a hard link to the runtime's node in the release, and has npm run on it", () => {
    const r = fetch("v24.22.3");
    expect(r.status, r.stderr).toBe(0);
    expect(r.prefix.endsWith("/opt/2026.9.6+node24.22.3")).toBe(true);
    expect(fs.statSync(path.join(r.prefix, "node", "bin", "node")).ino).toBe(fs.statSync(r.node).ino);
    expect(fs.readFileSync(path.join(r.prefix, "npm-ran-on"), "utf8")).toBe(
      `${path.join(dir, "opt", ".partial-2026.9.6+node24.22.3")}/node/bin/node\n`,
    );
  });

  it("fails before npm runs when the runtime's node is not the planned one, and installs nothing", () => {
    const r = fetch("v22.23.3");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${r.node} is node v22.23.3, not the 24.22.3 openclaw 2026.9.6 is planned on\n`);
    expect(fs.existsSync(r.prefix)).toBe(false);
  });
});

describe("the seed step: a backup tool's restore on a blank host (under real bash)", () => {
  let dir: string;
  let at: { stateDir: string; user: string; unit: string };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-seed-"));
    fs.mkdirSync(path.join(dir, "bin"));
    // systemctl: the gateway runs when the file `active` exists.
    fs.writeFileSync(path.join(dir, "bin", "systemctl"), `#!/bin/bash\n[ "$1" = is-active ] && [ -e ${dir}/active ]\n`, { mode: 0o755 });
    at = { stateDir: path.join(dir, "state"), user: os.userInfo().username, unit: "openclaw-gateway.service" };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const SEED = 'echo "restoring into $state"\necho data > "$state/restored"';
  const run = (script: string) =>
    spawnSync("bash", ["-euo", "pipefail", "-c", script], {
      encoding: "utf8",
      env: { PATH: `${dir}/bin:${process.env.PATH}`, SHLVL: "1" },
    });
  const facts = () => run(renderSeedFacts(at)).stdout;

  it("renders the step's script", async () => {
    await expect(renderSeedScript("# the backup tool's restore\n")).toMatchFileSnapshot("golden/seed.sh");
  });

  it("seeds an absent state directory, or one with only stale locks, and leaves it the gateway user's, 0700", () => {
    expect(facts()).toBe("state=blank\n");
    const r = run(renderSeedScript(SEED, at));
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`restoring into ${at.stateDir}\n`);
    expect(fs.readFileSync(path.join(at.stateDir, "restored"), "utf8")).toBe("data\n");
    expect((fs.statSync(at.stateDir).mode & 0o777).toString(8)).toBe("700");
    expect(facts()).toBe("state=present\n");

    fs.rmSync(at.stateDir, { recursive: true });
    fs.mkdirSync(at.stateDir);
    fs.writeFileSync(path.join(at.stateDir, "gateway.4242.lock"), "");
    expect(facts()).toBe("state=blank\n");
    expect(run(renderSeedScript(SEED, at)).status).toBe(0);
    expect(fs.readdirSync(at.stateDir)).toEqual(["restored"]);
  });

  it("never seeds a state directory with data, nor one the running gateway uses", () => {
    fs.mkdirSync(at.stateDir);
    fs.writeFileSync(path.join(at.stateDir, "device.json"), "{}");
    expect(run(renderSeedScript(SEED, at)).stdout).toBe(`${at.stateDir} holds data: nothing to restore\n`);
    expect(fs.readdirSync(at.stateDir)).toEqual(["device.json"]);

    fs.rmSync(path.join(at.stateDir, "device.json"));
    fs.writeFileSync(path.join(dir, "active"), "");
    // As the step leaves it: a refresh shows no change.
    expect(facts()).toBe("state=present\n");
    const r = run(renderSeedScript(SEED, at));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("openclaw-gateway.service already runs on an empty");
    expect(fs.readdirSync(at.stateDir)).toEqual([]);
  });

  it("fails when any step of the seed fails, not only its last", () => {
    const r = run(renderSeedScript('false\necho "went on"', at));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
  });
});
