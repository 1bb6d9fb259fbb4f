// Pinned gateway plugins: stack config `plugins: { "<spec>": "<version>" }`, e.g.
// {"npm:@openclaw/irc": "2026.9.5", "clawhub:@openclaw/diagnostics-otel": "2026.9.6"}.
// - Preview: each npm plugin's version is looked up on the stack's npm registry and its host
//   ranges (peerDependencies.openclaw, openclaw.install.minHostVersion, openclaw.compat.pluginApi)
//   are checked against gateway.version; ClawHub cannot be asked from here, so its specs are a
//   warning, and the host's install checks them.
// - Host: one step per instance makes the plugins installed in its state directory the pinned
//   set, with the release the unit runs (`current`): `openclaw plugins install <spec>@<version>`
//   with the unit stopped (a running gateway would take the install over and refuse it: its
//   openclaw.json is read-only) on a writable copy of openclaw.json (the install enables the
//   plugin in the file it is given; ours is this program's, and an installed plugin is enabled
//   without any entry). What is installed is read from the package.json files the installs
//   leave (milliseconds; `openclaw plugins list` takes seconds).
import semver from "semver";
import { z } from "zod";
import { fetchText, Fetch, HttpStatusError } from "../../src/fetch-text";
import type { Problem } from "../../src/registry/types";
import { HttpHealthCheck, healthWaitScript } from "../../src/remote/health";
import { script, sh } from "../../src/remote/shell";
import { INSTALL_ROOT, InstancePaths } from "./instances";

/** Where a pinned plugin comes from: the npm registry (the stack's sources.npmRegistry) or ClawHub. */
export type PluginSource = "npm" | "clawhub";

/** A pin's key, parsed: `npm:@openclaw/irc` is { source: "npm", name: "@openclaw/irc" }. */
export interface PluginSpec {
  source: PluginSource;
  name: string;
}

/** npm's rule for new package names: lowercase, URL-safe, not starting with . or _, at most 214 characters. */
const PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

/** An exact version, as gateway.version is pinned: 2026.9.5, 2026.5.3-1, 2026.9.1-beta.1. */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * A pin's key parsed, or why it cannot be pinned. Only registry specs with their source named:
 * a git repository, a path or an archive is not a release a stack can pin, and a bare name lets
 * openclaw choose the source.
 */
export function parsePluginSpec(spec: string): PluginSpec | { error: string } {
  const m = /^(npm|clawhub):(.*)$/.exec(spec);
  if (!m) return { error: `"${spec}" must be npm:<package> or clawhub:<package> (git, path, archive and bare specs are not supported)` };
  const [, source, name] = m;
  const versioned = /^(@?[^@]+)@(.+)$/.exec(name);
  if (versioned && PACKAGE_NAME.test(versioned[1]))
    return { error: `"${spec}": the version goes in the value, as "${source}:${versioned[1]}": "${versioned[2]}"` };
  if (!PACKAGE_NAME.test(name) || name.length > 214)
    return { error: `"${spec}": "${name}" is not an npm package name (lowercase, URL-safe, at most 214 characters)` };
  return { source: source as PluginSource, name };
}

/**
 * Stack config `plugins`: pin → exact version. Exact because the host installs exactly what the
 * preview checked (a range or a tag would move under a stack that did not change); each refusal
 * names the key. A package pinned from both sources is refused: both would install one plugin id.
 */
export const pluginsSchema = z.record(z.string(), z.string()).superRefine((plugins, ctx) => {
  const seen = new Map<string, string>();
  for (const [spec, version] of Object.entries(plugins)) {
    const parsed = parsePluginSpec(spec);
    if ("error" in parsed) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      continue;
    }
    if (!EXACT_VERSION.test(version) || !semver.valid(version))
      ctx.addIssue({
        code: "custom",
        message: `"${spec}" must be pinned to an exact version like 2026.9.5, not "${version}" (no ranges or tags)`,
      });
    const twice = seen.get(parsed.name);
    if (twice) ctx.addIssue({ code: "custom", message: `"${spec}": ${parsed.name} is pinned twice (also as "${twice}")` });
    seen.set(parsed.name, spec);
  }
});

/** The pins, as pluginsSchema gives them. */
export type PinnedPlugins = z.output<typeof pluginsSchema>;

/** The pins as [spec, package, version], sorted by spec: every rendering lists them in this order. */
function pinList(plugins: PinnedPlugins): [string, string, string][] {
  return Object.keys(plugins)
    .sort()
    .map((spec) => {
      const parsed = parsePluginSpec(spec);
      if ("error" in parsed) throw new Error(parsed.error);
      return [spec, parsed.name, plugins[spec]];
    });
}

// ---- Preview: the npm registry's metadata of each pinned version ---------------------------

/** What a plugin version's npm metadata says about the host it runs in (the fields checkPluginHostRange reads). */
export interface PluginManifest {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
  openclaw?: { install?: { minHostVersion?: string }; compat?: { pluginApi?: string } };
}

/** The host ranges a plugin version declares, by the field that declares it. */
const HOST_RANGES: [string, (m: PluginManifest) => unknown][] = [
  ["peerDependencies.openclaw", (m) => m.peerDependencies?.openclaw],
  ["openclaw.install.minHostVersion", (m) => m.openclaw?.install?.minHostVersion],
  ["openclaw.compat.pluginApi", (m) => m.openclaw?.compat?.pluginApi],
];

/**
 * Whether openclaw `gatewayVersion` is in `range` as the host judges it: a numeric correction
 * (2026.5.3-1) is the release it corrects; for the plugin API a prerelease (2026.9.6-beta.1)
 * provides its release's API unless the range names a prerelease itself; otherwise semver with
 * prereleases included (date-stamped releases have no other versions to fall back to). A bare
 * minHostVersion is a floor. undefined: not a range semver reads (not judged here).
 */
function hostAdmits(field: string, range: string, gatewayVersion: string): boolean | undefined {
  const floor = field === "openclaw.install.minHostVersion" && semver.valid(range.trim()) ? `>=${range.trim()}` : range;
  if (!semver.validRange(floor, { includePrerelease: true })) return undefined;
  const m = /^(\d+\.\d+\.\d+)-(\d+|(?:alpha|beta|rc)\.\d+)$/i.exec(gatewayVersion);
  const asRelease = m && (/^\d+$/.test(m[2]) || (field === "openclaw.compat.pluginApi" && !/\d-/.test(floor)));
  return semver.satisfies(asRelease ? m[1] : gatewayVersion, floor, { includePrerelease: true });
}

/**
 * Each host range of a plugin version (its npm metadata) that excludes gateway.version, as one
 * problem message per range (fields declaring the same range share one), so a preview refuses a
 * pin the gateway would not load instead of the host's install failing. [] when all admit it.
 */
export function checkPluginHostRange(meta: PluginManifest, gatewayVersion: string): string[] {
  const excluded = new Map<string, string[]>();
  for (const [field, read] of HOST_RANGES) {
    const range = read(meta);
    if (typeof range !== "string" || !range.trim() || hostAdmits(field, range, gatewayVersion) !== false) continue;
    excluded.set(range, [...(excluded.get(range) ?? []), field]);
  }
  return [...excluded].map(
    ([range, fields]) =>
      `npm:${meta.name}@${meta.version} needs openclaw ${range} (${fields.join(", ")}); gateway.version is ${gatewayVersion}`,
  );
}

/** What lookUpPlugin finds: the version's metadata, or why there is none. */
export type PluginLookup =
  | { manifest: PluginManifest }
  /** No such package or version on the registry; the message names the spec, version and registry. */
  | { missing: string }
  /** The registry did not answer; why. */
  | { unreachable: string }
  /** A ClawHub spec: ClawHub is not asked from here; the message says so. */
  | { notChecked: string };

/** An npm packument, as much of it as is read. */
interface Packument {
  "dist-tags"?: Record<string, string>;
  versions?: Record<string, PluginManifest>;
}

/** One request per registry and package per process (an instance's pins and the next share it); failures are not kept. */
const packuments = new Map<string, Promise<Packument | "absent">>();

function getPackument(registry: string, name: string, fetcher?: Fetch): Promise<Packument | "absent"> {
  // npm's own spelling of a scoped name in a URL: @scope%2fname.
  const url = `${registry.replace(/\/+$/, "")}/${name.replace("/", "%2f")}`;
  const key = `${registry}\n${name}`;
  const cached = packuments.get(key);
  if (cached) return cached;
  const pending = fetchText(url, fetcher).then(
    (text) => {
      try {
        return JSON.parse(text) as Packument;
      } catch {
        throw new Error(`${url} answered, but not with JSON`);
      }
    },
    (e: Error) => {
      if (e instanceof HttpStatusError && e.status === 404) return "absent" as const;
      throw e;
    },
  );
  packuments.set(key, pending);
  pending.catch(() => packuments.delete(key));
  return pending;
}

/**
 * A pinned version's npm metadata from `registry` (its packument: one GET, 10 s at most, shared
 * by every pin of the package), for the preview to refuse a pin that the host's install would
 * fail on. ClawHub specs are not looked up: ClawHub cannot be reached from where previews run.
 */
export async function lookUpPlugin(registry: string, spec: string, version: string, fetcher?: Fetch): Promise<PluginLookup> {
  const parsed = parsePluginSpec(spec);
  if ("error" in parsed) throw new Error(parsed.error);
  if (parsed.source === "clawhub")
    return { notChecked: `${spec}@${version} is not checked at preview (ClawHub is not asked); the host's install checks it` };
  let packument: Packument | "absent";
  try {
    packument = await getPackument(registry, parsed.name, fetcher);
  } catch (e) {
    return { unreachable: (e as Error).message };
  }
  if (packument === "absent") return { missing: `${spec}@${version} is not on the npm registry ${registry} (it has no ${parsed.name})` };
  const manifest = packument.versions?.[version];
  if (!manifest) {
    const latest = packument["dist-tags"]?.latest;
    return { missing: `${spec}@${version} is not on the npm registry ${registry}${latest ? ` (latest there: ${latest})` : ""}` };
  }
  return { manifest: { ...manifest, name: manifest.name ?? parsed.name, version: manifest.version ?? version } };
}

/**
 * The preview's check of an instance's pins: each npm pin on the registry, its host ranges
 * admitting gateway.version; each ClawHub pin a warning (not checked). Problems and warnings
 * carry `key`, the stack config key of the pins, e.g. "gateway.instances.work.plugins".
 */
export async function pluginProblems(
  plugins: PinnedPlugins,
  gatewayVersion: string,
  registry: string,
  key: string,
  fetcher?: Fetch,
): Promise<{ problems: Problem[]; warnings: Problem[] }> {
  const pins = pinList(plugins);
  const found = await Promise.all(pins.map(([spec, , version]) => lookUpPlugin(registry, spec, version, fetcher)));
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  found.forEach((lookup, i) => {
    const [spec, , version] = pins[i];
    if ("manifest" in lookup) problems.push(...checkPluginHostRange(lookup.manifest, gatewayVersion).map((message) => ({ key, message })));
    else if ("missing" in lookup) problems.push({ key, message: lookup.missing });
    else if ("unreachable" in lookup) problems.push({ key, message: `cannot look up ${spec}@${version}: ${lookup.unreachable}` });
    else warnings.push({ key, message: lookup.notChecked });
  });
  return { problems, warnings };
}

// ---- Host: what is installed, and the step that makes it the pinned set --------------------

/**
 * Run by the current release's Node on the host: argv = state directory, the release's openclaw
 * package (the plugins' peer), the pins as JSON [[spec, package, version]]. Prints, sorted, one
 * `<spec>=<version>` per pin installed at its version with its `openclaw` peer linked to that
 * release (else the versions found, " unlinked" where the link is stale, or `missing`), and one
 * `unpinned=<plugin id or ?> <package>@<version>` per installed plugin not pinned. Installs are
 * the dependencies of the npm projects under <state>/npm/projects (and a legacy <state>/npm),
 * skipping the generations an update retained (marked in .openclaw-retained-npm-installs), and
 * the packages under <state>/extensions (ClawHub's).
 */
const OBSERVE_JS = `
const fs = require("fs");
const path = require("path");
const [state, host, pinsJson] = process.argv.slice(1);
const pins = JSON.parse(pinsJson);
const ls = (d) => { try { return fs.readdirSync(d).sort(); } catch { return []; } };
const json = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
const real = (p) => { try { return fs.realpathSync(p); } catch { return null; } };
const hostRoot = real(host);
const dirs = [];
const npm = path.join(state, "npm");
for (const project of [npm, ...ls(path.join(npm, "projects")).map((p) => path.join(npm, "projects", p))]) {
  if (ls(path.join(project, ".openclaw-retained-npm-installs")).length > 0) continue;
  const deps = (json(path.join(project, "package.json")) || {}).dependencies || {};
  for (const name of Object.keys(deps).sort()) dirs.push(path.join(project, "node_modules", ...name.split("/")));
}
for (const e of ls(path.join(state, "extensions"))) dirs.push(path.join(state, "extensions", e));
const installed = [];
for (const dir of dirs) {
  const pkg = json(path.join(dir, "package.json"));
  if (!pkg || typeof pkg.name !== "string") continue;
  const peer = ["peerDependencies", "optionalDependencies", "dependencies"].some((k) => pkg[k] && typeof pkg[k].openclaw === "string");
  const linked = !peer || (hostRoot !== null && real(path.join(dir, "node_modules", "openclaw")) === hostRoot);
  const id = (json(path.join(dir, "openclaw.plugin.json")) || {}).id;
  installed.push({ name: pkg.name, version: String(pkg.version), linked, id: typeof id === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) ? id : "?" });
}
const lines = [];
for (const [spec, name, version] of pins) {
  const mine = installed.filter((i) => i.name === name);
  const found = mine.map((i) => i.version + (i.linked ? "" : " unlinked")).sort();
  lines.push(spec + "=" + (mine.some((i) => i.version === version && i.linked) ? version : found.length ? [...new Set(found)].join(",") : "missing"));
}
const pinned = new Set(pins.map((p) => p[1]));
for (const i of installed) if (!pinned.has(i.name)) lines.push("unpinned=" + i.id + " " + i.name + "@" + i.version);
if (lines.length > 0) console.log([...new Set(lines)].sort().join("\\n"));
`.trim();

/** Where an instance's plugins are installed and which release installs them. */
export interface PluginHost {
  /** The instance's paths (instancePaths). */
  paths: Pick<InstancePaths, "stateDir" | "configFile" | "envFile" | "unit" | "user">;
  /** Where the releases live (INSTALL_ROOT): `<installRoot>/current` runs the instance and installs its plugins. */
  installRoot?: string;
}

/** The shell lines defining $state, $current and $node, and the observation `observe` (OBSERVE_JS). */
function observeLines(plugins: PinnedPlugins, host: PluginHost): string[] {
  const pins = JSON.stringify(pinList(plugins));
  return [
    `state=${sh(host.paths.stateDir)}; current=${sh(`${host.installRoot ?? INSTALL_ROOT}/current`)}; node="$current/node/bin/node"`,
    `observe() { "$node" -e ${sh(OBSERVE_JS)} "$state" "$current/lib/node_modules/openclaw" ${sh(pins)}; }`,
  ];
}

/** `<spec>=<version>` per pin, sorted: what the observation says of the pins when they are installed as pinned. */
function pinnedLines(plugins: PinnedPlugins): string[] {
  return pinList(plugins)
    .map(([spec, , version]) => `${spec}=${version}`)
    .sort();
}

/**
 * The plugin step's check (its drift observation): one `<spec>=<installed version or missing>`
 * line per pin (a version " unlinked" when its openclaw peer is not the current release), one
 * `unpinned=<id> <package>@<version>` per installed plugin not pinned, then
 * `release=<where current points>`. Deterministic: sorted, nothing timed.
 */
export function renderPluginFacts(plugins: PinnedPlugins, host: PluginHost): string {
  const pins = pinnedLines(plugins).map((l) => l.replace(/=[^=]*$/, "=missing"));
  return script(
    ...observeLines(plugins, host),
    `if [ -x "$node" ]; then observe`,
    // No release yet: nothing can be installed.
    pins.length > 0 ? `else printf '%s\\n' ${pins.map(sh).join(" ")}; fi` : `fi`,
    `echo "release=$(readlink "$current" || echo none)"`,
  );
}

/** What renderPluginFacts prints on a host whose plugins are as pinned, with `current` pointing at `release` (e.g. "2026.9.6+node24.22.3"). */
export function pluginFactsObserved(plugins: PinnedPlugins, release: string): string {
  return [...pinnedLines(plugins), `release=${release}`].join("\n");
}

/** What renderPluginInstallScript needs beside the pins. */
export interface PluginInstallTarget extends PluginHost {
  /**
   * The current release's `openclaw` as the instance's unit runs it, without its arguments: its
   * user, the unit's variables, OPENCLAW_CONFIG_PATH="$copy/openclaw.json" (the writable copy
   * this script makes) and without the read-only config mode, e.g.
   * `runuser -u openclaw -- env PATH=... OPENCLAW_CONFIG_PATH="$copy/openclaw.json" ... '/opt/openclaw/current/bin/openclaw'`.
   */
  runAs: string;
  /** The stack's npm registry, for the npm the install runs (npm_config_registry). */
  registry?: string;
  /** Waited for after the unit starts again. */
  healthCheck?: HttpHealthCheck;
}

/**
 * The host step making an instance's installed plugins the pinned set, with the release it runs.
 * As pinned (each pin at its version, its openclaw peer linked to the current release, nothing
 * unpinned), it says so and touches nothing. Else it stops the unit if it runs, removes each
 * unpinned plugin (`openclaw plugins uninstall <id> --force`) and installs each pin not as pinned
 * (`openclaw plugins install <spec>@<version> --force`, with `--pin` for npm), as the unit's user
 * with its environment on a writable copy of openclaw.json (deleted after), checks the result,
 * and starts the unit again if it ran, whatever happened: a failure fails the step with the last
 * lines openclaw printed, the gateway running on the plugins it had. A plugin without an id in
 * its openclaw.plugin.json cannot be removed: a warning names it.
 */
export function renderPluginInstallScript(plugins: PinnedPlugins, target: PluginInstallTarget): string {
  const { unit, user, configFile, envFile } = target.paths;
  const pins = pinList(plugins);
  const want = pinnedLines(plugins).join("\n");
  const summary = pins.length > 0 ? pins.map(([spec, , version]) => `${spec}@${version}`).join(", ") : "none pinned";
  const asPinned = `echo ${sh(`plugins of ${unit} as pinned on openclaw `)}"$(readlink "$current")"${sh(`: ${summary}`)}`;
  const split = [`pinned_have=$(grep -v '^unpinned=' <<<"$have" || true)`, `removable=$(grep '^unpinned=[^?]' <<<"$have" || true)`];
  const install = pins.flatMap(([spec, , version]) => {
    const pinned = `${spec}@${version}`;
    const args = spec.startsWith("npm:") ? "--pin --force" : "--force";
    return [
      `  if ! grep -qxF ${sh(`${spec}=${version}`)} <<<"$have"; then`,
      `    echo ${sh(`installing ${pinned}`)}`,
      `    ${target.runAs} plugins install ${sh(pinned)} ${args} >> "$log" 2>&1 || exit 1`,
      `  fi`,
    ];
  });
  return script(
    `# The plugins of ${unit}: the pinned set, installed by the release it runs.`,
    ...observeLines(plugins, target),
    `[ -x "$node" ] || { echo "no openclaw release at $current to install the plugins of ${unit} with" >&2; exit 1; }`,
    `want=${sh(want)}`,
    `have=$(observe)`,
    ...split,
    `grep '^unpinned=?' <<<"$have" | sed ${sh(`s/^unpinned=? \\(.*\\)/warning: \\1 is installed for ${unit} but not pinned, and has no plugin id to remove it by: remove it by hand/`)} >&2 || true`,
    `if [ "$pinned_have" = "$want" ] && [ -z "$removable" ]; then`,
    `  ${asPinned}`,
    `else`,
    `  was=inactive`,
    `  if systemctl is-active --quiet ${sh(unit)}; then was=active; systemctl stop ${sh(unit)}; echo ${sh(`stopped ${unit}`)}; fi`,
    `  log=$(mktemp); copy=$(mktemp -d /run/openclaw-plugins.XXXXXX); rc=0`,
    // In a subshell whose every step says `|| exit 1`: errexit does not hold in one whose status is tested.
    `  (`,
    `    install -m 0600 -o ${sh(user)} -g ${sh(user)} ${sh(configFile)} "$copy/openclaw.json" && chown ${sh(user)}: "$copy" || exit 1`,
    `    set -a; . ${sh(envFile)} || exit 1; set +a`,
    target.registry && `    export npm_config_registry=${sh(target.registry)}`,
    `    cd "$state" || exit 1`,
    `    while read -r id pkg; do`,
    `      echo "removing plugin $id ($pkg): not pinned"`,
    `      ${target.runAs} plugins uninstall "$id" --force >> "$log" 2>&1 || exit 1`,
    `    done < <(sed -n 's/^unpinned=//p' <<<"$removable")`,
    ...install.map((l) => `  ${l}`),
    `  ) || rc=$?`,
    `  rm -rf "$copy"`,
    `  if [ "$rc" = 0 ]; then`,
    `    have=$(observe)`,
    ...split.map((l) => `    ${l}`),
    `    if [ "$pinned_have" != "$want" ] || [ -n "$removable" ]; then`,
    `      { echo "installed now:"; echo "$have"; } >> "$log"; rc=1`,
    `    fi`,
    `  fi`,
    `  if [ "$rc" != 0 ]; then`,
    `    echo "openclaw $(readlink "$current"): the plugins of ${unit} could not be made the pinned ones (${summary}):" >&2`,
    `    tail -n 20 "$log" >&2`,
    `  else`,
    // What openclaw printed, in the journal (tag openclaw-plugins): the deploy's own output keeps only failures.
    `    logger -t openclaw-plugins < "$log" || true`,
    `  fi`,
    `  rm -f "$log"`,
    `  if [ "$was" = active ]; then`,
    `    systemctl start ${sh(unit)}; echo ${sh(`started ${unit}`)}`,
    ...(target.healthCheck ? healthWaitScript(target.healthCheck).trimEnd().split("\n") : []).map((l) => `    ${l}`),
    `  fi`,
    `  [ "$rc" = 0 ] || exit 1`,
    `  ${asPinned}`,
    `fi`,
  );
}

// ---- diagnostics-otel ----------------------------------------------------------------------

/** The OpenTelemetry exporter plugin: its package, and the plugin id its manifest declares (its config entry's key). */
export const DIAGNOSTICS_OTEL = { package: "@openclaw/diagnostics-otel", id: "diagnostics-otel" } as const;

/** Whether the pins install diagnostics-otel (from ClawHub or npm). */
export function pinsDiagnosticsOtel(plugins: PinnedPlugins): boolean {
  return pinList(plugins).some(([, name]) => name === DIAGNOSTICS_OTEL.package);
}
