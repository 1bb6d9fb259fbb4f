// The gateway: its /health probed by blackbox (0.26), its (re)starts from systemd's journal
// lines about its unit, its own log lines, and recent traces in Tempo.
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { dashboard, GATEWAY_UNIT, lokiRange, place, promInstant, promRange, traceSearch } from "./common";

/**
 * systemd logs "Started <unit>" (and "Scheduled restart job" when Restart= brings it back) as
 * PID 1, whose journal lines the log agent labels unit="init.scope".
 */
export const GATEWAY_STARTS = `sum by (host) (count_over_time({unit="init.scope"} |= "${GATEWAY_UNIT}" |~ "Started|Scheduled restart" [$__interval]))`;

export function gatewayDashboard() {
  return place(dashboard("openclaw-gateway", "Gateway", "The OpenClaw gateway: /health probe, (re)starts, logs and traces"), [
    {
      h: 6,
      panels: [
        [
          new stat.PanelBuilder()
            .title("/health probe")
            .description("blackbox probe_success of the gateway's /health: 1 up, 0 down")
            .withTarget(promInstant("A", "probe_success", "{{host}}")),
          6,
        ],
        [
          new timeseries.PanelBuilder()
            .title("/health probe duration")
            .unit("s")
            .withTarget(promRange("A", "probe_duration_seconds", "{{host}}")),
          9,
        ],
        [
          new timeseries.PanelBuilder()
            .title("Gateway (re)starts")
            .description("systemd's Started / Scheduled restart lines about the gateway's unit")
            .withTarget(lokiRange("A", GATEWAY_STARTS, "{{host}}")),
          9,
        ],
      ],
    },
    {
      h: 12,
      panels: [
        [
          new logs.PanelBuilder()
            .title("Gateway logs")
            .showTime(true)
            .withTarget(lokiRange("A", `{unit="${GATEWAY_UNIT}"}`)),
          24,
        ],
      ],
    },
    {
      h: 8,
      panels: [[new table.PanelBuilder().title("Recent traces").withTarget(traceSearch("A", "{}", 20)), 24]],
    },
  ]);
}
