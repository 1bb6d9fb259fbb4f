// What the dashboards share: the provisioned datasources' uids (datasources.ts provisions
// them with these), query helpers and a panel grid. Written with
// @grafana/grafana-foundation-sdk's builders, never as hand-edited JSON.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as common from "@grafana/grafana-foundation-sdk/common";
import type { GridPos, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import * as loki from "@grafana/grafana-foundation-sdk/loki";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as tempo from "@grafana/grafana-foundation-sdk/tempo";

/** The datasources every dashboard names by uid; datasources.ts provisions exactly these. */
export const DATASOURCES = {
  prometheus: { type: "prometheus", uid: "prometheus" },
  loki: { type: "loki", uid: "loki" },
  tempo: { type: "tempo", uid: "tempo" },
} as const satisfies Record<string, common.DataSourceRef>;

/** The gateway's unit, as the log agent labels its journal lines (unit=). */
export const GATEWAY_UNIT = "openclaw-gateway.service";
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
