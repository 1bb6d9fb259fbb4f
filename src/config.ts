// Stack configuration: one zod schema for everything a stack may set, validated before any
// resource is registered, so a bad value fails `pulumi preview` with one line naming the key.
// Its component keys and secrets come from the registry, each with the component's own
// schema: nothing is typed twice, and every key the stack sets is checked, so a misspelled
// one is refused instead of ignored.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { componentShape, componentsOn, exclusions, secretsShape } from "./registry";
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

/** The stack's own settings, whatever components it deploys. */
const coreShape = {
  /** Which host of the topology this stack deploys. */
  host: hostName,
  topology: topologySchema,
  ssh: sshSchema.prefault({}),
  sources: sourcesSchema.prefault({}),
  /** Stack that deploys each other host, for stack references. Default: this stack's name with its host's name replaced. */
  stacks: z.record(hostName, z.string().min(1)).default({}),
};
export type CoreConfig = z.output<z.ZodObject<typeof coreShape>>;

export const stackConfigSchema = z
  .object({ ...coreShape, ...componentShape() })
  .strict()
  .superRefine((cfg, ctx) => {
    const settings: Record<string, unknown> = cfg;
    for (const { key, excludes, message } of exclusions()) {
      if (settings[key] !== undefined && settings[excludes] !== undefined) ctx.addIssue({ code: "custom", path: [key], message });
    }
    const hosts = Object.keys(cfg.topology.hosts);
    // Only when both sides are otherwise valid, so one mistake gives one message.
    if (hosts.length > 0 && hostName.safeParse(cfg.host).success && !(cfg.host in cfg.topology.hosts)) {
      ctx.addIssue({ code: "custom", path: ["host"], message: `'${cfg.host}' is not a host of the topology (hosts: ${hosts.join(", ")})` });
    }
  });

/** Secrets of the stack itself, whatever it deploys. */
const coreSecretsShape = {
  /** Passphrase of ssh.privateKeyPath, when it has one and ssh-agent does not hold the key. */
  sshKeyPassphrase: z.string().optional(),
};

/** Secrets: the stack's own, then each component's, as its registry entry declares them. */
export const secretsSchema = z.object({ ...coreSecretsShape, ...secretsShape() }).strict();

export type StackConfig = z.output<typeof stackConfigSchema>;
export type Secrets = z.output<typeof secretsSchema>;

/** Secrets this stack's host cannot do without, given the components it deploys. */
export function requiredSecrets(config: StackConfig): string[] {
  return componentsOn(config).flatMap(({ entry }) => entry.requires ?? []);
}

/** Validates raw config values (as read from the stack) into a typed StackConfig. Pure. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  return parseOrThrow(stackConfigSchema, raw, `${PROJECT}:`);
}

export function parseSecrets(raw: Record<string, unknown>): Secrets {
  return parseOrThrow(secretsSchema, raw, `${PROJECT}:`);
}

/** A config value as Pulumi hands it over: objects and lists are JSON, anything else is the text as set. */
function readValue(text: string): unknown {
  return /^\s*[[{]/.test(text) ? JSON.parse(text) : text;
}

/**
 * Reads this stack's configuration: every `openclaw-infra:*` key it sets (`all` is what Pulumi
 * passes the program, secrets decrypted), so an unknown one is refused. Secrets are validated
 * here too, with messages that name the key and never the value, then kept in a secret Output.
 */
export function loadStackConfig(all: Record<string, string> = pulumi.runtime.allConfig()): { config: StackConfig; secrets: pulumi.Output<Secrets> } {
  const secretKeys = Object.keys(secretsSchema.shape);
  const raw: Record<string, unknown> = {};
  const rawSecrets: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    (secretKeys.includes(key) ? rawSecrets : raw)[key] = readValue(text);
  }
  const config = parseStackConfig(raw);
  const missing = requiredSecrets(config).filter((key) => rawSecrets[key] === undefined);
  if (missing.length) throw new ValidationError(missing.map((key) => `${PROJECT}:${key}: is required: pulumi config set --secret ${key} <value>`));
  const secrets = parseSecrets(rawSecrets);
  const local = localProblems(all);
  if (local.length) throw new ValidationError(local);
  return { config, secrets: pulumi.secret(secrets) };
}

/**
 * What this machine must hold for the deploy, checked once config and secrets are valid, before
 * any resource: one line each, naming the key. The SSH login is read the way the provider reads
 * it (sshAuthFromConfig), so a key that cannot log in fails here, not once per resource.
 */
function localProblems(all: Record<string, string>): string[] {
  const problem = sshAuthProblem(sshAuthFromConfig((key) => all[key]));
  return problem ? [problem] : [];
}

/**
 * What the config names but the world does not have (an openclaw release the npm registry
 * lacks): asked once, before any resource is registered, with a short timeout each.
 */
export async function preflight(config: StackConfig): Promise<void> {
  const problems = await Promise.all(componentsOn(config).map(({ entry, ctx }) => entry.preflight?.(ctx) ?? []));
  const lines = problems.flat().map((p) => `${PROJECT}:${p.key}: ${p.message}`);
  if (lines.length) throw new ValidationError(lines);
}
