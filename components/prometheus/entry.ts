// Prometheus's entry: every host's scrape jobs, the alert rules, the collector's remote write.
import { component, httpAt, tcp } from "../../src/registry/types";
import { alertmanagerLogin } from "../alertmanager/entry";
import { otelCollector } from "../otel-collector/entry";
import { Prometheus } from ".";
import { PATHS } from "./render";
import { PROMETHEUS_USER, prometheusOptionsSchema, prometheusPasswordSchema } from "./schema";

export const prometheus = component({
  key: "prometheus",
  schema: prometheusOptionsSchema.prefault({}),
  on: ["observability"],
  secrets: {
    /** PROMETHEUS_USER's password on its UI and API (basic auth). */
    prometheusPassword: prometheusPasswordSchema,
  },
  build: (ctx) => {
    const alertmanager = ctx.listener("alertmanager", "http");
    return new Prometheus(
      `${ctx.host}-prometheus`,
      {
        connection: ctx.connection,
        ...ctx.options,
        listenAddress: ctx.privateAddress,
        jobs: ctx.scrapeJobs(),
        alertmanagers: alertmanager ? [`${alertmanager.ip}:${alertmanager.port}`] : [],
        alertmanagerAuth: alertmanager ? alertmanagerLogin : undefined,
        remoteWriteReceiver: ctx.built(otelCollector) !== undefined,
        password: ctx.secrets.apply((s) => s.prometheusPassword),
      },
      ctx.opts,
    );
  },
  outputs: (p) => ({ prometheusUrl: p.url }),
  // Grafana and the collector's remote write on the same host; the operator through a tunnel.
  listeners: ({ options }) => [tcp("http", "prometheus.port", options.port, "private", ["observability host", "operator"])],
  units: ({ own }) => [{ unit: PATHS.unit, reach: `${httpAt(own("http"))} (UI and API, basic auth: ${PROMETHEUS_USER})` }],
  // It scrapes itself with its own password file.
  scrape: () => [{ job: "prometheus", listener: "http", basicAuth: { username: PROMETHEUS_USER, passwordFile: PATHS.password } }],
});
