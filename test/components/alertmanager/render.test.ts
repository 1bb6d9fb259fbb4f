// Alertmanager's rendered files: golden files, the receivers from the typed options, the
// credentials kept out of the config (files the service reads), and the config accepted by
// the real amtool (Debian 12's 0.25; the hosts run Debian 13's, which reads the same keys).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import {
  alertmanagerConfig,
  dropInSpec,
  healthCheck,
  PATHS,
  renderConfig,
  renderDropIn,
  renderFlags,
} from "../../../components/alertmanager/render";
import { alertmanagerArgsSchema, requiredSecrets } from "../../../components/alertmanager/schema";
import { renderDefaults } from "../../../src/remote/packaged-service";
import { runTool } from "../../support/prometheus-tools";

const bare = alertmanagerArgsSchema.parse({ listenAddress: "10.0.0.2" });
const full = alertmanagerArgsSchema.parse({
  listenAddress: "10.0.0.2",
  webhook: { url: "https://hooks.example.com/openclaw", bearerToken: true },
  email: {
    to: ["ops@example.com", "oncall@example.com"],
    from: "alerts@example.com",
    smarthost: "smtp.example.com:587",
    username: "alerts",
  },
});

describe("alertmanager rendering (golden files)", () => {
  it("renders its config, ARGS and the drop-in", async () => {
    await expect(renderConfig(full)).toMatchFileSnapshot("golden/alertmanager.yml");
    await expect(renderDefaults(PATHS, renderFlags(full))).toMatchFileSnapshot("golden/prometheus-alertmanager.default");
    await expect(renderDropIn(full)).toMatchFileSnapshot("golden/prometheus-alertmanager.service.d-10-openclaw.conf");
  });
});

describe("alertmanager settings", () => {
  it("listens on the private address only, without a cluster port, behind basic auth", () => {
    expect(renderFlags(bare)).toEqual([
      "--config.file=/etc/prometheus/alertmanager.yml",
      "--web.listen-address=10.0.0.2:9093",
      "--web.config.file=/etc/prometheus/alertmanager-web.yml",
      "--storage.path=/var/lib/prometheus/alertmanager",
      "--cluster.listen-address=",
    ]);
    expect(dropInSpec(bare).sections.Service).toContainEqual(["ReadWritePaths", "/var/lib/prometheus/alertmanager"]);
    expect(healthCheck(bare)).toEqual({
      url: "http://10.0.0.2:9093/-/ready",
      expect: "OK",
      unit: "prometheus-alertmanager.service",
      basicAuth: { user: "operator", passwordFile: "/etc/prometheus/alertmanager-password" },
    });
  });
  it("names the credential files in its config, never the credentials", () => {
    const text = renderConfig(full);
    expect(text).toContain(`credentials_file: ${PATHS.webhookToken}`);
    expect(text).toContain(`auth_password_file: ${PATHS.smtpPassword}`);
    expect(requiredSecrets(full)).toEqual(["webhookToken", "smtpPassword"]);
    expect(requiredSecrets(bare)).toEqual([]);
    expect(alertmanagerConfig(bare).receivers).toEqual([{ name: "operator" }]);
  });
  it("writes configuration amtool accepts", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-alertmanager-"));
    try {
      for (const s of [bare, full]) {
        fs.writeFileSync(path.join(dir, "alertmanager.yml"), renderConfig(s));
        const r = runTool("amtool", ["check-config", path.join(dir, "alertmanager.yml")]);
        expect(r.output).toContain("SUCCESS");
        expect(r.status).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
