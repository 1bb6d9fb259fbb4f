// The two entries of cloudflared: a tunnel managed through the Cloudflare API, or only its host side.
import { component, HostContext, httpAt, Listener, tcp } from "../../src/registry/types";
import { CloudflaredConnector, CloudflareTunnel } from ".";
import { PATHS } from "./render";
import { cloudflaredOptionsSchema, gatewayOrigin, tokenSchema, tunnelConfigSchema } from "./schema";

/** The tunnel's origin: as set, else the gateway's listener on this host. */
const tunnelOrigin = ({ options, peer, host }: HostContext<{ origin?: string }>) =>
  options.origin ?? gatewayOrigin(peer("gateway", "http", host).port);

/**
 * Its metrics server (/ready, /metrics), on loopback: the deploy's readiness wait reads it.
 * Prometheus, on another host, cannot reach it: nothing is scraped.
 */
const metrics = (key: string, options: { run: boolean; metricsPort: number }): Listener[] =>
  options.run ? [tcp("metrics", `${key}.metricsPort`, options.metricsPort, "loopback", ["this host"])] : [];

/** A Cloudflare Tunnel managed through the Cloudflare API (needs cloudflare:apiToken). */
export const tunnel = component({
  key: "tunnel",
  schema: tunnelConfigSchema.optional(),
  on: ["gateway"],
  build: (ctx) =>
    new CloudflareTunnel(`${ctx.host}-tunnel`, { connection: ctx.connection, ...ctx.options, origin: tunnelOrigin(ctx) }, ctx.opts),
  outputs: (t) => ({ publicUrl: t.publicUrl }),
  listeners: ({ options }) => metrics("tunnel", options),
  units: (ctx) => [{ unit: PATHS.unit, reach: `https://${ctx.options.hostname} -> ${tunnelOrigin(ctx)}` }],
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
