// The collector's rendering: golden files for the configuration, the unit and the scripts; the
// configuration checked by the real collector toolchain/build.sh builds.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { collectorConfig, OTEL_COLLECTOR, readyUrl, renderEnvironment } from "../../../components/otel-collector/render";
import { otelCollectorArgsSchema } from "../../../components/otel-collector/schema";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { installScript } from "../../../src/remote/install";
import { releaseServiceConfig, releaseServiceConfigText, releaseServiceInstall, releaseServiceUnit } from "../../../src/remote/release";
import { renderUnitFile } from "../../../src/remote/unit-file";
import { toolchainBinary } from "../../support/toolchain";

const base = { listenAddress: "10.0.0.2", otlpHttpPort: 4319, remoteWriteUrl: "http://10.0.0.2:9090/api/v1/write", sha256: "f".repeat(64) };
const settings = otelCollectorArgsSchema.parse(base);
const mirror = otelCollectorArgsSchema.parse({ ...base, releaseUrl: "http://10.231.0.1:8081/otelcol-contrib", memoryMax: "1G" });

describe("OpenTelemetry Collector files (golden)", () => {
  it("configuration", async () => {
    await expect(releaseServiceConfigText(OTEL_COLLECTOR, settings)).toMatchFileSnapshot("golden/otelcol-contrib.yaml");
  });
  it("unit", async () => {
    await expect(renderUnitFile(releaseServiceUnit(OTEL_COLLECTOR, settings))).toMatchFileSnapshot("golden/otelcol-contrib.service");
  });
  it("configuration script, checked with otelcol-contrib validate before it is written", async () => {
    await expect(checkedFileScript(releaseServiceConfig(OTEL_COLLECTOR))).toMatchFileSnapshot("golden/config.sh");
  });
  it("release install from the mirror", async () => {
    await expect(installScript(releaseServiceInstall(OTEL_COLLECTOR, mirror))).toMatchFileSnapshot("golden/install.sh");
  });
});

describe("OpenTelemetry Collector configuration", () => {
  it("receives OTLP/HTTP metrics on the private address and writes them to Prometheus, nothing else", () => {
    const c = collectorConfig(settings);
    expect(c.receivers).toEqual({ otlp: { protocols: { http: { endpoint: "10.0.0.2:4319" } } } });
    expect(c.exporters).toEqual({
      prometheus_remote_write: {
        endpoint: "http://10.0.0.2:9090/api/v1/write",
        headers: { Authorization: "Basic ${env:PROMETHEUS_REMOTE_WRITE_AUTH}" },
      },
    });
    expect(Object.keys(c.service.pipelines)).toEqual(["metrics"]);
    expect(c.service.pipelines.metrics.processors[0]).toBe("memory_limiter");
  });
  it("limits memory below MemoryMax, answers its health on loopback, shows its own metrics on the private address", () => {
    expect(collectorConfig(settings).processors.memory_limiter).toMatchObject({ limit_mib: 204, spike_limit_mib: 51 });
    expect(collectorConfig(mirror).processors.memory_limiter).toMatchObject({ limit_mib: 819, spike_limit_mib: 204 });
    expect(readyUrl(settings)).toBe("http://127.0.0.1:13133/");
    expect(collectorConfig(settings).service.telemetry.metrics.readers).toEqual([
      { pull: { exporter: { prometheus: { host: "10.0.0.2", port: 8888 } } } },
    ]);
  });
  it("logs in to Prometheus's remote write from a root-only environment file, the configuration secret-free", () => {
    const unit = renderUnitFile(releaseServiceUnit(OTEL_COLLECTOR, settings));
    expect(unit).toContain("EnvironmentFile=/etc/otelcol-contrib/remote-write.env\n");
    const env = renderEnvironment({ username: "operator", password: "s3cret-password-0123" });
    expect(env.split("\n").filter((l) => !l.startsWith("#"))).toEqual([
      `PROMETHEUS_REMOTE_WRITE_AUTH=${Buffer.from("operator:s3cret-password-0123").toString("base64")}`,
      "",
    ]);
  });
  it("runs as otelcol-contrib --config=, not Grafana's -config.file=", () => {
    const unit = renderUnitFile(releaseServiceUnit(OTEL_COLLECTOR, settings));
    expect(unit).toContain("ExecStart=/usr/local/bin/otelcol-contrib --config=/etc/otelcol-contrib/otelcol-contrib.yaml\n");
    expect(releaseServiceConfig(OTEL_COLLECTOR).checker).toBe(`'/usr/local/bin/otelcol-contrib' --config="$candidate" validate`);
  });
  it("downloads the contrib tar.gz and takes otelcol-contrib out of it after the sha256 check", () => {
    const script = installScript(releaseServiceInstall(OTEL_COLLECTOR, mirror));
    expect(script).toContain("'http://10.231.0.1:8081/otelcol-contrib/v0.162.0/otelcol-contrib_0.162.0_linux_amd64.tar.gz'");
    expect(script.indexOf("sha256sum --check")).toBeLessThan(script.indexOf("tar -xzf"));
  });
  it("is accepted by otelcol-contrib validate, and a wrong one refused (the toolchain's build)", () => {
    const bin = toolchainBinary("otelcol-contrib");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otelcol-"));
    try {
      const file = path.join(dir, "otelcol-contrib.yaml");
      fs.writeFileSync(file, releaseServiceConfigText(OTEL_COLLECTOR, settings));
      execFileSync(bin, [`--config=${file}`, "validate"], { stdio: "pipe" });
      fs.writeFileSync(file, releaseServiceConfigText(OTEL_COLLECTOR, settings).replace("batch: {}", "batch: { bogus: 1 }"));
      expect(() => execFileSync(bin, [`--config=${file}`, "validate"], { stdio: "pipe" })).toThrow(/invalid keys: bogus/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
