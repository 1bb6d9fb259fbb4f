// Tempo rendering: golden files for the configuration, the unit and the scripts; the
// configuration checked by the real Tempo when toolchain/build.sh has built it.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { TEMPO, tempoConfig } from "../../../components/tempo/render";
import { tempoArgsSchema } from "../../../components/tempo/schema";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { installScript } from "../../../src/remote/install";
import { releaseServiceConfig, releaseServiceConfigText, releaseServiceInstall, releaseServiceUnit } from "../../../src/remote/release";
import { renderUnitFile } from "../../../src/remote/unit-file";
import { toolchainBinary } from "../../support/toolchain";

const settings = tempoArgsSchema.parse({ listenAddress: "10.0.0.2", sha256: "e".repeat(64) });
const mirror = tempoArgsSchema.parse({
  listenAddress: "10.0.0.2",
  sha256: "e".repeat(64),
  releaseUrl: "http://10.231.0.1:8081/tempo",
  retentionDays: 2,
});

describe("Tempo files (golden)", () => {
  it("configuration", async () => {
    await expect(releaseServiceConfigText(TEMPO, settings)).toMatchFileSnapshot("golden/tempo.yaml");
  });
  it("unit", async () => {
    await expect(renderUnitFile(releaseServiceUnit(TEMPO, settings))).toMatchFileSnapshot("golden/tempo.service");
  });
  it("configuration script, checked with tempo -config.verify before it is written", async () => {
    await expect(checkedFileScript(releaseServiceConfig(TEMPO))).toMatchFileSnapshot("golden/config.sh");
  });
  it("release install from the mirror", async () => {
    await expect(installScript(releaseServiceInstall(TEMPO, mirror))).toMatchFileSnapshot("golden/install.sh");
  });
});

describe("Tempo configuration", () => {
  it("receives OTLP on the private address, answers queries there, gRPC on loopback", () => {
    const c = tempoConfig(settings);
    expect(c.distributor.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "10.0.0.2:4317" }, http: { endpoint: "10.0.0.2:4318" } });
    expect(c.server).toMatchObject({
      http_listen_address: "10.0.0.2",
      http_listen_port: 3200,
      grpc_listen_address: "127.0.0.1",
      grpc_listen_port: 9096,
    });
  });
  it("keeps memberlist on loopback", () => {
    expect(tempoConfig(settings).memberlist).toEqual({ bind_addr: ["127.0.0.1"], advertise_addr: "127.0.0.1" });
  });
  it("keeps blocks for the retention in days, on the local disk", () => {
    const c = tempoConfig(mirror);
    expect(c.compactor.compaction.block_retention).toBe("48h");
    expect(c.storage.trace.backend).toBe("local");
  });
  it("downloads Grafana's tar.gz and takes tempo out of it after the sha256 check", () => {
    const script = installScript(releaseServiceInstall(TEMPO, mirror));
    expect(script).toContain("'http://10.231.0.1:8081/tempo/v2.9.0/tempo_2.9.0_linux_amd64.tar.gz'");
    expect(script.indexOf("sha256sum --check")).toBeLessThan(script.indexOf("tar -xzf"));
  });
  it("is accepted by tempo -config.verify (the toolchain's build)", () => {
    const bin = toolchainBinary("tempo");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tempo-"));
    try {
      const file = path.join(dir, "tempo.yaml");
      fs.writeFileSync(file, releaseServiceConfigText(TEMPO, settings));
      execFileSync(bin, [`-config.file=${file}`, "-config.verify=true"], { stdio: "pipe" });
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
