// The gateway: its /health probed by blackbox (0.26), its (re)starts from systemd's journal
// lines about its units, its own log lines, and recent traces in Tempo. A host may run several
// gateway instances (components/gateway-service/instances.ts): the variable instance_name
// picks which of them the probe and log panels show.
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import {
  dashboard,
  gatewayUnitsRegex,
  INSTANCE_MATCHER,
  instanceVariable,
  lokiRange,
  place,
  promInstant,
  promRange,
  traceSearch,
} from "./common";
import { INSTANCE_LABEL } from "../../gateway-service/schema";

/** The blackbox probe of each chosen instance's /health. */
const PROBE = `{job="gateway", ${INSTANCE_MATCHER}}`;
const PROBE_LEGEND = `{{host}} {{${INSTANCE_LABEL}}}`;

/**
 * systemd logs "Started <unit>" (and "Scheduled restart job" when Restart= brings it back) as
 * PID 1, whose journal lines the log agent labels unit="init.scope" (and no instance): the
 * starts of every gateway unit, by host.
 */
export const GATEWAY_STARTS = `sum by (host) (count_over_time({unit="init.scope"} |~ \`${gatewayUnitsRegex()}\` |~ "Started|Scheduled restart" [$__interval]))`;

/** The log lines of the chosen instances' units: only a gateway unit's lines carry the instance label. */
export const GATEWAY_LOGS = `{${INSTANCE_MATCHER}}`;

export function gatewayDashboard() {
  const board = dashboard("openclaw-gateway", "Gateway", "The OpenClaw gateway: /health probe, (re)starts, logs and traces");
  return place(board.withVariable(instanceVariable()), [
    {
      h: 6,
      panels: [
        [
          new stat.PanelBuilder()
            .title("/health probe")
            .description("blackbox probe_success of each gateway instance's /health: 1 up, 0 down")
            .withTarget(promInstant("A", `probe_success${PROBE}`, PROBE_LEGEND)),
          6,
        ],
        [
          new timeseries.PanelBuilder()
            .title("/health probe duration")
            .unit("s")
            .withTarget(promRange("A", `probe_duration_seconds${PROBE}`, PROBE_LEGEND)),
          9,
        ],
        [
          new timeseries.PanelBuilder()
            .title("Gateway (re)starts")
            .description("systemd's Started / Scheduled restart lines about the gateway's units, every instance's")
            .withTarget(lokiRange("A", GATEWAY_STARTS, "{{host}}")),
          9,
        ],
      ],
    },
    {
      h: 12,
      panels: [[new logs.PanelBuilder().title("Gateway logs").showTime(true).withTarget(lokiRange("A", GATEWAY_LOGS)), 24]],
    },
    {
      h: 8,
      panels: [[new table.PanelBuilder().title("Recent traces").withTarget(traceSearch("A", "{}", 20)), 24]],
    },
  ]);
}
