// blackbox-exporter's entry: each gateway instance's /health, probed on loopback from its own host for Prometheus.
import { component, HostContext, httpAt, tcp } from "../../src/registry/types";
import { gatewayListener } from "../gateway-service/entry";
import { gatewayInstances, gatewayOptionsSchema, GatewaySettings, INSTANCE_LABEL } from "../gateway-service/schema";
import { BlackboxExporter } from ".";
import { HTTP_MODULE, PATHS } from "./render";
import { blackboxOptionsSchema } from "./schema";

/** Each instance's name and its /health on this host, on loopback (it answers there whatever its bind). */
const gatewayHealth = ({ peer, host, reads }: Pick<HostContext<unknown, { gateway: GatewaySettings }>, "peer" | "host" | "reads">) =>
  gatewayInstances(reads.gateway).map((s) => ({
    instance: s.instance,
    url: httpAt({ ip: "127.0.0.1", port: peer("gateway", gatewayListener(s.instance), host).port }, "/health"),
  }));

export const blackbox = component({
  key: "blackbox",
  schema: blackboxOptionsSchema.prefault({}),
  on: ["gateway"],
  reads: { gateway: gatewayOptionsSchema },
  build: (ctx) =>
    new BlackboxExporter(
      `${ctx.host}-blackbox`,
      { connection: ctx.connection, ...ctx.options, listenAddress: ctx.privateAddress, allowFrom: ctx.addressesOf(ctx.own("probe").from) },
      ctx.opts,
    ),
  listeners: ({ options }) => [tcp("probe", "blackbox.port", options.port, "private", ["observability host"])],
  units: (ctx) => [
    {
      unit: PATHS.unit,
      reach: `${httpAt(ctx.own("probe"), "/probe")} (probes ${gatewayHealth(ctx)
        .map((h) => h.url)
        .join(", ")})`,
    },
  ],
  // One target per instance: the probed URL is the target's own __param_target, so one job covers them all.
  scrape: (ctx) =>
    gatewayHealth(ctx).map(({ instance, url }) => ({
      job: "gateway",
      listener: "probe",
      metricsPath: "/probe",
      params: { module: [HTTP_MODULE] },
      labels: { [INSTANCE_LABEL]: instance, __param_target: url },
    })),
});
