// Stack configuration: one zod schema for everything a stack may set, validated before any
// resource is registered, so a bad value fails `pulumi preview` with one line naming the key.
// Its component keys and secrets come from the registry, each with the component's own
// schema: nothing is typed twice, and every key the stack sets is checked, so a misspelled
// one is refused instead of ignored.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  componentShape,
  componentsOn,
  exclusions,
  portClashes,
  requiredSecretKeys,
  secretChecks,
  secretPaths,
  secretsShape,
  StackConfig,
} from "./registry";
import { sshAuthFromConfig, sshAuthProblem } from "./remote/ssh";
import { coreSecretsShape, coreShape, PROJECT } from "./settings";
import { hostName } from "./topology";
import { parseOrThrow, ValidationError } from "./validate";

export { PROJECT } from "./settings";
export type { StackConfig } from "./registry";

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

/** Secrets: the stack's own, then each component's, as its registry entry declares them. */
export const secretsSchema = z.object({ ...coreSecretsShape, ...secretsShape() }).strict();

export type Secrets = z.output<typeof secretsSchema>;

/** Secrets this stack's host cannot do without, given the components it deploys; each once (entries may share one). */
export function requiredSecrets(config: StackConfig): string[] {
  return [...new Set(componentsOn(config).flatMap(({ entry }) => requiredSecretKeys(entry)))];
}

/** The command that sets a stack's secrets (scripts/secrets.ts): the one every "is required" line names. */
export const SECRETS_COMMAND = "npm run secrets -- <stack>";

/**
 * The line for a secret `key` the host cannot do without: the command that sets it, or else
 * how to pipe it in (`paths`: the config paths it is set at, e.g. postgresPasswords.openclaw).
 * Never a value on a command line, where the shell history and the process list would keep it.
 */
export function requiredSecretMessage(key: string, paths: readonly string[] = [key]): string {
  const keyed = paths.filter((p) => p.startsWith(`${key}.`));
  const set = keyed.length === 0 ? key : `--path ${keyed.length === 1 ? keyed[0] : `${key}.<name>`}`;
  const each = keyed.length > 1 ? "each value" : "the value";
  return `${PROJECT}:${key}: is required: ${SECRETS_COMMAND} sets it (or pipe ${each}: ... | pulumi config set --secret ${set})`;
}

/** The stack's values split into settings and secrets, each JSON-parsed when it is an object or a list. */
export function splitStackConfig(all: Record<string, string>): { raw: Record<string, unknown>; rawSecrets: Record<string, unknown> } {
  const secretKeys = Object.keys(secretsSchema.shape);
  const raw: Record<string, unknown> = {};
  const rawSecrets: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    (secretKeys.includes(key) ? rawSecrets : raw)[key] = readValue(text);
  }
  return { raw, rawSecrets };
}

/**
 * Validates raw config values (as read from the stack) into a typed StackConfig, then refuses a
 * port this host would open twice, naming both settings. Pure.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const config: StackConfig = parseOrThrow(stackConfigSchema, raw, `${PROJECT}:`);
  const clashes = portClashes(config);
  if (clashes.length) throw new ValidationError(clashes.map((p) => `${PROJECT}:${p.key}: ${p.message}`));
  return config;
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
export function loadStackConfig(all: Record<string, string> = pulumi.runtime.allConfig()): {
  config: StackConfig;
  secrets: pulumi.Output<Secrets>;
} {
  const { raw, rawSecrets } = splitStackConfig(all);
  const config = parseStackConfig(raw);
  const missing = requiredSecrets(config).filter((key) => rawSecrets[key] === undefined);
  if (missing.length) {
    const paths = secretPaths(config);
    throw new ValidationError(missing.map((key) => requiredSecretMessage(key, paths)));
  }
  const secrets = parseSecrets(rawSecrets);
  const checked = secretChecks(config, secrets);
  if (checked.problems.length) throw new ValidationError(checked.problems.map((p) => `${PROJECT}:${p.key}: ${p.message}`));
  for (const w of checked.warnings) void pulumi.log.warn(`${PROJECT}:${w.key}: ${w.message}`);
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
