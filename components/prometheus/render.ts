// Pure rendering of Prometheus's files and scripts from its settings. Golden-file tested.
import * as fs from "fs";
import * as path from "path";
import { renderYamlFile } from "../../src/remote/yaml-file";
import { hardening } from "../../src/hardening";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { HttpHealthCheck } from "../../src/remote/health";
import { sh } from "../../src/remote/shell";
import { renderUnitFile, UnitSpec } from "../../src/remote/unit-file";
import { packagedDropIn } from "../../src/remote/packaged-service";
import { rulesFile } from "./rules";
import { BasicAuth, PROMETHEUS_USER, PrometheusSettings } from "./schema";

/** What Debian's package (prometheus, Debian 13: 2.53) ships, and our files. */
export const PATHS = {
  package: "prometheus",
  unit: "prometheus.service",
  binary: "/usr/bin/prometheus",
  promtool: "/usr/bin/promtool",
  /** The package's EnvironmentFile; its ARGS are the whole command line. A conffile. */
  defaults: "/etc/default/prometheus",
  /** The package's conffile, replaced by ours. */
  config: "/etc/prometheus/prometheus.yml",
  rules: "/etc/prometheus/rules/openclaw-infra.yml",
  /** Its web config (basic auth) and its own password, which it scrapes itself with; 0640 root:prometheus. */
  webConfig: "/etc/prometheus/web.yml",
  password: "/etc/prometheus/prometheus-password",
  /** The package's state directory (owned by its prometheus user). */
  stateDir: "/var/lib/prometheus",
  tsdb: "/var/lib/prometheus/metrics2",
  dropIn: "10-openclaw",
} as const;

export function baseUrl(s: Pick<PrometheusSettings, "listenAddress" | "port">): string {
  return `http://${s.listenAddress}:${s.port}`;
}

/** Its secret files: root writes them, its user reads them, nobody else does. */
export const READ_BY_PROMETHEUS = { owner: "root", group: "prometheus", mode: "0640" } as const;

/** After every restart: the TSDB is loaded and the rules and scrapes run. */
export function healthCheck(s: PrometheusSettings): HttpHealthCheck {
  return {
    url: `${baseUrl(s)}/-/ready`,
    expect: "Ready",
    unit: PATHS.unit,
    basicAuth: { user: PROMETHEUS_USER, passwordFile: PATHS.password },
  };
}

/** The command line, in the order it appears in ARGS. */
export function renderFlags(s: PrometheusSettings): string[] {
  return [
    `--config.file=${PATHS.config}`,
    `--web.listen-address=${s.listenAddress}:${s.port}`,
    `--web.config.file=${PATHS.webConfig}`,
    `--storage.tsdb.path=${PATHS.tsdb}`,
    `--storage.tsdb.retention.time=${s.retentionTime}`,
    ...(s.retentionSize ? [`--storage.tsdb.retention.size=${s.retentionSize}`] : []),
    // Remote write, not OTLP: Debian's 2.53.3+ds1 is built without the OTLP receiver and logs
    // "Unknown option for --enable-feature" for otlp-write-receiver (seen on the sandbox's vps2).
    ...(s.remoteWriteReceiver ? ["--web.enable-remote-write-receiver"] : []),
  ];
}

/** A client's basic auth in prometheus.yml: the password stays in its file, read at each request. */
const basicAuth = (a: BasicAuth | undefined) => (a ? { basic_auth: { username: a.username, password_file: a.passwordFile } } : {});

/** prometheus.yml as an object: intervals, the rules, Alertmanager and the derived jobs. */
export function prometheusConfig(s: PrometheusSettings) {
  const alertmanagers = [{ ...basicAuth(s.alertmanagerAuth), static_configs: [{ targets: s.alertmanagers }] }];
  return {
    global: { scrape_interval: s.scrapeInterval, evaluation_interval: s.evaluationInterval },
    rule_files: [PATHS.rules],
    ...(s.alertmanagers.length ? { alerting: { alertmanagers } } : {}),
    scrape_configs: s.jobs.map((j) => ({
      job_name: j.job,
      ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
      ...(j.params ? { params: j.params } : {}),
      ...basicAuth(j.basicAuth),
      static_configs: j.groups.map((g) => ({ targets: g.targets, labels: g.labels })),
    })),
  };
}

export function renderConfig(s: PrometheusSettings): string {
  return renderYamlFile(prometheusConfig(s), {
    header: ["Scrape jobs derived from the topology and the registry (src/registry.ts scrapeJobs)."],
  });
}

export function renderRules(s: PrometheusSettings): string {
  return renderYamlFile(rulesFile(s.alerts), { header: ["Alert rules of openclaw-infra (components/prometheus/rules.ts)."] });
}

/** Debian's /etc/default/prometheus as the package ships it (Debian 12's; 13's reads the same). */
export const STOCK_DEFAULTS = fs.readFileSync(path.join(__dirname, "templates", "stock.default"), "utf8");

/** The rules file, checked by promtool before prometheus.yml (which names it) is. */
export function rulesFileSpec(): CheckedFileSpec {
  return {
    path: PATHS.rules,
    checkerName: "promtool check rules",
    suffix: ".yml",
    prelude: `install -d -m 0755 ${sh(path.dirname(PATHS.rules))}`,
    checker: `${sh(PATHS.promtool)} check rules "$candidate"`,
  };
}

export function configFileSpec(): CheckedFileSpec {
  return {
    path: PATHS.config,
    checkerName: "promtool check config",
    suffix: ".yml",
    checker: `${sh(PATHS.promtool)} check config "$candidate"`,
  };
}

/**
 * The drop-in: network-online ordering and the shared hardening. The TSDB under
 * /var/lib/prometheus is the one place it writes (ProtectSystem=strict elsewhere).
 */
export function dropInSpec(s: PrometheusSettings): UnitSpec {
  return packagedDropIn(PATHS, {
    argsHold: "listen address, web config, retention, OTLP receiver",
    service: s.hardening
      ? [
          { comment: "Sandboxing: the shared policy (src/hardening.ts); the TSDB is its one writable path." },
          ["ReadWritePaths", PATHS.stateDir],
        ]
      : [],
    hardening: s.hardening ? hardening() : [],
  });
}

export function renderDropIn(s: PrometheusSettings): string {
  return renderUnitFile(dropInSpec(s));
}
