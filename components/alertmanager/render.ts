// Pure rendering of Alertmanager's files from its settings. Golden-file tested.
import * as fs from "fs";
import * as path from "path";
import { renderYamlFile } from "../../src/remote/yaml-file";
import { hardening } from "../../src/hardening";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { HttpHealthCheck } from "../../src/remote/health";
import { sh } from "../../src/remote/shell";
import { renderUnitFile, UnitSpec } from "../../src/remote/unit-file";
import { packagedDropIn } from "../../src/remote/packaged-service";
import { ALERTMANAGER_USER, AlertmanagerSettings } from "./schema";

/** What Debian's package (prometheus-alertmanager) ships, and our files. */
export const PATHS = {
  package: "prometheus-alertmanager",
  unit: "prometheus-alertmanager.service",
  binary: "/usr/bin/prometheus-alertmanager",
  amtool: "/usr/bin/amtool",
  defaults: "/etc/default/prometheus-alertmanager",
  config: "/etc/prometheus/alertmanager.yml",
  /** Receiver credentials, 0640 root:prometheus: the service reads them, nobody else. */
  webhookToken: "/etc/prometheus/alertmanager-webhook-token",
  smtpPassword: "/etc/prometheus/alertmanager-smtp-password",
  /** Its web config (basic auth), and its password, which Prometheus (same user, same host) logs in with; 0640 root:prometheus too. */
  webConfig: "/etc/prometheus/alertmanager-web.yml",
  password: "/etc/prometheus/alertmanager-password",
  stateDir: "/var/lib/prometheus/alertmanager",
  dropIn: "10-openclaw",
} as const;

export const STOCK_DEFAULTS = fs.readFileSync(path.join(__dirname, "templates", "stock.default"), "utf8");

export function renderFlags(s: AlertmanagerSettings): string[] {
  return [
    `--config.file=${PATHS.config}`,
    `--web.listen-address=${s.listenAddress}:${s.port}`,
    `--web.config.file=${PATHS.webConfig}`,
    `--storage.path=${PATHS.stateDir}`,
    // One instance: no gossip port (by default it listens on every address, 9094).
    "--cluster.listen-address=",
  ];
}

/** alertmanager.yml as an object: one route to one receiver with the configured channels. */
export function alertmanagerConfig(s: AlertmanagerSettings) {
  const receiver: Record<string, unknown> = { name: "operator" };
  if (s.webhook) {
    receiver.webhook_configs = [
      {
        url: s.webhook.url,
        send_resolved: s.webhook.sendResolved,
        ...(s.webhook.bearerToken ? { http_config: { authorization: { type: "Bearer", credentials_file: PATHS.webhookToken } } } : {}),
      },
    ];
  }
  if (s.email) {
    receiver.email_configs = [
      {
        to: s.email.to.join(", "),
        from: s.email.from,
        smarthost: s.email.smarthost,
        ...(s.email.username ? { auth_username: s.email.username, auth_password_file: PATHS.smtpPassword } : {}),
        require_tls: s.email.requireTls,
        send_resolved: s.email.sendResolved,
      },
    ];
  }
  return {
    route: {
      receiver: "operator",
      group_by: s.route.groupBy,
      group_wait: s.route.groupWait,
      group_interval: s.route.groupInterval,
      repeat_interval: s.route.repeatInterval,
    },
    receivers: [receiver],
  };
}

export function renderConfig(s: AlertmanagerSettings): string {
  return renderYamlFile(alertmanagerConfig(s), {
    header: ["Receiver credentials are in files next to it (0640 root:prometheus), not here."],
  });
}

export function configFileSpec(): CheckedFileSpec {
  return {
    path: PATHS.config,
    checkerName: "amtool check-config",
    suffix: ".yml",
    checker: `${sh(PATHS.amtool)} check-config "$candidate"`,
  };
}

export function healthCheck(s: AlertmanagerSettings): HttpHealthCheck {
  return {
    url: `http://${s.listenAddress}:${s.port}/-/ready`,
    expect: "OK",
    unit: PATHS.unit,
    basicAuth: { user: ALERTMANAGER_USER, passwordFile: PATHS.password },
  };
}

export function dropInSpec(s: AlertmanagerSettings): UnitSpec {
  return packagedDropIn(PATHS, {
    service: s.hardening
      ? [
          { comment: "Sandboxing: the shared policy (src/hardening.ts); its silences and notification log are its one writable path." },
          ["ReadWritePaths", PATHS.stateDir],
        ]
      : [],
    hardening: s.hardening ? hardening() : [],
  });
}

export function renderDropIn(s: AlertmanagerSettings): string {
  return renderUnitFile(dropInSpec(s));
}
