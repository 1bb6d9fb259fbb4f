// The dashboards Grafana is provisioned with, their files, and every query their panels run
// (for the test that runs each against the real Prometheus, Loki and Tempo).
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { DATASOURCES, INSTANCE_ALL, INSTANCE_VARIABLE } from "./common";
import { gatewayDashboard } from "./gateway";
import { hostsDashboard } from "./hosts";
import { logsDashboard } from "./logs";
import { postgresDashboard } from "./postgres";

export { DATASOURCES } from "./common";

/** Every dashboard, built: file name (without .json) -> dashboard. */
export function dashboards(): Record<string, Dashboard> {
  return {
    hosts: hostsDashboard().build(),
    gateway: gatewayDashboard().build(),
    postgres: postgresDashboard().build(),
    logs: logsDashboard().build(),
  };
}

/** Objects with their keys sorted, recursively: the same dashboard is always the same bytes. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

/** A dashboard's file: JSON with sorted keys, two-space indented, ending in a newline. */
export function renderDashboard(d: Dashboard): string {
  return JSON.stringify(sortedKeys(d), null, 2) + "\n";
}

export type Backend = (typeof DATASOURCES)[keyof typeof DATASOURCES]["type"];

/** One query of one panel, as the panel sends it. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  datasource: { type: Backend; uid: string };
  /** PromQL, LogQL or TraceQL, with Grafana's variables ($__interval...) as written. */
  expr: string;
  /** Prometheus: an instant query (one value at the range's end), else a range query. */
  instant: boolean;
}

const BACKENDS: readonly string[] = Object.values(DATASOURCES).map((d) => d.type);

/** Every panel's queries, in dashboard and panel order. A query without a known datasource is an error. */
export function panelQueries(boards: Record<string, Dashboard> = dashboards()): PanelQuery[] {
  return Object.entries(boards).flatMap(([name, board]) =>
    (board.panels ?? []).flatMap((panel) => {
      const targets = "targets" in panel ? (panel.targets ?? []) : [];
      return targets.map((t) => {
        const q = t as unknown as Record<string, unknown> & { datasource?: { type?: string; uid?: string } };
        const type = q.datasource?.type ?? "";
        if (!BACKENDS.includes(type) || !q.datasource?.uid)
          throw new Error(`dashboard ${name}, panel "${panel.title}": query ${String(q.refId)} has no known datasource`);
        const expr = type === "tempo" ? q.query : q.expr;
        if (typeof expr !== "string" || expr === "")
          throw new Error(`dashboard ${name}, panel "${panel.title}": query ${String(q.refId)} has no expression`);
        return {
          dashboard: name,
          panel: panel.title ?? "",
          refId: String(q.refId),
          datasource: { type: type as Backend, uid: q.datasource.uid },
          expr,
          instant: q.instant === true && q.range !== true,
        };
      });
    }),
  );
}

/**
 * A query as an HTTP API takes it: Grafana's interval variables replaced by a fixed window
 * (2m: at least four scrapes at Prometheus' 15s..30s intervals), the instance variable by its "All".
 */
export function expandVariables(expr: string, window = "2m"): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__auto/g, window).replaceAll(INSTANCE_VARIABLE, INSTANCE_ALL);
}
