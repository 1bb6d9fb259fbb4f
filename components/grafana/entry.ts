// Grafana's entry: on the observability host, its datasources the listeners of Prometheus, Loki and Tempo.
import { component, httpAt, tcp } from "../../src/registry/types";
import { PROMETHEUS_USER, prometheusPasswordSchema } from "../prometheus/schema";
import { Grafana } from ".";
import { PATHS } from "./render";
import { adminPasswordSchema, grafanaOptionsSchema } from "./schema";

export const grafana = component({
  key: "grafana",
  schema: grafanaOptionsSchema.optional(),
  on: ["observability"],
  // And Prometheus's (components/prometheus), for its datasource.
  secrets: { grafanaAdminPassword: adminPasswordSchema, prometheusPassword: prometheusPasswordSchema },
  build: (ctx) =>
    new Grafana(
      `${ctx.host}-grafana`,
      {
        connection: ctx.connection,
        listenAddress: ctx.privateAddress,
        ...ctx.options,
        backends: {
          prometheusUrl: httpAt(ctx.peer("prometheus", "http")),
          prometheusUser: PROMETHEUS_USER,
          lokiUrl: httpAt(ctx.peer("loki", "http")),
          tempoUrl: httpAt(ctx.peer("tempo", "http")),
        },
        adminPassword: ctx.secrets.apply((s) => s.grafanaAdminPassword),
        prometheusPassword: ctx.secrets.apply((s) => s.prometheusPassword),
      },
      ctx.opts,
    ),
  outputs: (g) => ({ grafanaHealthUrl: g.healthUrl }),
  // Only while it runs; the operator opens it through a tunnel.
  listeners: ({ options }) => (options.run ? [tcp("http", "grafana.port", options.port, "private", ["operator"])] : []),
  units: ({ options, own }) => [
    { unit: PATHS.unit, reach: options.run ? `${httpAt(own("http"))} (admin: ${options.adminUser})` : "switched off (grafana.run: false)" },
  ],
  scrape: ({ options }) => (options.run ? [{ job: "grafana", listener: "http" }] : []),
});
