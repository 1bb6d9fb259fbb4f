// Stack configuration: one zod schema for everything a stack may set, validated before any
// resource is registered so a bad value fails `pulumi preview` with the key that is wrong.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { hostName, topologySchema } from "./topology";

export const PROJECT = "openclaw-infra";

const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const version = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be an exact version like 2026.6.11");

export const sshSchema = z
  .object({
    user: z.string().regex(/^[a-z_][a-z0-9_-]*$/, "must be a login name").default("root"),
    privateKeyPath: z.string().min(1).default("~/.ssh/id_ed25519"),
  })
  .strict();

/** Where hosts fetch software from. Production defaults; the sandbox points all three at local mirrors. */
export const sourcesSchema = z
  .object({
    /** HTTP proxy for apt on the hosts (apt-cacher-ng); none in production. */
    aptProxy: url.optional(),
    npmRegistry: url.default("https://registry.npmjs.org/"),
    nodeDist: url.default("https://nodejs.org/dist"),
    nodeSource: url.default("https://deb.nodesource.com"),
  })
  .strict();

export const nodeSchema = z
  .object({
    major: z.number().int().min(18).max(30).default(22),
    /** "tarball": official release checked against SHASUMS256.txt; "nodesource": deb822 apt repository. */
    from: z.enum(["tarball", "nodesource"]).default("tarball"),
    /** Exact version; resolved from the dist index to the newest of `major` when absent. */
    version: version.optional(),
    corepack: z.boolean().default(false),
  })
  .strict();

export const gatewaySchema = z
  .object({
    version: version.default("2026.6.11"),
    port: z.number().int().min(1).max(65535).default(18789),
    bind: z.enum(["loopback", "lan"]).default("loopback"),
    /** Extra plain (non-secret) variables for gateway.env. */
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name"), z.string()).default({}),
  })
  .strict();

/** Secrets come from `pulumi config set --secret`; their values never reach a command line or log. */
export const secretsSchema = z
  .object({
    gatewayToken: z.string().min(24, "must be at least 24 characters"),
    /** Extra secret variables for gateway.env, e.g. provider API keys. */
    gatewayEnv: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name"), z.string()).default({}),
  })
  .strict();

export const stackConfigSchema = z
  .object({
    host: hostName,
    topology: topologySchema,
    ssh: sshSchema.default(sshSchema.parse({})),
    sources: sourcesSchema.default(sourcesSchema.parse({})),
    node: nodeSchema.default(nodeSchema.parse({})),
    gateway: gatewaySchema.default(gatewaySchema.parse({})),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (!(cfg.host in cfg.topology.hosts)) {
      ctx.addIssue({
        code: "custom",
        path: ["host"],
        message: `names no host of the topology (hosts: ${Object.keys(cfg.topology.hosts).join(", ")})`,
      });
    }
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type Secrets = z.infer<typeof secretsSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** "topology.hosts.vps1.address" -> "openclaw-infra:topology.hosts.vps1.address" */
function describeIssues(issues: z.core.$ZodIssue[], prefixes: string[] = []): string[] {
  return issues.map((issue) => {
    const key = [...prefixes, ...issue.path.map(String)].join(".");
    return `${PROJECT}:${key}: ${issue.message}`;
  });
}

/** Validates raw config values (as read from the stack) into a typed StackConfig. Pure. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues));
  return result.data;
}

export function parseSecrets(raw: Record<string, unknown>): Secrets {
  const result = secretsSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues));
  return result.data;
}

const CONFIG_KEYS = ["host", "topology", "ssh", "sources", "node", "gateway"] as const;
const SECRET_KEYS = ["gatewayToken", "gatewayEnv"] as const;

/** Reads this stack's configuration. Secrets stay wrapped in Outputs marked secret. */
export function loadStackConfig(): { config: StackConfig; secrets: pulumi.Output<Secrets> } {
  const cfg = new pulumi.Config(PROJECT);
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = cfg.getObject<unknown>(key);
    if (value !== undefined) raw[key] = value;
  }
  const config = parseStackConfig(raw);

  const rawSecrets: Record<string, pulumi.Output<unknown>> = {};
  const missing: string[] = [];
  for (const key of SECRET_KEYS) {
    const value = cfg.getSecretObject<unknown>(key);
    if (value !== undefined) rawSecrets[key] = value;
  }
  if (!rawSecrets.gatewayToken) missing.push(`${PROJECT}:gatewayToken: required (pulumi config set --secret gatewayToken ...)`);
  if (missing.length) throw new ConfigError(missing);
  const secrets = pulumi.secret(pulumi.all(rawSecrets).apply((values) => parseSecrets(values)));
  return { config, secrets };
}
