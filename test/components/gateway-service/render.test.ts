import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installSpec, renderConfig, renderEnv, renderUnit } from "../../../components/gateway-service/render";
import { restartIfEnabledScript } from "../../../src/remote/systemd";
import { installScript } from "../../../src/remote/install";
import { gatewayOptionsSchema } from "../../../components/gateway-service/schema";
import { otlpSignalEndpoints } from "../../../src/topology";
import { FakeHost, fakeHost } from "../../support/fake-host";

const defaults = gatewayOptionsSchema.parse({});

describe("gateway rendering (golden files)", () => {
  it("renders the hardened unit", async () => {
    await expect(renderUnit(defaults)).toMatchFileSnapshot("golden/openclaw-gateway.service");
  });
  it("renders openclaw.json, each OTLP signal to its store", async () => {
    const peers = { otlpEndpoint: "http://10.0.0.2:4318", otlpSignals: otlpSignalEndpoints("10.0.0.2") };
    const cfg = renderConfig(gatewayOptionsSchema.parse({ allowedOrigins: ["https://claw.example.com"] }), peers);
    expect(JSON.parse(cfg).gateway.controlUi.allowedOrigins).toEqual(["https://claw.example.com"]);
    await expect(cfg).toMatchFileSnapshot("golden/openclaw.json");
  });
  it("renders openclaw.json from an object: 2-space JSON, keys in a fixed order, diagnostics only with a collector", () => {
    const s = gatewayOptionsSchema.parse({ allowedOrigins: ["https://claw.example.com"], bind: "lan", port: 18800 });
    const cfg = renderConfig(s, { otlpEndpoint: "http://10.0.0.2:4318", extraOrigins: ["https://b.example", "https://claw.example.com"] });
    expect(cfg).toBe(JSON.stringify(JSON.parse(cfg), null, 2) + "\n");
    expect(JSON.parse(cfg)).toEqual({
      gateway: { mode: "local", bind: "lan", port: 18800, auth: { mode: "token" }, controlUi: { allowedOrigins: ["https://b.example", "https://claw.example.com"] } },
      diagnostics: {
        enabled: true,
        otel: { enabled: true, endpoint: "http://10.0.0.2:4318", protocol: "http/protobuf", serviceName: "openclaw-gateway", traces: true, metrics: false, logs: true },
      },
    });
    expect(Object.keys(JSON.parse(cfg).gateway)).toEqual(["mode", "bind", "port", "auth", "controlUi"]);
    expect(JSON.parse(renderConfig(s))).not.toHaveProperty("diagnostics");
  });
  it("gives diagnostics-otel one URL per signal, each ending in /v1/<signal> so it is used as it is", () => {
    const otlpSignals = otlpSignalEndpoints("10.0.0.2");
    const otel = JSON.parse(renderConfig(defaults, { otlpEndpoint: "http://10.0.0.2:4318", otlpSignals })).diagnostics.otel;
    expect([otel.tracesEndpoint, otel.logsEndpoint]).toEqual([
      "http://10.0.0.2:4318/v1/traces",
      "http://10.0.0.2:3100/otlp/v1/logs",
    ]);
    expect(Object.keys(otel)).toEqual(["enabled", "endpoint", "tracesEndpoint", "logsEndpoint", "protocol", "serviceName", "traces", "metrics", "logs"]);
  });
  it("renders the install script: npm into a versioned prefix under /opt/openclaw, then the gateway restarted onto it or rolled back", async () => {
    await expect(installScript(installSpec(defaults, "https://registry.npmjs.org/"))).toMatchFileSnapshot("golden/install-openclaw.sh");
  });
  it("activates a new release by restarting the gateway's unit, if it runs, and waiting for its own /health", () => {
    const spec = installSpec(gatewayOptionsSchema.parse({ version: "2026.6.12", port: 18800 }), "https://registry.npmjs.org/");
    expect(spec.activate).toEqual({
      script: restartIfEnabledScript("openclaw-gateway.service", { url: "http://127.0.0.1:18800/health", expect: '"ok": ?true', unit: "openclaw-gateway.service" }),
      answers: "/health",
    });
    expect(installScript(spec)).toContain(`'openclaw 2026.6.12 failed its health check; rolled back to '"$was"', which answers /health'`);
  });
  it("renders gateway.env sorted and quoted for systemd", async () => {
    const env = renderEnv({ ZED: 'say "hi"', OPENCLAW_GATEWAY_TOKEN: "tok\\en", A: "1" });
    expect(env.split("\n").filter((l) => !l.startsWith("#") && l)).toEqual(['A="1"', 'OPENCLAW_GATEWAY_TOKEN="tok\\\\en"', 'ZED="say \\"hi\\""']);
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
    for (const line of ["ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "SystemCallFilter=@system-service", "PrivateUsers=yes"]) {
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
  const install = (version: string, broken = false) =>
    host.run(installScript({ ...installSpec(gatewayOptionsSchema.parse({ version }), "http://registry.test/"), root: host.root, fetch: host.release(version, { broken }) }));

  it("restarts the gateway onto a healthy release", () => {
    expect(install("2026.6.11").status).toBe(0);
    const r = install("2026.6.12");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("restarted openclaw-gateway.service\nhealthy after 1s");
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["2026.6.12", "2026.6.11", "2026.6.12"]);
  });

  it("rolls back a release that fails /health and fails with one line naming both, then the journal of the failed start", () => {
    expect(install("2026.6.11").status).toBe(0);
    const r = install("2026.6.12", true);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").slice(0, 2)).toEqual([
      "openclaw 2026.6.12 failed its health check; rolled back to 2026.6.11, which answers /health",
      "openclaw-gateway.service is not healthy at http://127.0.0.1:18789/health after 1s; last journal lines:",
    ]);
    expect(r.stderr).toContain("2026.6.12: cannot start (a broken build)\n");
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["2026.6.11", "", "2026.6.11"]);
  });
});
