// Logs: the journal of every host in Loki, as the log agent labels it (job, host, unit).
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { dashboard, JOURNAL_JOB, lokiRange, place } from "./common";

const JOURNAL = `{job="${JOURNAL_JOB}"}`;
/** Lines that say something went wrong; the journal's priority is not a label, the words are what is left. */
export const ERROR_FILTER = `|~ "(?i)(error|fail)"`;

export function logsDashboard() {
  return place(dashboard("openclaw-logs", "Logs", "Log volume and errors by host and unit (Loki)"), [
    {
      h: 8,
      panels: [
        [
          new timeseries.PanelBuilder()
            .title("Log lines by host and unit")
            .withTarget(lokiRange("A", `sum by (host, unit) (count_over_time(${JOURNAL} [$__interval]))`, "{{host}} {{unit}}")),
          12,
        ],
        [
          new timeseries.PanelBuilder()
            .title("Error lines by host and unit")
            .withTarget(
              lokiRange("A", `sum by (host, unit) (count_over_time(${JOURNAL} ${ERROR_FILTER} [$__interval]))`, "{{host}} {{unit}}"),
            ),
          12,
        ],
      ],
    },
    {
      h: 12,
      panels: [
        [
          new logs.PanelBuilder()
            .title("Error lines")
            .showTime(true)
            .withTarget(lokiRange("A", `${JOURNAL} ${ERROR_FILTER}`)),
          24,
        ],
      ],
    },
  ]);
}
