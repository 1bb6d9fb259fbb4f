// What the dashboards share: the provisioned datasources' uids (datasources.ts provisions
// them with these), query helpers and a panel grid. Written with
// @grafana/grafana-foundation-sdk's builders, never as hand-edited JSON.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as common from "@grafana/grafana-foundation-sdk/common";
import type { GridPos, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardBuilder, QueryVariableBuilder, VariableRefresh, VariableSort } from "@grafana/grafana-foundation-sdk/dashboard";
import * as loki from "@grafana/grafana-foundation-sdk/loki";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as tempo from "@grafana/grafana-foundation-sdk/tempo";
import { DEFAULT_INSTANCE, INSTANCE_LABEL, INSTANCE_NAME, instancePaths } from "../../gateway-service/schema";

/** The datasources every dashboard names by uid; datasources.ts provisions exactly these. */
export const DATASOURCES = {
  prometheus: { type: "prometheus", uid: "prometheus" },
  loki: { type: "loki", uid: "loki" },
  tempo: { type: "tempo", uid: "tempo" },
} as const satisfies Record<string, common.DataSourceRef>;

/** A regex of the units of every gateway instance (unanchored: for a line filter), from instances.ts's naming. */
export function gatewayUnitsRegex(): string {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const placeholder = "NAME";
  const [before, after] = instancePaths(placeholder).unit.split(placeholder);
  const name = INSTANCE_NAME.source.replace(/^\^/, "").replace(/\$$/, "");
  return `${escape(instancePaths(DEFAULT_INSTANCE).unit)}|${escape(before)}${name}${escape(after)}`;
}

/** The dashboard variable of the instances shown, a regex (=~) of them as Grafana expands it. */
export const INSTANCE_VARIABLE = `$${INSTANCE_LABEL}`;
/** What the variable stands for on All: any instance (Loki refuses a selector that could match an empty value). */
export const INSTANCE_ALL = ".+";
/** A selector's matcher of the chosen instances, for Prometheus and Loki alike. */
export const INSTANCE_MATCHER = `${INSTANCE_LABEL}=~"${INSTANCE_VARIABLE}"`;

/**
 * The instances a dashboard shows: those the gateway probe has seen, several or all. "All" is
 * `.+` rather than the list of the values seen: an instance added since the dashboard loaded
 * shows too, and Loki takes it (a stream selector needs a matcher that refuses "").
 */
export function instanceVariable(): QueryVariableBuilder {
  const query = `label_values(probe_success{job="gateway"}, ${INSTANCE_LABEL})`;
  return new QueryVariableBuilder(INSTANCE_LABEL)
    .label("Instance")
    .description("Gateway instances (default: the only one of a host with one gateway)")
    .datasource(DATASOURCES.prometheus)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(INSTANCE_ALL)
    .current({ text: ["All"], value: ["$__all"] });
}

/** The log agent's job label (components/promtail-journal). */
export const JOURNAL_JOB = "systemd-journal";

/** A PromQL query over the panel's time range; `legend` e.g. "{{host}}". */
export function promRange(refId: string, expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(DATASOURCES.prometheus).refId(refId).expr(expr).legendFormat(legend).range();
}

/** A PromQL query at the range's end (stat panels, tables). */
export function promInstant(refId: string, expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(DATASOURCES.prometheus).refId(refId).expr(expr).legendFormat(legend).instant();
}

/** A LogQL query over the range: log lines, or a metric query (count_over_time...). */
export function lokiRange(refId: string, expr: string, legend?: string): loki.DataqueryBuilder {
  const q = new loki.DataqueryBuilder().datasource(DATASOURCES.loki).refId(refId).expr(expr).queryType("range");
  return legend ? q.legendFormat(legend) : q;
}

/** A TraceQL search. */
export function traceSearch(refId: string, query: string, limit: number): tempo.DataqueryBuilder {
  return new tempo.DataqueryBuilder().datasource(DATASOURCES.tempo).refId(refId).queryType("traceql").query(query).limit(limit);
}

/** A dashboard as every one of ours starts: uid, tags, the last 6 hours, read-only. */
export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(["openclaw"])
    .time({ from: "now-6h", to: "now" })
    .refresh("1m")
    .timezone("browser")
    .readonly();
}

/** A panel builder of any visualization, as `place` needs it. */
export interface Placeable {
  gridPos(gridPos: GridPos): cog.Builder<Panel>;
}

/** Adds panels on a 24-column grid: each row `h` high, its panels left to right, each [panel, width]. */
export function place(board: DashboardBuilder, rows: { h: number; panels: [Placeable, number][] }[]): DashboardBuilder {
  let y = 0;
  for (const row of rows) {
    let x = 0;
    for (const [panel, w] of row.panels) {
      board.withPanel(panel.gridPos({ x, y, w, h: row.h }));
      x += w;
    }
    y += row.h;
  }
  return board;
}
