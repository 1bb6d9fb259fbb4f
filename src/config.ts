// Stack configuration: one zod schema for everything a stack may set, validated before any
// resource is registered, so a bad value fails `pulumi preview` naming the key that is wrong.
// Component options come straight from the components' own schemas: nothing is typed twice.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cloudflaredOptionsSchema, cloudflareTunnelOptionsSchema } from "../components/cloudflare-tunnel/schema";
import { gatewayOptionsSchema } from "../components/gateway-service/schema";
import { nodeExporterOptionsSchema } from "../components/node-exporter/schema";
import { nodeOptionsSchema } from "../components/node-runtime/schema";
import { postgresOptionsSchema } from "../components/postgres-native/schema";
import { promtailOptionsSchema } from "../components/promtail-journal/schema";
import { SSH_DEFAULTS, sshAuthFromConfig, sshAuthProblem } from "./remote/ssh";
import { hostName, topologySchema } from "./topology";
import { parseOrThrow, ValidationError } from "./validate";

export const PROJECT = "openclaw-infra";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * How the machine running Pulumi logs in to the hosts. Read again by the provider from the
 * stack config (src/remote/ssh.ts), so neither the key path nor its passphrase (the secret
 * `sshKeyPassphrase`) enters the state.
 */
export const sshSchema = z
  .object({
    user: z.string().regex(/^[a-z_][a-z0-9_-]*$/, "must be a login name").default(SSH_DEFAULTS.user),
    /** Private key on the machine running Pulumi; its content never enters the state. */
    privateKeyPath: z.string().min(1).default(SSH_DEFAULTS.privateKeyPath),
    /** Use the ssh-agent at SSH_AUTH_SOCK when it is set (besides the key file, or instead of it). */
    agent: z.boolean().default(SSH_DEFAULTS.agent),
  })
  .strict();

/** Where hosts fetch software from. Production defaults; the sandbox points them at local mirrors. */
export const sourcesSchema = z
  .object({
    npmRegistry: httpUrl.default("https://registry.npmjs.org/"),
    nodeDist: httpUrl.default("https://nodejs.org/dist"),
    nodeSource: httpUrl.default("https://deb.nodesource.com"),
    /** Base URL of the log agent's release downloads (<url>/v<version>/<asset>), for logs.from: archive. */
    logAgentReleases: httpUrl.optional(),
    /** File name of that download (a .zip, or the binary itself). */
    logAgentAsset: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "must be a file name like promtail-linux-amd64.zip")
      .optional(),
  })
  .strict();

export const stackConfigSchema = z
  .object({
    /** Which host of the topology this stack deploys. */
    host: hostName,
    topology: topologySchema,
    ssh: sshSchema.prefault({}),
    sources: sourcesSchema.prefault({}),
    node: nodeOptionsSchema.prefault({}),
    gateway: gatewayOptionsSchema.prefault({}),
    /** The database host's PostgreSQL (role `database`). */
    postgres: postgresOptionsSchema.prefault({}),
    /** The log agent on every host (promtail or Grafana Alloy). */
    logs: promtailOptionsSchema.prefault({}),
    nodeExporter: nodeExporterOptionsSchema.prefault({}),
    /** The gateway's Cloudflare Tunnel, managed through the Cloudflare API (needs cloudflare:apiToken). */
    tunnel: cloudflareTunnelOptionsSchema.optional(),
    /**
     * Only the host side of a tunnel, with its token from the secret `tunnelToken`: for a tunnel
     * made elsewhere, or hosts that cannot reach Cloudflare (the sandbox, with run: false).
     */
    cloudflared: cloudflaredOptionsSchema.optional(),
    /** Stack that deploys each other host, for stack references. Default: this stack's name with its host's name replaced. */
    stacks: z.record(hostName, z.string().min(1)).default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.tunnel && cfg.cloudflared) {
      ctx.addIssue({ code: "custom", path: ["cloudflared"], message: "set either tunnel (managed through the Cloudflare API) or cloudflared (host side only), not both" });
    }
    const hosts = Object.keys(cfg.topology.hosts);
    // Only when both sides are otherwise valid, so one mistake gives one message.
    if (hosts.length > 0 && hostName.safeParse(cfg.host).success && !(cfg.host in cfg.topology.hosts)) {
      ctx.addIssue({ code: "custom", path: ["host"], message: `'${cfg.host}' is not a host of the topology (hosts: ${hosts.join(", ")})` });
    }
  });

export const secretsSchema = z
  .object({
    /** Gateway hosts: the gateway's auth token. */
    gatewayToken: z.string().optional(),
    /** Extra secret variables for gateway.env, e.g. provider API keys. */
    gatewayEnv: z.record(z.string(), z.string()).default({}),
    /** Database host: the password of each PostgreSQL role (postgres.roles). */
    postgresPasswords: z.record(z.string(), z.string()).default({}),
    /** With `cloudflared`: the tunnel token. */
    tunnelToken: z.string().optional(),
    /** Passphrase of ssh.privateKeyPath, when it has one and ssh-agent does not hold the key. */
    sshKeyPassphrase: z.string().optional(),
  })
  .strict();

export type StackConfig = z.output<typeof stackConfigSchema>;
export type Secrets = z.output<typeof secretsSchema>;

const CONFIG_KEYS = ["host", "topology", "ssh", "sources", "node", "gateway", "postgres", "logs", "nodeExporter", "tunnel", "cloudflared", "stacks"] as const;
const SECRET_KEYS = ["gatewayToken", "gatewayEnv", "postgresPasswords", "tunnelToken", "sshKeyPassphrase"] as const;
const STRUCTURED_SECRETS: readonly string[] = ["gatewayEnv", "postgresPasswords"];

/** Secrets this stack's host cannot do without, given its roles. */
export function requiredSecrets(config: StackConfig): string[] {
  const roles = config.topology.hosts[config.host].roles;
  return [
    ...(roles.includes("gateway") ? ["gatewayToken"] : []),
    ...(roles.includes("gateway") && config.cloudflared ? ["tunnelToken"] : []),
    ...(roles.includes("database") ? ["postgresPasswords"] : []),
  ];
}

/** Validates raw config values (as read from the stack) into a typed StackConfig. Pure. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  return parseOrThrow(stackConfigSchema, raw, `${PROJECT}:`);
}

export function parseSecrets(raw: Record<string, unknown>): Secrets {
  return parseOrThrow(secretsSchema, raw, `${PROJECT}:`);
}

/** Reads one config value: structured values as objects, plain ones as they are. */
function readValue(cfg: pulumi.Config, key: string): unknown {
  const text = cfg.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Reads this stack's configuration. Plain values are validated synchronously; secrets are
 * validated too, but stay inside an Output marked secret so they never reach a log.
 */
export function loadStackConfig(): { config: StackConfig; secrets: pulumi.Output<Secrets> } {
  const cfg = new pulumi.Config(PROJECT);
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = readValue(cfg, key);
    if (value !== undefined) raw[key] = value;
  }
  const config = parseStackConfig(raw);
  // The provider logs in the same way (sshAuthFromConfig): fail now, in one line, not per resource.
  const sshProblem = sshAuthProblem(sshAuthFromConfig((key) => cfg.get(key.slice(`${PROJECT}:`.length))));
  if (sshProblem) throw new ValidationError([sshProblem]);

  const rawSecrets: Record<string, pulumi.Output<unknown>> = {};
  for (const key of SECRET_KEYS) {
    const value = cfg.getSecret(key);
    if (value !== undefined) rawSecrets[key] = value.apply((v) => (STRUCTURED_SECRETS.includes(key) ? JSON.parse(v) : v));
  }
  const missing = requiredSecrets(config).filter((key) => !rawSecrets[key]);
  if (missing.length) throw new ValidationError(missing.map((key) => `${PROJECT}:${key}: is required: pulumi config set --secret ${key} <value>`));
  const secrets = pulumi.secret(pulumi.all(rawSecrets).apply((values) => parseSecrets(values)));
  return { config, secrets };
}
