// What `npm run secrets -- <stack>` (scripts/secrets.ts) does, without the Pulumi CLI: which
// secrets the stack's host needs (the registry's secretPaths, the Cloudflare API token for a
// managed tunnel, the SSH key's passphrase when the key is locked and no agent stands in),
// which of them are set already, which can be random and which only the operator has. Values
// never pass through here: the plan is made from which keys are set, not from what they hold.
import { randomBytes } from "crypto";
import { z } from "zod";
import { tunnel } from "../components/cloudflare-tunnel/entry";
import { parseStackConfig, secretsSchema, splitStackConfig } from "./config";
import { componentsOn, secretPaths } from "./registry";
import { PASSPHRASE_CONFIG_KEY, SSH_CONFIG_KEY, sshAuthFromConfig, sshAuthProblem } from "./remote/ssh";
import { PROJECT } from "./settings";

/** The Cloudflare provider's token, for a tunnel managed through the Cloudflare API (the `tunnel` entry). */
export const CLOUDFLARE_TOKEN_KEY = "cloudflare:apiToken";

/**
 * Secrets a third party issues, or the operator already has: they cannot be random, so the
 * command asks for them. Keyed by the secret's top-level key; what the prompt says it is.
 * Every other secret the registry declares is generated.
 */
export const PROMPTED: Readonly<Record<string, string>> = {
  [CLOUDFLARE_TOKEN_KEY]: "a Cloudflare API token that may edit the account's tunnels and the zone's DNS",
  tunnelToken: "the token of the tunnel made elsewhere, as the Cloudflare dashboard prints it",
  alertmanagerWebhookToken: "the bearer token alertmanager.webhook's receiver expects",
  alertmanagerSmtpPassword: "the SMTP password of alertmanager.email.username",
  sshKeyPassphrase: "the passphrase of ssh.privateKeyPath",
  gatewayEnv: "a variable gateway.settings references, e.g. a model provider's API key",
};

/** Generated secrets that decrypt backups: lost with the stack, the backups cannot be read. Keep a copy elsewhere. */
export const KEEP_A_COPY: readonly string[] = ["resticPassword", "pgBackRestCipherPass"];

/** One secret the stack's host needs: its config path (as `pulumi config set` takes it), where its value comes from, whether it is set. */
export interface SecretStep {
  /** `resticPassword`, `postgresPasswords.openclaw`, `cloudflare:apiToken`. */
  path: string;
  source: "generated" | "prompted";
  /** Already in the stack's config: kept as it is. */
  set: boolean;
  /** For a prompted one: what it is. */
  hint?: string;
}

/** The stack's config as `pulumi config --json` gives it, values as text (JSON for objects); a secret's leaves may be blanked. */
export type ConfigText = Record<string, string>;

/** Whether `path` (dot-separated below its top-level key) has a value in `all`. */
function isSet(all: ConfigText, path: string): boolean {
  const [top, ...below] = path.split(".");
  const text = all[top.includes(":") ? top : `${PROJECT}:${top}`];
  if (text === undefined) return false;
  if (below.length === 0) return true;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  for (const key of below) {
    if (typeof value !== "object" || value === null || !(key in value)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return value !== undefined && value !== null;
}

/**
 * Whether the SSH login needs sshKeyPassphrase: the key file is passphrase-protected and no
 * ssh-agent stands in for it (read as the provider reads it, sshAuthFromConfig).
 */
export function needsKeyPassphrase(all: ConfigText, env: NodeJS.ProcessEnv = process.env): boolean {
  const { passphrase: _set, ...auth } = sshAuthFromConfig((key) => all[key], env);
  const problem = sshAuthProblem(auth);
  return problem !== undefined && problem.startsWith(`${SSH_CONFIG_KEY}.privateKeyPath:`) && problem.includes(PASSPHRASE_CONFIG_KEY);
}

/**
 * Every secret the stack's host needs (the SSH key's passphrase and the Cloudflare token first,
 * then the registry's, in its order): whether each is set, and whether its value is generated
 * or asked for. Throws the config's own problems (a ValidationError) when the
 * stack's settings do not parse: the host and its roles come from them.
 */
export function secretsPlan(all: ConfigText, env: NodeJS.ProcessEnv = process.env): SecretStep[] {
  const config = parseStackConfig(splitStackConfig(all).raw);
  const managedTunnel = componentsOn(config).some(({ entry }) => entry === tunnel);
  const paths = [
    ...(needsKeyPassphrase(all, env) ? ["sshKeyPassphrase"] : []),
    ...(managedTunnel ? [CLOUDFLARE_TOKEN_KEY] : []),
    ...secretPaths(config),
  ];
  return [...new Set(paths)].map((path) => {
    // An instance's own variables are third parties' credentials, as gatewayEnv's are.
    const hint = PROMPTED[/^gatewayInstances\.[^.]+\.env\./.test(path) ? "gatewayEnv" : path.split(".")[0]];
    const set = isSet(all, path);
    return hint === undefined ? { path, source: "generated", set } : { path, source: "prompted", set, hint };
  });
}

/** A generated secret's value: 32 random bytes, hex (64 characters: every secret's rule accepts it). */
export function generateSecret(): string {
  return randomBytes(32).toString("hex");
}

/**
 * Why `value` cannot be the secret at `path`, by the rule of the component that reads it (its
 * message names neither the value nor a command), or undefined when it can.
 */
export function secretProblem(path: string, value: string): string | undefined {
  if (value === "") return "is empty";
  if (/[\r\n]/.test(value)) return "must be one line";
  const [top, ...below] = path.split(".");
  const shape: Record<string, z.ZodType> = secretsSchema.shape;
  const schema = shape[top];
  // The Cloudflare token has no rule here: the provider judges it.
  if (schema === undefined) return /\s/.test(value) ? "must not contain whitespace" : undefined;
  const nested = below.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  const result = schema.safeParse(nested);
  return result.success ? undefined : result.error.issues[0].message;
}
