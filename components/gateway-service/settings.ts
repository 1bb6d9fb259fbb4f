// The operator's own OpenClaw configuration (`gateway.settings`): any key of the release's
// schema (agents, models, channels, tools, session, security, ...) as data, merged under what
// the topology derives. Pure: the checks here run at preview, before anything reaches a host.
// - A derived key set in settings is refused, naming the option that controls it.
// - Credentials are never in the file: a settings value that looks like one must be a
//   SecretRef to a variable of gateway.env (`{source: "env", provider: "default", id}` or
//   "${NAME}"), and every reference must name a variable that is set.
import { createHash } from "crypto";
import { z } from "zod";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const settingsSchema = z.record(z.string(), z.json());

/** Keys of openclaw.json the topology derives, with what sets each instead. */
export const DERIVED_KEYS: Record<string, string> = {
  "gateway.mode": "openclaw-infra (always local: the gateway runs on this host)",
  "gateway.bind": "the option gateway.bind",
  "gateway.port": "the option gateway.port",
  "gateway.auth.mode": "openclaw-infra (token auth, the secret gatewayToken)",
  "gateway.auth.token": "the secret gatewayToken",
  "gateway.controlUi.allowedOrigins": "the option gateway.allowedOrigins (and the tunnel's hostname)",
  "diagnostics.enabled": "the topology's OTLP receivers (tempo, otelCollector, loki)",
  "diagnostics.otel": "the topology's OTLP receivers (tempo, otelCollector, loki)",
  "security.audit.suppressions": "the option gateway.audit.accept",
  "plugins.entries.diagnostics-otel": "the pin of diagnostics-otel in gateway.plugins (wired to the topology's OTLP receivers)",
};

export interface SettingsProblem {
  /** Dotted path inside settings, e.g. "models.providers.anthropic.apiKey". */
  path: string;
  message: string;
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Derived keys that settings set (or shadow with a non-object on the way to them). */
export function derivedConflicts(settings: JsonObject): SettingsProblem[] {
  const problems = new Map<string, SettingsProblem>();
  for (const [key, owner] of Object.entries(DERIVED_KEYS)) {
    let at: Json | undefined = settings;
    const walked: string[] = [];
    for (const part of key.split(".")) {
      if (!isObject(at)) break;
      at = at[part];
      walked.push(part);
      if (at === undefined) break;
      if (walked.length === key.split(".").length || !isObject(at)) {
        const path = walked.join(".");
        problems.set(path, { path, message: `is derived: set by ${owner}, not in gateway.settings` });
        break;
      }
    }
  }
  return [...problems.values()];
}

/** The variable an env SecretRef names: the object form or the "${NAME}" string form. */
export function envRefOf(value: Json): string | undefined {
  if (typeof value === "string") return /^\$\{([A-Z][A-Z0-9_]{0,127})\}$/.exec(value)?.[1];
  if (isObject(value) && value.source === "env" && typeof value.id === "string") return value.id;
  return undefined;
}

/** Keys whose value is a credential by the release's naming (apiKey, botToken, password, ...). */
const CREDENTIAL_KEY = /(^|[a-z])(apiKey|ApiKey|token|Token|secret|Secret|password|Password)$/;

/** Every value in settings, with its dotted path; a SecretRef object counts as one value. */
function* leaves(value: Json, path: string[] = []): Generator<[string[], Json]> {
  if (envRefOf(value) !== undefined || !(isObject(value) || Array.isArray(value))) {
    yield [path, value];
    return;
  }
  const entries: [string, Json][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [k, v] of entries) yield* leaves(v, [...path, k]);
}

/** Every variable settings reference, sorted, once each. */
export function envRefs(settings: JsonObject): string[] {
  const names = new Set<string>();
  for (const [, value] of leaves(settings)) {
    const ref = envRefOf(value);
    if (ref !== undefined) names.add(ref);
  }
  return [...names].sort();
}

/**
 * Secret references in settings against the variables gateway.env sets: a reference to an unset
 * one and a plaintext credential are problems; a secret no reference uses is a warning.
 */
export function checkSecretRefs(
  settings: JsonObject,
  secretNames: string[],
  derivedNames: string[],
): { problems: SettingsProblem[]; unused: string[] } {
  const problems: SettingsProblem[] = [];
  const used = new Set<string>();
  for (const [path, value] of leaves(settings)) {
    const ref = envRefOf(value);
    const dotted = path.join(".");
    if (ref !== undefined) {
      used.add(ref);
      if (!secretNames.includes(ref) && !derivedNames.includes(ref))
        problems.push({ path: dotted, message: `references ${ref}, which is not set: add it to the secret gatewayEnv` });
    } else if (typeof value === "string" && value !== "" && CREDENTIAL_KEY.test(path[path.length - 1] ?? "")) {
      problems.push({
        path: dotted,
        message:
          'looks like a credential in plaintext: put it in the secret gatewayEnv and reference it as {source: "env", provider: "default", id: "<NAME>"}',
      });
    }
  }
  return { problems, unused: secretNames.filter((name) => !used.has(name)).sort() };
}

/** `over` merged onto `under`, objects key by key; anything else in `over` replaces. */
export function deepMerge(under: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...under };
  for (const [k, v] of Object.entries(over)) {
    const base = out[k];
    out[k] = isObject(base) && isObject(v) ? deepMerge(base, v) : v;
  }
  return out;
}

/** Keys sorted at every level: the file is the same for the same settings, whatever their order in stack config. */
export function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

/** An instance as the channel token check sees it: its name and settings. */
interface InstanceChannels {
  instance?: string;
  settings: JsonObject;
}

/**
 * The same channel credential in two instances: a bot token can be polled by one process only
 * (Telegram answers the second 409 Conflict and messages are lost). Compared by the digest of
 * what each reference resolves to in the instance's gateway.env, never printed. One problem per
 * pair, naming both.
 */
export function channelTokenClashes<I extends InstanceChannels>(
  instances: I[],
  envOf: (s: I) => Record<string, string>,
  keyOf: (s: I) => string,
): { key: string; message: string }[] {
  const digest = (value: string) => createHash("sha256").update(value).digest("hex");
  const seen = new Map<string, string>();
  const problems: { key: string; message: string }[] = [];
  for (const s of instances) {
    const channels = s.settings.channels;
    if (!isObject(channels)) continue;
    const env = envOf(s);
    for (const [path, value] of leaves(channels, ["channels"])) {
      const ref = envRefOf(value);
      const resolved = ref === undefined ? undefined : env[ref];
      if (resolved === undefined || !CREDENTIAL_KEY.test(path[path.length - 1] ?? "")) continue;
      const here = `${keyOf(s)}.settings.${path.join(".")}`;
      const first = seen.get(digest(resolved));
      if (first && !first.startsWith(`${keyOf(s)}.`))
        problems.push({
          key: here,
          message: `is the same credential as ${first} (compared by digest): a channel's bot token can be polled by one gateway only`,
        });
      else if (!first) seen.set(digest(resolved), here);
    }
  }
  return problems;
}
