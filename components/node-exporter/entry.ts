// node-exporter's entry: every host's metrics, on its private address for Prometheus.
import { component, httpAt, tcp } from "../../src/registry/types";
import { NodeExporter } from ".";
import { PATHS } from "./render";
import { nodeExporterOptionsSchema } from "./schema";

export const nodeExporter = component({
  key: "nodeExporter",
  schema: nodeExporterOptionsSchema.prefault({}),
  on: "every host",
  build: (ctx) =>
    new NodeExporter(
      `${ctx.host}-node-exporter`,
      { connection: ctx.connection, listenAddress: ctx.privateAddress, ...ctx.options },
      ctx.opts,
    ),
  outputs: (exporter) => ({ metricsUrl: exporter.metricsUrl }),
  listeners: ({ options }) => [tcp("metrics", "nodeExporter.port", options.port, "private", ["observability host"])],
  units: ({ own }) => [{ unit: PATHS.unit, reach: httpAt(own("metrics"), "/metrics") }],
  scrape: () => [{ job: "node", listener: "metrics" }],
});
