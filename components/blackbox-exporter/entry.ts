// blackbox-exporter's entry: the gateway's /health, probed on loopback from its own host for Prometheus.
import { component, HostContext, httpAt, tcp } from "../../src/registry/types";
import { BlackboxExporter } from ".";
import { HTTP_MODULE, PATHS } from "./render";
import { blackboxOptionsSchema } from "./schema";

/** The gateway's /health on this host, on loopback (it answers there whatever its bind). */
const gatewayHealth = ({ peer, host }: Pick<HostContext, "peer" | "host">) =>
  httpAt({ ip: "127.0.0.1", port: peer("gateway", "http", host).port }, "/health");

export const blackbox = component({
  key: "blackbox",
  schema: blackboxOptionsSchema.prefault({}),
  on: ["gateway"],
  build: (ctx) =>
    new BlackboxExporter(
      `${ctx.host}-blackbox`,
      { connection: ctx.connection, ...ctx.options, listenAddress: ctx.privateAddress, allowFrom: ctx.addressesOf(ctx.own("probe").from) },
      ctx.opts,
    ),
  listeners: ({ options }) => [tcp("probe", "blackbox.port", options.port, "private", ["observability host"])],
  units: (ctx) => [{ unit: PATHS.unit, reach: `${httpAt(ctx.own("probe"), "/probe")} (probes ${gatewayHealth(ctx)})` }],
  scrape: (ctx) => [
    { job: "gateway", listener: "probe", metricsPath: "/probe", params: { module: [HTTP_MODULE], target: [gatewayHealth(ctx)] } },
  ],
});
