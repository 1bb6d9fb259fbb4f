// Loki's options: defaults and the messages of wrong values.
import { describe, expect, it } from "vitest";
import { lokiArgsSchema, lokiOptionsSchema } from "../../../components/loki/schema";

const messages = (raw: unknown) => (lokiOptionsSchema.safeParse(raw).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("Loki options", () => {
  it("default to 3.6.4 from Grafana's releases, 30 days of retention, port 3100, hardened", () => {
    expect(lokiOptionsSchema.parse({})).toMatchObject({
      version: "3.6.4",
      releaseUrl: "https://github.com/grafana/loki/releases/download",
      asset: "loki-linux-amd64.zip",
      port: 3100,
      grpcPort: 9095,
      retentionDays: 30,
      hardening: true,
    });
  });
  it("refuse wrong values, naming the field", () => {
    expect(messages({ sha256: "abc" })).toEqual(["sha256: must be a sha256 digest (64 lowercase hex characters)"]);
    expect(messages({ version: "latest" })).toEqual(["version: must be a release like 3.6.4"]);
    expect(messages({ retentionDays: 0 })).toHaveLength(1);
    expect(messages({ grpcPort: 3100 })).toEqual(["grpcPort: is also port (3100)"]);
    expect(messages({ extra: 1 })).toHaveLength(1);
  });
  it("need the sha256 and the private address to deploy", () => {
    expect(lokiArgsSchema.safeParse({ listenAddress: "10.0.0.2" }).success).toBe(false);
    expect(lokiArgsSchema.safeParse({ listenAddress: "10.0.0.2", sha256: "d".repeat(64) }).success).toBe(true);
  });
});
