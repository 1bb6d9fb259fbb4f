// The collector's options: defaults and the messages of wrong values.
import { describe, expect, it } from "vitest";
import { otelCollectorArgsSchema, otelCollectorOptionsSchema } from "../../../components/otel-collector/schema";

const messages = (raw: unknown) =>
  (otelCollectorOptionsSchema.safeParse(raw).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
const args = { listenAddress: "10.0.0.2", otlpHttpPort: 4319, remoteWriteUrl: "http://10.0.0.2:9090/api/v1/write" };

describe("OpenTelemetry Collector options", () => {
  it("default to the 0.162.0 contrib release, OTLP/HTTP on 4319, its own metrics on 8888, health on 13133, 256M", () => {
    expect(otelCollectorOptionsSchema.parse({})).toEqual({
      version: "0.162.0",
      releaseUrl: "https://github.com/open-telemetry/opentelemetry-collector-releases/releases/download",
      otlpHttpPort: 4319,
      metricsPort: 8888,
      healthPort: 13133,
      memoryMax: "256M",
      hardening: true,
    });
  });
  it("refuse wrong values, naming the field", () => {
    expect(messages({ sha256: "F".repeat(64) })).toEqual(["sha256: must be a sha256 digest (64 lowercase hex characters)"]);
    expect(messages({ healthPort: 8888 })).toEqual(["healthPort: is also metricsPort (8888)"]);
    expect(messages({ memoryMax: "1T" })).toEqual(["memoryMax: must be a size in M or G, like 256M"]);
    expect(messages({ version: "v0.162.0" })).toEqual(["version: must be a release like 0.162.0"]);
    expect(messages({ port: 4319 })).toHaveLength(1);
  });
  it("need the sha256, the private address and the remote write URL to deploy", () => {
    expect(otelCollectorArgsSchema.safeParse(args).success).toBe(false);
    expect(otelCollectorArgsSchema.safeParse({ ...args, sha256: "f".repeat(64) }).success).toBe(true);
    expect(otelCollectorArgsSchema.safeParse({ ...args, sha256: "f".repeat(64), remoteWriteUrl: "10.0.0.2:9090" }).success).toBe(false);
  });
});
