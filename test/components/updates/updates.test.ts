// Security updates: options, the apt file (golden) checked by the real `apt-config`, the
// metric's script run under a real shell, its units, and the component under mocks.
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Updates } from "../../../components/updates";
import { metricServiceSpec, metricTimerSpec, PATHS, renderAptConfig, renderMetricScript } from "../../../components/updates/render";
import { updatesOptionsSchema } from "../../../components/updates/schema";
import { renderUnitFile } from "../../../src/remote/unit-file";
import { recorder, value } from "../../support/mocks";

const defaults = updatesOptionsSchema.parse({});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "updates-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `apt-config dump` of this machine's apt configuration with `file` read last, as apt.conf.d/52... is. */
function aptConfig(file: string) {
  const candidate = path.join(dir, "52candidate");
  fs.writeFileSync(candidate, file);
  return spawnSync("apt-config", ["-c", candidate, "dump"], { encoding: "utf8" });
}

describe("updates options", () => {
  it("default to no automatic reboot (the metric and the alert say when one is needed)", () => {
    expect(defaults).toEqual({ reboot: "never", rebootTime: "04:00", metricIntervalMinutes: 10 });
  });
  it("refuse a bad policy or time of day, naming the field", () => {
    expect(updatesOptionsSchema.safeParse({ reboot: "sometimes" }).error?.issues[0].path).toEqual(["reboot"]);
    const time = updatesOptionsSchema.safeParse({ rebootTime: "25:00" }).error?.issues[0];
    expect([time?.path, time?.message]).toEqual([["rebootTime"], "must be a time of day like 04:00"]);
    expect(updatesOptionsSchema.safeParse({ Automatic_Reboot: true }).success).toBe(false);
  });
});

describe("the apt configuration", () => {
  it("is rendered from the options (golden)", async () => {
    await expect(renderAptConfig(defaults)).toMatchFileSnapshot("golden/52openclaw-infra-unattended-upgrades");
  });
  it("passes the real apt-config, leaves the security archive only and sets the reboot policy", () => {
    const r = aptConfig(renderAptConfig(updatesOptionsSchema.parse({ reboot: "automatic", rebootTime: "03:30" })));
    expect(r.status, r.stderr).toBe(0);
    const patterns = r.stdout.split("\n").filter((l) => l.startsWith("Unattended-Upgrade::Origins-Pattern:: "));
    expect(patterns).toEqual([
      'Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename},label=Debian-Security";',
      'Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
    ]);
    expect(r.stdout).toContain('Unattended-Upgrade::Automatic-Reboot "true";');
    expect(r.stdout).toContain('Unattended-Upgrade::Automatic-Reboot-Time "03:30";');
    expect(r.stdout).toContain('APT::Periodic::Unattended-Upgrade "1";');
  });
  it("a broken file is refused by apt-config (the checker the deploy runs)", () => {
    const r = aptConfig(renderAptConfig(defaults).replace('Automatic-Reboot "false";', 'Automatic-Reboot "false"'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Syntax error/);
  });
});

describe("the reboot-required metric", () => {
  const run = (textfileDir: string, rebootRequired: string) => {
    const script = path.join(dir, "metric.sh");
    fs.writeFileSync(script, renderMetricScript({ textfileDir, rebootRequired }), { mode: 0o755 });
    return spawnSync("sh", [script], { encoding: "utf8" });
  };
  it("is 1 while the flag file exists, 0 once it is gone (after a reboot), written atomically", () => {
    const textfiles = fs.mkdtempSync(path.join(dir, "textfile-"));
    const flag = path.join(dir, "reboot-required");
    const metric = () => fs.readFileSync(path.join(textfiles, "openclaw-reboot-required.prom"), "utf8");
    fs.writeFileSync(flag, "");
    expect(run(textfiles, flag).stdout).toBe("reboot required: 1\n");
    expect(metric()).toContain("\nopenclaw_reboot_required 1\n");
    fs.rmSync(flag);
    expect(run(textfiles, flag).status).toBe(0);
    expect(metric()).toContain("\nopenclaw_reboot_required 0\n");
    expect(fs.readdirSync(textfiles)).toEqual(["openclaw-reboot-required.prom"]);
  });
  it("writes nothing and succeeds where node-exporter is not installed", () => {
    const r = run(path.join(dir, "absent"), path.join(dir, "flag"));
    expect([r.status, r.stdout]).toEqual([0, `no ${path.join(dir, "absent")} (node-exporter is not installed): nothing to write\n`]);
  });
  it("runs hardened, without network, at boot and on an interval (golden)", async () => {
    const unit = renderUnitFile(metricServiceSpec());
    expect(unit).toContain("PrivateNetwork=yes");
    expect(unit).toContain("ReadWritePaths=-/var/lib/prometheus/node-exporter");
    await expect(unit).toMatchFileSnapshot(`golden/${PATHS.metricUnit}.service`);
    await expect(renderUnitFile(metricTimerSpec(defaults))).toMatchFileSnapshot(`golden/${PATHS.metricUnit}.timer`);
  });
});

describe("Updates", () => {
  beforeAll(() => {
    pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
      "openclaw-infra",
      "vps1",
      false,
    );
  });
  it("installs the package, then checks its file in place with apt-config; the metric's script, oneshot and timer", async () => {
    const { recorded, find, opts } = recorder();
    new Updates("vps1-updates", { connection: { host: "192.0.2.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" } }, opts);
    expect(recorded.map((r) => r.name).filter((n) => n !== "vps1-updates")).toEqual([
      "vps1-updates-package",
      "vps1-updates-apt-config",
      "vps1-updates-metric-script",
      "vps1-updates-metric-service",
      "vps1-updates-metric-timer",
    ]);
    const config = find("vps1-updates-apt-config");
    expect(config.dependsOn).toEqual(["vps1-updates-package"]);
    expect(await value(config.props.stdin)).toBe(renderAptConfig(defaults));
    const create = await value<string>(config.props.create);
    expect(create).toContain("apt-config dump >/dev/null");
    expect(create).toContain("systemctl enable --now --quiet 'apt-daily.timer' 'apt-daily-upgrade.timer'");
    expect(find("vps1-updates-metric-timer").dependsOn).toEqual(["vps1-updates-metric-service"]);
  });
});
