// The two entries of cloudflared: a tunnel managed through the Cloudflare API, or only its host side.
import { component, HostContext, httpAt, Listener, tcp } from "../../src/registry/types";
import { PROJECT } from "../../src/settings";
import { ValidationError } from "../../src/validate";
import { gatewayListener } from "../gateway-service/entry";
import { gatewayInstances, gatewayOptionsSchema, GatewaySettings } from "../gateway-service/schema";
import { CloudflaredConnector, CloudflareTunnel } from ".";
import { PATHS, publicUrl } from "./render";
import {
  cloudflaredOptionsSchema,
  gatewayOrigin,
  instanceHostnames,
  tokenSchema,
  TunnelConfig,
  tunnelConfigSchema,
  TunnelRoute,
} from "./schema";

/**
 * One route per gateway instance of this host, the first instance's first: its hostname (see
 * instanceHostnames) to its listener on this host; `origin`, when set, replaces the first's.
 * Throws naming `tunnel.hostnames.<instance>` when the hostnames do not fit the instances.
 */
export function instanceRoutes({
  options,
  reads,
  peer,
  host,
}: Pick<HostContext<TunnelConfig, { gateway: GatewaySettings }>, "options" | "reads" | "peer" | "host">): TunnelRoute[] {
  const instances = gatewayInstances(reads.gateway).map((s) => s.instance);
  const { hostnames, problems } = instanceHostnames(options, instances);
  if (problems.length) throw new ValidationError(problems.map((p) => `${PROJECT}:${p.key}: ${p.message}`));
  return hostnames.map(({ instance, hostname }, i) => ({
    instance,
    hostname,
    origin: (i === 0 ? options.origin : undefined) ?? gatewayOrigin(peer("gateway", gatewayListener(instance), host).port),
  }));
}

/**
 * Its metrics server (/ready, /metrics), on loopback: the deploy's readiness wait reads it.
 * Prometheus, on another host, cannot reach it: nothing is scraped.
 */
const metrics = (key: string, options: { run: boolean; metricsPort: number }): Listener[] =>
  options.run ? [tcp("metrics", `${key}.metricsPort`, options.metricsPort, "loopback", ["this host"])] : [];

/** A Cloudflare Tunnel managed through the Cloudflare API (needs cloudflare:apiToken): a hostname per gateway instance. */
export const tunnel = component({
  key: "tunnel",
  schema: tunnelConfigSchema.optional(),
  on: ["gateway"],
  reads: { gateway: gatewayOptionsSchema },
  build: (ctx) => {
    const { hostname: _hostname, hostnames: _hostnames, origin: _origin, ...options } = ctx.options;
    return new CloudflareTunnel(`${ctx.host}-tunnel`, { connection: ctx.connection, ...options, routes: instanceRoutes(ctx) }, ctx.opts);
  },
  outputs: (t) => ({ publicUrl: t.publicUrl, publicUrls: t.publicUrls }),
  listeners: ({ options }) => metrics("tunnel", options),
  units: (ctx) => [
    {
      unit: PATHS.unit,
      reach: instanceRoutes(ctx)
        .map((r) => `${publicUrl(r.hostname)} -> ${r.origin}`)
        .join(", "),
    },
  ],
});

/**
 * Only the host side of a tunnel, with its token from the secret `tunnelToken`: for a tunnel
 * made elsewhere, or hosts that cannot reach Cloudflare (the sandbox, with run: false).
 */
export const cloudflared = component({
  key: "cloudflared",
  schema: cloudflaredOptionsSchema.optional(),
  on: ["gateway"],
  excludes: { key: "tunnel", message: "set either tunnel (managed through the Cloudflare API) or cloudflared (host side only), not both" },
  secrets: { tunnelToken: tokenSchema.shape.token },
  build: (ctx) =>
    new CloudflaredConnector(
      `${ctx.host}-cloudflared`,
      { connection: ctx.connection, ...ctx.options, token: ctx.secrets.apply((s) => s.tunnelToken) },
      ctx.opts,
    ),
  listeners: ({ options }) => metrics("cloudflared", options),
  units: ({ options, own }) => [
    { unit: PATHS.unit, reach: options.run ? `metrics and /ready on ${httpAt(own("metrics"))}` : "switched off (cloudflared.run: false)" },
  ],
});
