import { describe, expect, it } from "vitest";
import { installSpec, renderConfig, renderEnv, renderUnit } from "../../../components/gateway-service/render";
import { installScript } from "../../../src/remote/install";
import { gatewayOptionsSchema } from "../../../components/gateway-service/schema";
import { otlpSignalEndpoints } from "../../../src/topology";

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
  it("renders the install script: npm into a versioned prefix under /opt/openclaw", async () => {
    await expect(installScript(installSpec("2026.6.11", "https://registry.npmjs.org/"))).toMatchFileSnapshot("golden/install-openclaw.sh");
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
  it("runs the pinned release from its own prefix under its own user", () => {
    const unit = renderUnit(gatewayOptionsSchema.parse({ version: "2026.6.12", port: 18800, bind: "lan" }));
    expect(unit).toContain("ExecStart=/opt/openclaw/2026.6.12/bin/openclaw gateway --bind lan --port 18800\n");
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
