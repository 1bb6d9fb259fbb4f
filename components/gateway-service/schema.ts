// GatewayService's options. Hardening is on by default; turning a setting off is explicit.
import { z } from "zod";
import { derivedConflicts, settingsSchema } from "./settings";

/** Variables for gateway.env: names a shell would accept, one-line values (systemd EnvironmentFile). */
const envVars = z.record(z.string(), z.string().regex(/^[^\n\r]*$/, "must be a single line")).superRefine((vars, ctx) => {
  for (const key of Object.keys(vars)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key))
      ctx.addIssue({ code: "custom", path: [key], message: "must be an environment variable name (A-Z, 0-9, _)" });
  }
});

/** The options an operator sets in stack config (`openclaw-infra:gateway`). */
export const gatewayOptionsSchema = z
  .object({
    /** openclaw npm package version. */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be an exact version like 2026.9.6")
      .default("2026.9.6"),
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
  })
  .strict()
  .superRefine((options, ctx) => {
    for (const p of derivedConflicts(options.settings))
      ctx.addIssue({ code: "custom", path: ["settings", ...p.path.split(".")], message: p.message });
  });

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
export type GatewaySettings = z.output<typeof gatewayOptionsSchema>;
export type GatewaySecrets = z.input<typeof gatewaySecretsSchema>;
