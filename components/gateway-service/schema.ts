// GatewayService's options. Hardening is on by default; turning a setting off is explicit.
import { z } from "zod";
import { DEFAULT_INSTANCE, INSTANCE_NAME, instancePaths, InstancePaths, PORT_SPACING } from "./instances";

// The instance model, for the components that follow each instance (backups, probes, log labels).
export { DEFAULT_INSTANCE, INSTANCE_LABEL, INSTANCE_NAME, instanceOfUnit, instancePaths, instanceSuffix } from "./instances";
import { pluginsSchema } from "./plugins";
import { deepMerge, derivedConflicts, Json, JsonObject, settingsSchema } from "./settings";

/** Variables for gateway.env: names a shell would accept, one-line values (systemd EnvironmentFile). */
const envVars = z.record(z.string(), z.string().regex(/^[^\n\r]*$/, "must be a single line")).superRefine((vars, ctx) => {
  for (const key of Object.keys(vars)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key))
      ctx.addIssue({ code: "custom", path: [key], message: "must be an environment variable name (A-Z, 0-9, _)" });
  }
});

/** What each instance may set for itself; given at the top level, it is every instance's default. */
const instanceShape = {
  port: z.number().int().min(1024).max(65535).default(18789),
  /** "loopback": only 127.0.0.1 (cloudflared or a local proxy in front); "lan": all interfaces. */
  bind: z.enum(["loopback", "lan"]).default("loopback"),
  /** Extra non-secret variables for gateway.env. */
  env: envVars.default({}),
  /** Browser origins allowed to open the control UI, e.g. the tunnel's public URL. */
  allowedOrigins: z.array(z.url({ protocol: /^https?$/ })).default([]),
  /** systemd MemoryMax=, e.g. "2G". */
  memoryMax: z
    .string()
    .regex(/^\d+[KMGT]?$/, "must be a size like 2G")
    .default("2G"),
  /** systemd CPUQuota=, e.g. "200%". */
  cpuQuota: z
    .string()
    .regex(/^\d+%$/, "must be a percentage like 200%")
    .default("200%"),
  /** Sandboxing of the unit. Only turn off while debugging a crash you suspect it causes. */
  hardening: z.boolean().default(true),
  /**
   * The gateway's own configuration, any key of the release's openclaw.json (agents, models,
   * channels, tools, session, security, ...), merged under the keys the topology derives
   * (settings.ts, DERIVED_KEYS). Credentials are SecretRefs to the secret gatewayEnv. Default: {}.
   */
  settings: settingsSchema.default({}),
  /**
   * The release's security audit gates every deploy of a new openclaw.json: a critical
   * finding fails it, a warning is a Pulumi warning. `accept` lists the findings the operator
   * accepts, by checkId, each with its reason; they become the release's
   * security.audit.suppressions. Default: none accepted.
   */
  audit: z
    .object({
      accept: z.record(z.string(), z.string().min(1, "must give the reason it is accepted")).superRefine((accepted, ctx) => {
        for (const checkId of Object.keys(accepted))
          if (!/^[a-z0-9_.-]+$/i.test(checkId))
            ctx.addIssue({ code: "custom", path: [checkId], message: "must be an audit checkId like gateway.auth_no_rate_limit" });
      }),
    })
    .strict()
    .default({ accept: {} }),
  /** Plugins at pinned versions, `{"npm:@openclaw/irc": "2026.9.5"}`, installed into the instance's state. Default: none. */
  plugins: pluginsSchema.default({}),
};

/**
 * One instance's own options (`gateway.instances.<name>`): any of the shared ones, which it
 * overrides (env, settings, audit.accept and plugins are merged over the shared ones), and
 * its state directory.
 */
const instanceOverridesSchema = z
  .object({
    ...Object.fromEntries(Object.entries(instanceShape).map(([k, v]) => [k, v.unwrap().optional()])),
    /** Its state directory, under /var/lib. Default: /var/lib/openclaw-<name> (/var/lib/openclaw for `default`). */
    stateDir: z
      .string()
      .regex(/^\/var\/lib\/[a-z0-9][a-z0-9._-]*$/, "must be a directory directly under /var/lib, like /var/lib/openclaw-work")
      .optional(),
  })
  .strict() as z.ZodType<InstanceOverrides>;

type InstanceOverrides = Partial<z.output<z.ZodObject<typeof instanceShape>>> & { stateDir?: string };

/** The options an operator sets in stack config (`openclaw-infra:gateway`). */
export const gatewayOptionsSchema = z
  .object({
    /** openclaw npm package version, shared by every instance of the host (they run one release). */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be an exact version like 2026.9.6")
      .default("2026.9.6"),
    ...instanceShape,
    /**
     * Several gateways on this host, by name (lower-case letters and digits, up to 16): each its
     * own user, state and config directories, port, unit, limits, settings and secrets. The
     * instance named `default` keeps the paths of a single gateway. Default: only `default`.
     */
    instances: z
      .record(z.string(), instanceOverridesSchema)
      .superRefine((instances, ctx) => {
        for (const name of Object.keys(instances))
          if (!INSTANCE_NAME.test(name))
            ctx.addIssue({
              code: "custom",
              path: [name],
              message: "must be an instance name: a lower-case letter, then letters or digits (16 at most)",
            });
      })
      .optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    for (const instance of gatewayInstances(options)) {
      const at = options.instances ? ["instances", instance.instance] : [];
      for (const p of derivedConflicts(instance.settings))
        ctx.addIssue({ code: "custom", path: [...at, "settings", ...p.path.split(".")], message: p.message });
    }
    for (const clash of instanceClashes(gatewayInstances(options)))
      ctx.addIssue({ code: "custom", path: clash.path, message: clash.message });
  });

/** The parsed options; resolved by gatewayInstances into one per instance (`instance` set, `instances` gone). */
export type GatewaySettings = z.output<typeof gatewayOptionsSchema> & { instance?: string; stateDir?: string };

/** One instance's options, resolved: its name is set. */
export type InstanceSettings = GatewaySettings & { instance: string };

/**
 * Each instance's options: the shared ones, its own over them. A stack without `instances`
 * has one, `default`.
 */
export function gatewayInstances(options: GatewaySettings): InstanceSettings[] {
  const { instances, ...shared } = options;
  if (!instances) return [{ ...shared, instance: DEFAULT_INSTANCE }];
  return Object.entries(instances)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([instance, own]) => ({
      ...shared,
      ...own,
      env: { ...shared.env, ...own.env },
      settings: deepMerge(shared.settings, own.settings ?? {}),
      audit: { accept: { ...shared.audit.accept, ...own.audit?.accept } },
      plugins: { ...shared.plugins, ...own.plugins },
      instance,
    }));
}

/** An instance's paths: by its name, its state directory as set. */
export function pathsOf(s: GatewaySettings): InstancePaths {
  const paths = instancePaths(s.instance ?? DEFAULT_INSTANCE);
  if (!s.stateDir) return paths;
  return { ...paths, stateDir: s.stateDir, stateDirectory: s.stateDir.slice("/var/lib/".length) };
}

/** The value at `path` in settings, undefined when absent. */
function deepGet(settings: JsonObject, path: string[]): Json | undefined {
  let at: Json | undefined = settings;
  for (const key of path) at = at !== null && typeof at === "object" && !Array.isArray(at) ? at[key] : undefined;
  return at;
}

/**
 * Two instances that would step on each other (OpenClaw's isolation checklist): ports closer
 * than its derived ports allow (PORT_SPACING), one state directory, one agents' workspace.
 * Each names both instances.
 */
export function instanceClashes(instances: InstanceSettings[]): { path: (string | number)[]; message: string }[] {
  const clashes: { path: (string | number)[]; message: string }[] = [];
  for (const [i, a] of instances.entries())
    for (const b of instances.slice(i + 1)) {
      const other = `gateway.instances.${a.instance}`;
      const at = (key: string) => ["instances", b.instance, key];
      if (a.port === b.port)
        clashes.push({ path: at("port"), message: `${b.port} is also ${other}.port: each instance needs its own port` });
      else if (Math.abs(a.port - b.port) < PORT_SPACING)
        clashes.push({
          path: at("port"),
          message: `${b.port} is within ${PORT_SPACING} of ${other}.port ${a.port}: OpenClaw derives each instance's ports up to port + 110`,
        });
      const workspace = (i: GatewaySettings) => JSON.stringify(deepGet(i.settings, ["agents", "defaults", "workspace"]));
      if (workspace(a) !== undefined && workspace(a) === workspace(b))
        clashes.push({
          path: [...at("settings"), "agents", "defaults", "workspace"],
          message: `${workspace(b)} is also ${other}'s workspace: each instance needs its own`,
        });
      if (pathsOf(a).stateDir === pathsOf(b).stateDir)
        clashes.push({
          path: at("stateDir"),
          message: `${pathsOf(b).stateDir} is also ${other}'s state directory: each instance needs its own`,
        });
    }
  return clashes;
}

/**
 * The gateway's auth token (OPENCLAW_GATEWAY_TOKEN): what the gateway accepts. The one rule,
 * also applied to the stack's `gatewayToken` secret, so preview refuses what the gateway would.
 */
export const gatewayTokenSchema = z
  .string()
  .min(24, "must be at least 24 characters")
  .regex(/^[^\s]+$/, "must not contain whitespace");

export const gatewaySecretsSchema = z
  .object({
    token: gatewayTokenSchema,
    /** Extra secret variables for gateway.env (provider API keys, DATABASE_URL). */
    env: envVars.default({}),
  })
  .strict();

export type GatewayOptions = z.input<typeof gatewayOptionsSchema>;
export type GatewaySecrets = z.input<typeof gatewaySecretsSchema>;
