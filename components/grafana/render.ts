// Pure rendering of Grafana's files from its settings: grafana.ini, the datasources and the
// dashboards provider (YAML from objects), the hardened unit. Golden-file tested; no resource
// is created here.
import { stringify } from "yaml";
import { hardening } from "../../src/hardening";
import { MANAGED_HEADER, renderUnitFile, serviceUnit, UnitSpec } from "../../src/remote/unit-file";
import { DATASOURCES } from "./dashboards/common";
import type { Backends, GrafanaSettings } from "./schema";

/**
 * Our files live under /etc/grafana/openclaw, not at the package's /etc/grafana/grafana.ini:
 * that one is a dpkg conffile, and a file of ours there would stop the next upgrade at dpkg's
 * conffile question.
 */
export const PATHS = {
  unit: "grafana-server.service",
  configDir: "/etc/grafana/openclaw",
  ini: "/etc/grafana/openclaw/grafana.ini",
  /** root:grafana 0640, read by Grafana through $__file{} in grafana.ini. */
  adminPassword: "/etc/grafana/openclaw/admin-password",
  /** Prometheus's password, root:grafana 0640, read through $__file{} in the datasources. */
  prometheusPassword: "/etc/grafana/openclaw/prometheus-password",
  provisioning: "/etc/grafana/openclaw/provisioning",
  datasources: "/etc/grafana/openclaw/provisioning/datasources/openclaw.yaml",
  dashboardProvider: "/etc/grafana/openclaw/provisioning/dashboards/openclaw.yaml",
  dashboards: "/etc/grafana/openclaw/dashboards",
  /** Where the deb puts Grafana (its home path) and its binary. */
  home: "/usr/share/grafana",
  binary: "/usr/share/grafana/bin/grafana",
  stateDir: "/var/lib/grafana",
  user: "grafana",
} as const;

/** The files Grafana reads are root:grafana, 0640 (directories 0750): root writes, Grafana reads. */
export const READ_BY_GRAFANA = { owner: "root", group: PATHS.user, mode: "0640" } as const;

export function healthUrl(listenAddress: string, port: number): string {
  return `http://${listenAddress}:${port}/api/health`;
}

type IniValue = string | number | boolean;

/** An ini file from sections of key = value, in the order given; a line break in a value is refused. */
export function renderIni(sections: Record<string, Record<string, IniValue | undefined>>): string {
  const out = [`# ${MANAGED_HEADER}`];
  for (const [section, entries] of Object.entries(sections)) {
    out.push("", `[${section}]`);
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) continue;
      if (/[\r\n]/.test(`${key}${value}`)) throw new Error(`grafana.ini [${section}] ${key} has a line break`);
      out.push(`${key} = ${value}`);
    }
  }
  return out.join("\n") + "\n";
}

export function renderGrafanaIni(s: GrafanaSettings, listenAddress: string): string {
  return renderIni({
    paths: { data: PATHS.stateDir, plugins: `${PATHS.stateDir}/plugins`, provisioning: PATHS.provisioning },
    server: { http_addr: listenAddress, http_port: s.port, root_url: s.rootUrl },
    // Grafana reads the password from the file when it starts: never in argv or the environment.
    security: {
      admin_user: s.adminUser,
      admin_password: `$__file{${PATHS.adminPassword}}`,
      disable_gravatar: true,
      cookie_samesite: "strict",
    },
    users: { allow_sign_up: false, allow_org_create: false },
    "auth.anonymous": { enabled: false },
    // No phone-home: the host reaches only what it needs.
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false, feedback_links_enabled: false },
    news: { news_feed_enabled: false },
    // The journal keeps the logs (StandardOutput=journal), the log agent ships them.
    log: { mode: "console" },
    metrics: { enabled: true },
  });
}

/**
 * The datasources, by the uids the dashboards name. Grafana expands $VAR and ${VAR} in
 * provisioning files: a literal $ (Tempo's trace links) is written $$.
 */
export function datasourcesObject(b: Backends) {
  return {
    apiVersion: 1,
    // Removed from Grafana's database when they leave this file; ours are never edited in the UI.
    prune: true,
    datasources: [
      {
        name: "Prometheus",
        ...DATASOURCES.prometheus,
        access: "proxy",
        url: b.prometheusUrl,
        isDefault: true,
        editable: false,
        // Read from the file when Grafana provisions it at start: no password in this file.
        basicAuth: true,
        basicAuthUser: b.prometheusUser,
        secureJsonData: { basicAuthPassword: `$__file{${PATHS.prometheusPassword}}` },
        jsonData: {
          httpMethod: "POST",
          // Exemplars carrying a trace id open the trace in Tempo.
          exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: DATASOURCES.tempo.uid }],
        },
      },
      {
        name: "Loki",
        ...DATASOURCES.loki,
        access: "proxy",
        url: b.lokiUrl,
        editable: false,
        jsonData: {
          maxLines: 1000,
          // A trace id in a log line links to the trace in Tempo.
          derivedFields: [
            {
              name: "TraceID",
              matcherRegex: 'trace_?[Ii][Dd]["=: ]+([0-9a-f]{16,32})',
              url: "$${__value.raw}",
              datasourceUid: DATASOURCES.tempo.uid,
            },
          ],
        },
      },
      {
        name: "Tempo",
        ...DATASOURCES.tempo,
        access: "proxy",
        url: b.tempoUrl,
        editable: false,
        jsonData: {
          // From a span to the log lines of its host around it, and those carrying its trace id.
          tracesToLogsV2: {
            datasourceUid: DATASOURCES.loki.uid,
            spanStartTimeShift: "-5m",
            spanEndTimeShift: "5m",
            tags: [{ key: "host.name", value: "host" }],
            filterByTraceID: true,
            filterBySpanID: false,
          },
          tracesToMetrics: { datasourceUid: DATASOURCES.prometheus.uid },
          lokiSearch: { datasourceUid: DATASOURCES.loki.uid },
          nodeGraph: { enabled: true },
        },
      },
    ],
  };
}

const yamlFile = (comment: string, data: unknown) => `# ${MANAGED_HEADER}\n# ${comment}\n${stringify(data, { lineWidth: 0 })}`;

export function renderDatasources(b: Backends): string {
  return yamlFile("Grafana's datasources: the observability host's Prometheus, Loki and Tempo.", datasourcesObject(b));
}

/** Grafana loads every dashboard file under PATHS.dashboards, read-only in the UI. */
export function renderDashboardProvider(): string {
  return yamlFile("The dashboards openclaw-infra writes, as files.", {
    apiVersion: 1,
    providers: [
      {
        name: "openclaw",
        orgId: 1,
        folder: "OpenClaw",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: PATHS.dashboards },
      },
    ],
  });
}

export function unitSpec(s: GrafanaSettings): UnitSpec {
  return serviceUnit({
    description: "Grafana (openclaw-infra's dashboards)",
    documentation: "https://grafana.com/docs/grafana/latest/",
    service: [
      { comment: "Replaces the package's unit of the same name: our configuration, our sandboxing." },
      ["User", PATHS.user],
      ["Group", PATHS.user],
      ["WorkingDirectory", PATHS.home],
      ["ExecStart", `${PATHS.binary} server --config=${PATHS.ini} --homepath=${PATHS.home} --packaging=deb`],
      { comment: "Its database (sqlite), plugins and sessions; the only place it writes." },
      ["StateDirectory", "grafana"],
      ["StateDirectoryMode", "0700"],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      ["TimeoutStopSec", "30"],
      ["MemoryMax", s.memoryMax],
      ["TasksMax", "512"],
      ["LimitNOFILE", "65536"],
      ["StandardOutput", "journal"],
      ["StandardError", "journal"],
      ["SyslogIdentifier", "grafana"],
    ],
    hardening: s.hardening ? hardening() : [],
  });
}

export function renderUnit(s: GrafanaSettings): string {
  return renderUnitFile(unitSpec(s));
}
