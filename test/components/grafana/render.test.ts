// Grafana rendering: golden files for grafana.ini, the unit, the datasources, the dashboards
// provider and every dashboard; the list of every panel's queries.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dashboards, expandVariables, panelQueries, renderDashboard } from "../../../components/grafana/dashboards";
import { renderDashboardProvider, renderDatasources, renderGrafanaIni, renderIni, renderUnit } from "../../../components/grafana/render";
import { grafanaOptionsSchema } from "../../../components/grafana/schema";
import { gatewayUnitsRegex } from "../../../components/grafana/dashboards/common";
import { instancePaths } from "../../../components/gateway-service/instances";

const off = grafanaOptionsSchema.parse({ run: false });
const backends = {
  prometheusUrl: "http://10.0.0.2:9090",
  prometheusUser: "operator",
  lokiUrl: "http://10.0.0.2:3100",
  tempoUrl: "http://10.0.0.2:3200",
};

describe("Grafana files (golden)", () => {
  it("grafana.ini", async () => {
    await expect(renderGrafanaIni(off, "10.0.0.2")).toMatchFileSnapshot("golden/grafana.ini");
  });
  it("unit", async () => {
    await expect(renderUnit(off)).toMatchFileSnapshot("golden/grafana-server.service");
  });
  it("datasources", async () => {
    await expect(renderDatasources(backends)).toMatchFileSnapshot("golden/datasources.yaml");
  });
  it("dashboards provider", async () => {
    await expect(renderDashboardProvider()).toMatchFileSnapshot("golden/dashboards.yaml");
  });
  for (const [name, board] of Object.entries(dashboards())) {
    it(`dashboard ${name}`, async () => {
      await expect(renderDashboard(board)).toMatchFileSnapshot(`golden/dashboards/${name}.json`);
    });
  }
});

describe("Grafana rendering", () => {
  it("reads the admin password from its file, never from the ini itself", () => {
    expect(renderGrafanaIni(off, "10.0.0.2")).toContain("admin_password = $__file{/etc/grafana/openclaw/admin-password}");
  });
  it("logs in to Prometheus with basic auth, the password read from its file at provisioning", () => {
    const prometheus = parse(renderDatasources(backends)).datasources[0];
    expect(prometheus).toMatchObject({
      basicAuth: true,
      basicAuthUser: "operator",
      secureJsonData: { basicAuthPassword: "$__file{/etc/grafana/openclaw/prometheus-password}" },
    });
  });
  it("listens on the private address only", () => {
    expect(renderGrafanaIni(off, "10.0.0.2")).toMatch(/^http_addr = 10\.0\.0\.2$/m);
  });
  it("refuses a line break in an ini value", () => {
    expect(() => renderIni({ server: { root_url: "http://x\n[security]" } })).toThrow("grafana.ini [server] root_url has a line break");
  });
  it("links traces to logs and writes a literal $ as $$ (Grafana expands $ in provisioning files)", () => {
    const ds = parse(renderDatasources(backends)).datasources;
    expect(ds.map((d: { uid: string; url: string }) => `${d.uid} ${d.url}`)).toEqual([
      "prometheus http://10.0.0.2:9090",
      "loki http://10.0.0.2:3100",
      "tempo http://10.0.0.2:3200",
    ]);
    expect(ds[2].jsonData.tracesToLogsV2.datasourceUid).toBe("loki");
    expect(ds[1].jsonData.derivedFields[0].url).toBe("$${__value.raw}");
  });
  it("writes the same dashboard as the same bytes, keys sorted", () => {
    const a = renderDashboard(dashboards().hosts);
    expect(renderDashboard(dashboards().hosts)).toBe(a);
    const keys = Object.keys(JSON.parse(a));
    expect(keys).toEqual([...keys].sort());
  });
});

describe("panelQueries", () => {
  it("lists every panel's query with its datasource", () => {
    const queries = panelQueries();
    expect(queries.map((q) => `${q.dashboard}/${q.panel}/${q.refId} ${q.datasource.type}${q.instant ? " instant" : ""}`)).toEqual([
      "hosts/CPU busy/A prometheus",
      "hosts/Memory used/A prometheus",
      "hosts/Disk used/A prometheus",
      "hosts/Network/A prometheus",
      "hosts/Network/B prometheus",
      "gateway//health probe/A prometheus instant",
      "gateway//health probe duration/A prometheus",
      "gateway/Gateway (re)starts/A loki",
      "gateway/Gateway logs/A loki",
      "gateway/Recent traces/A tempo",
      "postgres/PostgreSQL up/A prometheus instant",
      "postgres/Connections/A prometheus",
      "postgres/Database size/A prometheus",
      "postgres/Transactions/A prometheus",
      "postgres/Transactions/B prometheus",
      "logs/Log lines by host and unit/A loki",
      "logs/Error lines by host and unit/A loki",
      "logs/Error lines/A loki",
    ]);
    expect(queries.find((q) => q.panel === "Gateway logs")?.expr).toBe('{instance_name=~"$instance_name"}');
  });
  it("shows the gateway instances chosen by the instance_name variable", () => {
    const queries = panelQueries().filter((q) => q.dashboard === "gateway");
    const expr = (panel: string) => queries.find((q) => q.panel === panel)?.expr;
    expect(expr("/health probe")).toBe('probe_success{job="gateway", instance_name=~"$instance_name"}');
    expect(expr("/health probe duration")).toBe('probe_duration_seconds{job="gateway", instance_name=~"$instance_name"}');
    const legends = dashboards()
      .gateway.panels?.slice(0, 2)
      .flatMap((p) => ("targets" in p ? (p.targets ?? []) : []).map((t) => (t as { legendFormat?: string }).legendFormat));
    expect(legends).toEqual(["{{host}} {{instance_name}}", "{{host}} {{instance_name}}"]);
    expect(dashboards().gateway.templating?.list).toEqual([
      expect.objectContaining({
        type: "query",
        name: "instance_name",
        datasource: { type: "prometheus", uid: "prometheus" },
        query: 'label_values(probe_success{job="gateway"}, instance_name)',
        multi: true,
        includeAll: true,
        allValue: ".+",
      }),
    ]);
    // Variables only where a dashboard uses them.
    for (const name of ["hosts", "postgres", "logs"]) expect(dashboards()[name].templating?.list ?? []).toEqual([]);
  });
  it("counts the starts of every gateway instance's unit, by host", () => {
    const starts = panelQueries().find((q) => q.panel === "Gateway (re)starts")?.expr ?? "";
    expect(starts).toBe(
      'sum by (host) (count_over_time({unit="init.scope"} |~ `openclaw-gateway\\.service|openclaw-gateway-[a-z][a-z0-9]{0,15}\\.service` |~ "Started|Scheduled restart" [$__interval]))',
    );
    expect(gatewayUnitsRegex()).toBe("openclaw-gateway\\.service|openclaw-gateway-[a-z][a-z0-9]{0,15}\\.service");
    const started = (unit: string) => new RegExp(gatewayUnitsRegex()).test(`Started ${unit} - OpenClaw gateway.`);
    for (const instance of ["default", "work", "a1"]) expect(started(instancePaths(instance).unit), instance).toBe(true);
    expect(started("cloudflared.service")).toBe(false);
  });
  it("refuses a query without a known datasource", () => {
    const board = dashboards().hosts;
    const broken = { ...board, panels: [{ ...board.panels?.[0], targets: [{ refId: "A", expr: "up" }] }] } as unknown as typeof board;
    expect(() => panelQueries({ broken })).toThrow('dashboard broken, panel "CPU busy": query A has no known datasource');
  });
  it("replaces Grafana's interval variables for the HTTP APIs", () => {
    expect(expandVariables('rate(x[$__rate_interval]) + count_over_time({a="b"}[$__interval])')).toBe(
      'rate(x[2m]) + count_over_time({a="b"}[2m])',
    );
  });
});
