import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../src/config";
import { hostWithRole, peerEndpoints } from "../../src/topology";
import { validConfig } from "../fixtures/config";

const topology = () => parseStackConfig(validConfig()).topology;

describe("peer endpoints derived from the topology", () => {
  it("derives every peer address from the private addresses", () => {
    expect(peerEndpoints(topology())).toEqual({
      lokiPushUrl: "http://10.0.0.2:3100/loki/api/v1/push",
      otlpEndpoint: "http://10.0.0.2:4318",
      otlpSignals: {
        traces: "http://10.0.0.2:4318/v1/traces",
        metrics: "http://10.0.0.2:4319/v1/metrics",
        logs: "http://10.0.0.2:3100/otlp/v1/logs",
      },
      databaseHost: "10.0.0.2",
      databasePeers: ["10.0.0.1"],
      scrapeTargets: ["10.0.0.1:9100", "10.0.0.2:9100"],
    });
  });

  it("follows a changed private address everywhere it is used", () => {
    const t = topology();
    t.hosts.vps2.privateAddress = "10.0.0.22";
    const p = peerEndpoints(t);
    expect([p.lokiPushUrl, p.otlpEndpoint, p.otlpSignals?.traces, p.databaseHost, p.scrapeTargets[1]]).toEqual([
      "http://10.0.0.22:3100/loki/api/v1/push",
      "http://10.0.0.22:4318",
      "http://10.0.0.22:4318/v1/traces",
      "10.0.0.22",
      "10.0.0.22:9100",
    ]);
  });

  it("has no observability or database endpoints without those roles", () => {
    const t = topology();
    t.hosts.vps2.roles = ["gateway"];
    const p = peerEndpoints(t);
    expect(p.lokiPushUrl).toBeUndefined();
    expect(p.otlpSignals).toBeUndefined();
    expect(p.databaseHost).toBeUndefined();
    expect(p.databasePeers).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("finds the host of a role", () => {
    expect(hostWithRole(topology(), "database")).toBe("vps2");
    expect(hostWithRole(topology(), "gateway")).toBe("vps1");
  });
});
