// Prometheus's rendered files and scripts: golden files, the command line, and prometheus.yml
// and the rules file accepted by the real promtool (Debian 12's 2.42; see rules.test.ts).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import {
  configFileSpec,
  healthCheck,
  PATHS,
  prometheusConfig,
  renderConfig,
  renderDropIn,
  renderFlags,
  renderRules,
  rulesFileSpec,
  STOCK_DEFAULTS,
} from "../../../components/prometheus/render";
import { argsFileSpec, renderArgsDelete, renderDefaults, renderHoldScript } from "../../../src/remote/packaged-service";
import { prometheusArgsSchema, prometheusOptionsSchema } from "../../../components/prometheus/schema";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { scrapeJobs } from "../../../src/registry";
import { parseStackConfig } from "../../../src/config";
import { validConfig } from "../../fixtures/config";
import { runTool } from "../../support/prometheus-tools";

const jobs = scrapeJobs(parseStackConfig({ ...validConfig(), host: "vps2" }));
const plain = prometheusArgsSchema.parse({ listenAddress: "10.0.0.2", jobs });
const tuned = prometheusArgsSchema.parse({
  listenAddress: "10.0.0.2",
  port: 9091,
  retentionTime: "90d",
  retentionSize: "20GB",
  jobs,
  alertmanagers: ["10.0.0.2:9093"],
  alertmanagerAuth: { username: "operator", passwordFile: "/etc/prometheus/alertmanager-password" },
});

describe("prometheus rendering (golden files)", () => {
  it("renders prometheus.yml, the rules, ARGS and the drop-in", async () => {
    await expect(renderConfig(tuned)).toMatchFileSnapshot("golden/prometheus.yml");
    await expect(renderRules(tuned)).toMatchFileSnapshot("golden/openclaw-infra.yml");
    await expect(renderDefaults(PATHS, renderFlags(tuned))).toMatchFileSnapshot("golden/prometheus.default");
    await expect(renderDropIn(tuned)).toMatchFileSnapshot("golden/prometheus.service.d-10-openclaw.conf");
  });
  it("renders the hold, the checked-file scripts and the args delete", async () => {
    await expect(renderHoldScript(PATHS)).toMatchFileSnapshot("golden/hold.sh");
    await expect(checkedFileScript(rulesFileSpec())).toMatchFileSnapshot("golden/rules.sh");
    await expect(checkedFileScript(configFileSpec())).toMatchFileSnapshot("golden/config.sh");
    await expect(checkedFileScript(argsFileSpec(PATHS, renderFlags(tuned)))).toMatchFileSnapshot("golden/args.sh");
    await expect(renderArgsDelete(PATHS, STOCK_DEFAULTS)).toMatchFileSnapshot("golden/args-delete.sh");
  });
});

describe("prometheus settings", () => {
  it("listens on the private address, keeps the retention typed", () => {
    expect(renderFlags(plain)).toEqual([
      "--config.file=/etc/prometheus/prometheus.yml",
      "--web.listen-address=10.0.0.2:9090",
      "--web.config.file=/etc/prometheus/web.yml",
      "--storage.tsdb.path=/var/lib/prometheus/metrics2",
      "--storage.tsdb.retention.time=30d",
    ]);
    expect(renderFlags(tuned)).toContain("--storage.tsdb.retention.size=20GB");
    expect(healthCheck(plain)).toMatchObject({
      url: "http://10.0.0.2:9090/-/ready",
      basicAuth: { user: "operator", passwordFile: "/etc/prometheus/prometheus-password" },
    });
    expect(prometheusOptionsSchema.safeParse({ retentionTime: "30 days" }).success).toBe(false);
    expect(prometheusArgsSchema.safeParse({ listenAddress: "0.0.0.0" }).success).toBe(false);
  });
  it("accepts remote write only when told (a collector on the host writes there)", () => {
    expect(renderFlags(plain)).not.toContain("--web.enable-remote-write-receiver");
    expect(renderFlags(prometheusArgsSchema.parse({ listenAddress: "10.0.0.2", remoteWriteReceiver: true }))).toContain(
      "--web.enable-remote-write-receiver",
    );
  });
  it("sends alerts to Alertmanager only when there is one, logging in with its password file", () => {
    expect(prometheusConfig(plain)).not.toHaveProperty("alerting");
    expect(prometheusConfig(tuned).alerting).toEqual({
      alertmanagers: [
        {
          basic_auth: { username: "operator", password_file: "/etc/prometheus/alertmanager-password" },
          static_configs: [{ targets: ["10.0.0.2:9093"] }],
        },
      ],
    });
  });
  it("scrapes itself and Alertmanager with their password files, the others without", () => {
    const auth = Object.fromEntries(prometheusConfig(plain).scrape_configs.map((c) => [c.job_name, c.basic_auth]));
    expect(auth).toMatchObject({
      prometheus: { username: "operator", password_file: "/etc/prometheus/prometheus-password" },
      alertmanager: { username: "operator", password_file: "/etc/prometheus/alertmanager-password" },
      node: undefined,
      loki: undefined,
    });
  });
  it("writes configuration promtool accepts", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-prometheus-"));
    try {
      // The rules file named by absolute path is checked by `check config` too: point it here.
      const rules = path.join(dir, "rules.yml");
      fs.writeFileSync(rules, renderRules(tuned));
      fs.writeFileSync(path.join(dir, "prometheus.yml"), renderConfig(tuned).replace("/etc/prometheus/rules/openclaw-infra.yml", rules));
      const r = runTool("promtool", ["check", "config", path.join(dir, "prometheus.yml")]);
      expect(r.output).toContain("SUCCESS");
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
