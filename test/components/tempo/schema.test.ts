// Tempo's options: defaults and the messages of wrong values.
import { describe, expect, it } from "vitest";
import { tempoArgsSchema, tempoOptionsSchema } from "../../../components/tempo/schema";

const messages = (raw: unknown) => (tempoOptionsSchema.safeParse(raw).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("Tempo options", () => {
  it("default to 2.9.0 from Grafana's releases, 30 days of retention, OTLP on 4317/4318, API on 3200", () => {
    expect(tempoOptionsSchema.parse({})).toMatchObject({
      version: "2.9.0",
      releaseUrl: "https://github.com/grafana/tempo/releases/download",
      port: 3200,
      grpcPort: 9096,
      otlpGrpcPort: 4317,
      otlpHttpPort: 4318,
      retentionDays: 30,
      hardening: true,
    });
  });
  it("refuse wrong values, naming the field", () => {
    expect(messages({ sha256: "E".repeat(64) })).toEqual(["sha256: must be a sha256 digest (64 lowercase hex characters)"]);
    expect(messages({ otlpHttpPort: 3200 })).toEqual(["otlpHttpPort: is also port (3200)"]);
    expect(messages({ retentionDays: 1.5 })).toHaveLength(1);
  });
  it("need the sha256 and the private address to deploy", () => {
    expect(tempoArgsSchema.safeParse({ listenAddress: "10.0.0.2" }).success).toBe(false);
    expect(tempoArgsSchema.safeParse({ listenAddress: "10.0.0.2", sha256: "e".repeat(64) }).success).toBe(true);
  });
});
