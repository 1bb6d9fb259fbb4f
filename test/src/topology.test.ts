import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../src/config";
import { addressesOf, componentsOn, hostListeners } from "../../src/registry";
import { hostWithRole } from "../../src/topology";
import { validConfig } from "../fixtures/config";

const config = (overrides: Record<string, unknown> = {}) => parseStackConfig({ ...validConfig(), ...overrides });
/** The context a hook of the first entry on vps1 sees: its listener lookups cover the topology. */
const vps1 = (overrides: Record<string, unknown> = {}) => componentsOn(config(overrides))[0].ctx;

describe("peer endpoints derived from the topology and the listeners", () => {
  it("finds another host's listener at its private address, with the port its options set", () => {
    expect(vps1().listener("loki", "http")).toMatchObject({
      host: "vps2",
      component: "loki",
      ip: "10.0.0.2",
      port: 3100,
      setting: "loki.port",
    });
    expect(vps1().listener("otelCollector", "otlp-http")).toMatchObject({ ip: "10.0.0.2", port: 4319 });
    expect(vps1({ loki: { sha256: "d".repeat(64), port: 3110 } }).listener("loki", "http")?.port).toBe(3110);
    // A loopback listener is reached at 127.0.0.1, on its own host.
    expect(vps1().listener("gateway", "http")).toMatchObject({ host: "vps1", ip: "127.0.0.1", port: 18789, address: "loopback" });
  });

  it("follows a changed private address everywhere it is used", () => {
    const topology = validConfig().topology;
    topology.hosts.vps2.privateAddress = "10.0.0.22";
    const ctx = vps1({ topology });
    expect([ctx.listener("loki", "http")?.ip, ctx.listener("postgres", "postgresql")?.ip, ctx.peer("ssh", "sshd", "vps2").ip]).toEqual([
      "10.0.0.22",
      "10.0.0.22",
      "10.0.0.22",
    ]);
  });

  it("has no observability or database listeners without those roles", () => {
    const topology = validConfig().topology;
    topology.hosts.vps2.roles = ["gateway"];
    const ctx = vps1({ topology });
    expect(ctx.listener("loki", "http")).toBeUndefined();
    expect(ctx.listener("postgres", "postgresql")).toBeUndefined();
    expect(() => ctx.peer("loki", "http")).toThrow("registry: vps1 needs loki's http listener, which no host deploys");
    expect(addressesOf(config({ topology }), [{ role: "gateway" }])).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("lists every socket of a host: sshd first, then each component's, with who connects", () => {
    expect(
      hostListeners(config(), "vps1").map(
        (l) => `${l.component}.${l.name} ${l.address} ${l.port}/${l.protocol} <- ${JSON.stringify(l.from)}`,
      ),
    ).toEqual([
      'ssh.sshd all 22/tcp <- ["operator","every host"]',
      'nodeExporter.metrics private 9100/tcp <- ["observability host"]',
      'logs.http private 9080/tcp <- ["observability host"]',
      'gateway.http loopback 18789/tcp <- ["this host","operator"]',
      'blackbox.probe private 9115/tcp <- ["observability host"]',
    ]);
    expect(hostListeners(config(), "vps2").map((l) => `${l.setting} ${l.address} ${l.port}`)).toEqual([
      "topology.hosts.vps2.sshPort all 22",
      "nodeExporter.port private 9100",
      "logs.port private 9080",
      "loki.port private 3100",
      "loki.grpcPort loopback 9095",
      "tempo.port private 3200",
      "tempo.grpcPort loopback 9096",
      "tempo.otlpGrpcPort private 4317",
      "tempo.otlpHttpPort private 4318",
      "otelCollector.otlpHttpPort private 4319",
      "otelCollector.metricsPort private 8888",
      "otelCollector.healthPort loopback 13133",
      "pgBackRest.exporterPort private 9854",
      "postgres.port private 5432",
      "postgres.port loopback 5432",
      "postgresExporter.port private 9187",
      "alertmanager.port private 9093",
      "prometheus.port private 9090",
    ]);
  });

  it("finds the host of a role", () => {
    expect(hostWithRole(config().topology, "database")).toBe("vps2");
    expect(hostWithRole(config().topology, "gateway")).toBe("vps1");
  });
});
