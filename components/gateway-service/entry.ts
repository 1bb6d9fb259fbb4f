// The gateway's entry: OpenClaw on the gateway hosts, its peers (OTLP per signal, PostgreSQL)
// read from the listeners of the components that receive them.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { component, HostContext, httpAt, tcp } from "../../src/registry/types";
import { databaseStackProblem, gatewayDatabaseUrl } from "../../src/stacks";
import { OtlpSignalEndpoints } from "../../src/topology";
import { tunnel } from "../cloudflare-tunnel/entry";
import { lokiOtlpLogsUrl } from "../loki/entry";
import { node } from "../node-runtime/entry";
import { collectorMetricsUrl } from "../otel-collector/entry";
import { stateBackup } from "../restic/entry";
import { tempoTracesUrl } from "../tempo/entry";
import { GatewayService } from ".";
import { lookUpRelease } from "./engines";
import { releaseCacheDir, validateLocally } from "./preview-validate";
import { gatewayConfig, PATHS } from "./render";
import { gatewayOptionsSchema, GatewaySettings, gatewayTokenSchema } from "./schema";
import { checkSecretRefs, envRefs } from "./settings";

/** Variables gateway.env always has, beside the operator's: settings may reference them. */
const DERIVED_ENV = ["OPENCLAW_GATEWAY_TOKEN", "DATABASE_URL"];

/** The gateway's user and state directory: the state backup reads them. */
export { PATHS as GATEWAY_PATHS } from "./render";

/** Each OTLP signal at the receiver that keeps it, when the topology has all three. */
function otlpSignals({ listener }: Pick<HostContext, "listener">): OtlpSignalEndpoints | undefined {
  const traces = listener("tempo", "otlp-http");
  const metrics = listener("otelCollector", "otlp-http");
  const logs = listener("loki", "http");
  return traces && metrics && logs
    ? { traces: tempoTracesUrl(traces), metrics: collectorMetricsUrl(metrics), logs: lokiOtlpLogsUrl(logs) }
    : undefined;
}

/**
 * Origins the control UI is opened from beside the operator's: the tunnel's public URL; else,
 * bound beyond loopback with none given, the host's own address (the release's audit refuses a
 * UI on the network with no allowed origin at all).
 */
function extraOrigins(ctx: Pick<HostContext<GatewaySettings, {}>, "options" | "address">, publicUrl: string | undefined): string[] {
  if (publicUrl) return [publicUrl];
  const { bind, allowedOrigins, port } = ctx.options;
  return bind === "lan" && allowedOrigins.length === 0 ? [`http://${ctx.address}:${port}`] : [];
}

export const gateway = component({
  key: "gateway",
  schema: gatewayOptionsSchema.prefault({}),
  on: ["gateway"],
  secrets: {
    /** The gateway's auth token, by the gateway's own rule. */
    gatewayToken: gatewayTokenSchema,
    /** Extra secret variables for gateway.env, e.g. provider API keys. */
    gatewayEnv: z.record(z.string(), z.string()).default({}),
  },
  preflight: async ({ options, config }) => {
    // An up needs the database stack deployed; a preview goes on without it (gatewayDatabaseUrl).
    const waiting = pulumi.runtime.isDryRun() ? undefined : await databaseStackProblem(config);
    if (waiting) return [waiting];
    const registry = config.sources.npmRegistry;
    const release = await lookUpRelease(registry, options.version);
    if (release === "missing")
      return [{ key: "gateway.version", message: `openclaw@${options.version} is not on the npm registry ${registry}` }];
    if (release !== "published")
      return [{ key: "sources.npmRegistry", message: `cannot look up openclaw@${options.version}: ${release.unreachable}` }];
    const checked = validateLocally(gatewayConfig(options), options.settings, options.version, registry, () =>
      pulumi.log.info(`caching openclaw@${options.version} in ${releaseCacheDir()} for the preview's config check (once per version)`),
    );
    if ("problems" in checked) return checked.problems;
    pulumi.log.warn(`gateway.settings not checked at preview: ${checked.skipped}; the host checks the file before it is swapped in`);
    return [];
  },
  // The token, and each variable settings reference that the topology does not derive.
  secretPaths: ({ options }) => [
    "gatewayToken",
    ...envRefs(options.settings)
      .filter((name) => !DERIVED_ENV.includes(name) && !(name in options.env))
      .map((name) => `gatewayEnv.${name}`),
  ],
  secretChecks: ({ options }, secrets) => {
    const { problems, unused } = checkSecretRefs(options.settings, Object.keys(secrets.gatewayEnv ?? {}), [
      ...DERIVED_ENV,
      ...Object.keys(options.env),
    ]);
    return {
      problems: problems.map((p) => ({ key: `gateway.settings.${p.path}`, message: p.message })),
      warnings: unused.map((name) => ({ key: `gatewayEnv.${name}`, message: "is set but no gateway.settings value references it" })),
    };
  },
  build: (ctx) => {
    const publicUrl = ctx.built(tunnel)?.publicUrl;
    const databaseUrl = gatewayDatabaseUrl(ctx.config, ctx.listener("postgres", "postgresql")?.ip);
    const backups = ctx.built(stateBackup);
    const traces = ctx.listener("tempo", "otlp-http");
    return new GatewayService(
      `${ctx.host}-gateway`,
      {
        connection: ctx.connection,
        runtime: ctx.need(node),
        registry: ctx.config.sources.npmRegistry,
        ...ctx.options,
        peers: { otlpEndpoint: traces && httpAt(traces), otlpSignals: otlpSignals(ctx), extraOrigins: extraOrigins(ctx, publicUrl) },
        secrets: pulumi.all([ctx.secrets, databaseUrl]).apply(([s, url]) => ({
          token: s.gatewayToken,
          env: { ...s.gatewayEnv, ...(url ? { DATABASE_URL: url } : {}) },
        })),
        seed: backups?.restore,
        beforeInstall: backups ? [backups.beforeUpgrade] : [],
      },
      ctx.opts,
    );
  },
  outputs: (gw) => ({ gatewayHealthUrl: gw.healthUrl, gatewayVersion: gw.version }),
  // bind lan: every address, so the operator reaches it without a tunnel; cloudflared and the probe connect on this host.
  listeners: ({ options }) => [
    tcp("http", "gateway.port", options.port, options.bind === "lan" ? "all" : "loopback", ["this host", "operator"]),
  ],
  units: ({ own, address }) => {
    const http = own("http");
    return [{ unit: PATHS.unit, reach: `http://${http.address === "all" ? address : http.ip}:${http.port} (token auth)` }];
  },
});
