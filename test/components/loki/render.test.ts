// Loki rendering: golden files for the configuration, the unit and the scripts; the
// configuration checked by the real Loki when toolchain/build.sh has built it.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LOKI, lokiConfig } from "../../../components/loki/render";
import { lokiArgsSchema } from "../../../components/loki/schema";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { installScript } from "../../../src/remote/install";
import { releaseServiceConfig, releaseServiceConfigText, releaseServiceInstall, releaseServiceUnit } from "../../../src/remote/release";
import { renderUnitFile } from "../../../src/remote/unit-file";
import { toolchainBinary } from "../../support/toolchain";

const settings = lokiArgsSchema.parse({ listenAddress: "10.0.0.2", sha256: "d".repeat(64) });
const mirror = lokiArgsSchema.parse({
  listenAddress: "10.0.0.2",
  sha256: "d".repeat(64),
  releaseUrl: "http://10.231.0.1:8081/loki/",
  retentionDays: 7,
});

describe("Loki files (golden)", () => {
  it("configuration", async () => {
    await expect(releaseServiceConfigText(LOKI, settings)).toMatchFileSnapshot("golden/loki.yaml");
  });
  it("unit", async () => {
    await expect(renderUnitFile(releaseServiceUnit(LOKI, settings))).toMatchFileSnapshot("golden/loki.service");
  });
  it("configuration script, checked with loki -verify-config before it is written", async () => {
    await expect(checkedFileScript(releaseServiceConfig(LOKI))).toMatchFileSnapshot("golden/config.sh");
  });
  it("release install from the mirror", async () => {
    await expect(installScript(releaseServiceInstall(LOKI, mirror))).toMatchFileSnapshot("golden/install.sh");
  });
});

describe("Loki configuration", () => {
  it("listens on the private address for HTTP and on loopback for gRPC", () => {
    const c = parse(releaseServiceConfigText(LOKI, settings));
    expect(c.server).toMatchObject({ http_listen_address: "10.0.0.2", http_listen_port: 3100, grpc_listen_address: "127.0.0.1" });
    expect(c.common.instance_addr).toBe("127.0.0.1");
  });
  it("keeps logs for the retention in days, the compactor deleting older ones", () => {
    const c = lokiConfig(mirror);
    expect(c.limits_config.retention_period).toBe("168h");
    expect(c.compactor).toMatchObject({ retention_enabled: true, delete_request_store: "filesystem" });
  });
  it("accepts OTLP logs: structured metadata allowed, on the v13 tsdb schema", () => {
    const c = lokiConfig(settings);
    expect(c.limits_config.allow_structured_metadata).toBe(true);
    expect(c.schema_config.configs[0]).toMatchObject({ store: "tsdb", schema: "v13" });
  });
  it("downloads <releaseUrl>/v<version>/<asset> and checks it before unpacking", () => {
    const script = installScript(releaseServiceInstall(LOKI, mirror));
    expect(script).toContain("'http://10.231.0.1:8081/loki/v3.6.4/loki-linux-amd64.zip'");
    expect(script.indexOf("sha256sum --check")).toBeLessThan(script.indexOf("unzip"));
  });
  it("is accepted by loki -verify-config (the toolchain's build)", () => {
    const bin = toolchainBinary("loki");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loki-"));
    try {
      const file = path.join(dir, "loki.yaml");
      fs.writeFileSync(file, releaseServiceConfigText(LOKI, settings));
      execFileSync(bin, [`-config.file=${file}`, "-verify-config"], { stdio: "pipe" });
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
