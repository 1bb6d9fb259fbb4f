// PostgreSQL: postgres-exporter (Debian 13's prometheus-postgres-exporter 0.17.1).
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { dashboard, place, promInstant, promRange } from "./common";

/** Template databases hold no connections or data worth a line. */
const USER_DATABASES = `datname!~"template.*"`;

export function postgresDashboard() {
  return place(
    dashboard("openclaw-postgres", "PostgreSQL", "PostgreSQL up, connections, database sizes and transactions (postgres-exporter)"),
    [
      {
        h: 8,
        panels: [
          [
            new stat.PanelBuilder()
              .title("PostgreSQL up")
              .description("pg_up: the exporter reaches the server")
              .withTarget(promInstant("A", "pg_up", "{{host}}")),
            6,
          ],
          [
            new timeseries.PanelBuilder()
              .title("Connections")
              .withTarget(
                promRange("A", `sum by (host, datname) (pg_stat_database_numbackends{${USER_DATABASES}})`, "{{host}} {{datname}}"),
              ),
            9,
          ],
          [
            new timeseries.PanelBuilder()
              .title("Database size")
              .unit("bytes")
              .withTarget(promRange("A", `pg_database_size_bytes{${USER_DATABASES}}`, "{{host}} {{datname}}")),
            9,
          ],
        ],
      },
      {
        h: 8,
        panels: [
          [
            new timeseries.PanelBuilder()
              .title("Transactions")
              .unit("ops")
              .withTarget(
                promRange(
                  "A",
                  `sum by (host, datname) (rate(pg_stat_database_xact_commit{${USER_DATABASES}}[$__rate_interval]))`,
                  "{{host}} {{datname}} commit",
                ),
              )
              .withTarget(
                promRange(
                  "B",
                  `sum by (host, datname) (rate(pg_stat_database_xact_rollback{${USER_DATABASES}}[$__rate_interval]))`,
                  "{{host}} {{datname}} rollback",
                ),
              ),
            24,
          ],
        ],
      },
    ],
  );
}
