// The gateway's entry: OpenClaw on the gateway hosts, its peers (OTLP per signal, PostgreSQL)
// read from the listeners of the components that receive them.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { component, HostContext, httpAt, Problem, tcp } from "../../src/registry/types";
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
import { DEFAULT_INSTANCE } from "./instances";
import { pluginProblems } from "./plugins";
import { gatewayConfig } from "./render";
import { gatewayInstances, gatewayOptionsSchema, GatewaySettings, gatewayTokenSchema, InstanceSettings, pathsOf } from "./schema";
import { channelTokenClashes, checkSecretRefs, envRefs } from "./settings";

/** Variables gateway.env always has, beside the operator's: settings may reference them. */
const DERIVED_ENV = ["OPENCLAW_GATEWAY_TOKEN", "DATABASE_URL"];

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
function extraOrigins(s: GatewaySettings, address: string, publicUrl: string | undefined): string[] {
  if (publicUrl) return [publicUrl];
  return s.bind === "lan" && s.allowedOrigins.length === 0 ? [`http://${address}:${s.port}`] : [];
}

/** An instance's listener: `http` for the default one (what a single gateway always had), `http-<name>` for another. */
export const gatewayListener = (instance: string | undefined) =>
  instance === undefined || instance === DEFAULT_INSTANCE ? "http" : `http-${instance}`;

/** Its key in stack config, for messages: gateway.instances.<name> when the stack sets instances, else gateway. */
const keyOf = (options: GatewaySettings, s: InstanceSettings) => (options.instances ? `gateway.instances.${s.instance}` : "gateway");

/** Per instance: its token (its own, else the shared gatewayToken) and its secret variables (the shared ones under its own). */
function instanceSecrets(
  s: InstanceSettings,
  secrets: { gatewayToken: string; gatewayEnv: Record<string, string>; gatewayInstances: InstanceSecrets },
) {
  const own = secrets.gatewayInstances[s.instance] ?? {};
  return { token: own.token ?? secrets.gatewayToken, env: { ...secrets.gatewayEnv, ...own.env } };
}

/** Per-instance secrets (`gatewayInstances.<name>.token`, `.env`), over the shared gatewayToken and gatewayEnv. */
const instanceSecretsSchema = z
  .record(z.string(), z.object({ token: gatewayTokenSchema.optional(), env: z.record(z.string(), z.string()).default({}) }).strict())
  .default({});
type InstanceSecrets = z.output<typeof instanceSecretsSchema>;

export const gateway = component({
  key: "gateway",
  schema: gatewayOptionsSchema.prefault({}),
  on: ["gateway"],
  secrets: {
    /** The gateway's auth token, by the gateway's own rule; an instance's own, when set, is taken instead. */
    gatewayToken: gatewayTokenSchema,
    /** Extra secret variables for gateway.env, e.g. provider API keys. */
    gatewayEnv: z.record(z.string(), z.string()).default({}),
    gatewayInstances: instanceSecretsSchema,
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
    // Each instance's plugins against the release first: a plugin the release cannot load is refused before its settings are checked.
    const instances = gatewayInstances(options);
    const plugins = await Promise.all(instances.map((s) => pluginProblems(s.plugins, s.version, registry, `${keyOf(options, s)}.plugins`)));
    for (const w of plugins.flatMap((p) => p.warnings)) pulumi.log.warn(`${w.key}: ${w.message}`);
    const problems: Problem[] = plugins.flatMap((p) => p.problems);
    if (problems.length > 0) return problems;
    for (const s of instances) {
      const key = keyOf(options, s);
      const checked = validateLocally(gatewayConfig(s), s.settings, s.version, registry, () =>
        pulumi.log.info(`caching openclaw@${s.version} in ${releaseCacheDir()} for the preview's config check (once per version)`),
      );
      if ("problems" in checked) problems.push(...checked.problems.map((p) => ({ ...p, key: p.key.replace(/^gateway/, key) })));
      else pulumi.log.warn(`${key}.settings not checked at preview: ${checked.skipped}; the host checks the file before it is swapped in`);
    }
    return problems;
  },
  // Each instance's token, and each variable its settings reference that the topology does not derive.
  secretPaths: ({ options }) =>
    gatewayInstances(options).flatMap((s) => [
      s.instance === DEFAULT_INSTANCE ? "gatewayToken" : `gatewayInstances.${s.instance}.token`,
      ...envRefs(s.settings)
        .filter((name) => !DERIVED_ENV.includes(name) && !(name in s.env))
        .map((name) => (s.instance === DEFAULT_INSTANCE ? `gatewayEnv.${name}` : `gatewayInstances.${s.instance}.env.${name}`)),
    ]),
  secretChecks: ({ options }, secrets) => {
    const instances = gatewayInstances(options);
    const problems: Problem[] = [];
    const warnings: Problem[] = [];
    const used = new Set<string>();
    for (const s of instances) {
      const { env } = instanceSecrets(s, secrets);
      const checked = checkSecretRefs(s.settings, Object.keys(env), [...DERIVED_ENV, ...Object.keys(s.env)]);
      problems.push(...checked.problems.map((p) => ({ key: `${keyOf(options, s)}.settings.${p.path}`, message: p.message })));
      for (const name of Object.keys(env)) if (!checked.unused.includes(name)) used.add(name);
    }
    for (const name of Object.keys(secrets.gatewayEnv).sort())
      if (!used.has(name)) warnings.push({ key: `gatewayEnv.${name}`, message: "is set but no gateway.settings value references it" });
    problems.push(
      ...channelTokenClashes(
        instances,
        (s) => ({ ...s.env, ...instanceSecrets(s, secrets).env }),
        (s) => keyOf(options, s),
      ),
    );
    return { problems, warnings };
  },
  build: (ctx) => {
    const publicUrls = ctx.built(tunnel)?.publicUrls;
    const databaseUrl = gatewayDatabaseUrl(ctx.config, ctx.listener("postgres", "postgresql")?.ip);
    const backups = ctx.built(stateBackup);
    const traces = ctx.listener("tempo", "otlp-http");
    const instances = gatewayInstances(ctx.options);
    const byName = <T>(f: (s: InstanceSettings) => T) => Object.fromEntries(instances.map((s) => [s.instance, f(s)]));
    return new GatewayService(
      `${ctx.host}-gateway`,
      {
        connection: ctx.connection,
        runtime: ctx.need(node),
        registry: ctx.config.sources.npmRegistry,
        ...ctx.options,
        peers: byName((s) => ({
          otlpEndpoint: traces && httpAt(traces),
          otlpSignals: otlpSignals(ctx),
          extraOrigins: extraOrigins(s, ctx.address, publicUrls?.[s.instance]),
        })),
        secrets: pulumi.all([ctx.secrets, databaseUrl]).apply(([sec, url]) =>
          byName((s) => {
            const { token, env } = instanceSecrets(s, sec);
            return { token, env: { ...env, ...(url ? { DATABASE_URL: url } : {}) } };
          }),
        ),
        seed: backups?.restore,
        beforeInstall: backups ? Object.values(backups.beforeUpgrade) : [],
      },
      ctx.opts,
    );
  },
  outputs: (gw) => ({
    gatewayHealthUrl: gw.healthUrl,
    gatewayVersion: gw.version,
    gatewayInstances: Object.fromEntries(
      gw.instances.map((i) => [i.name, { unit: i.unitName, healthUrl: i.healthUrl, plugins: i.plugins }]),
    ),
  }),
  // bind lan: every address, so the operator reaches it without a tunnel; cloudflared and the probe connect on this host.
  listeners: ({ options }) =>
    gatewayInstances(options).map((s) =>
      tcp(gatewayListener(s.instance), `${keyOf(options, s)}.port`, s.port, s.bind === "lan" ? "all" : "loopback", [
        "this host",
        "operator",
      ]),
    ),
  units: ({ options, own, address }) =>
    gatewayInstances(options).map((s) => {
      const http = own(gatewayListener(s.instance));
      return { unit: pathsOf(s).unit, reach: `http://${http.address === "all" ? address : http.ip}:${http.port} (token auth)` };
    }),
});
