// Pure rendering of the gateway's files from its settings. Golden-file tested.
import * as fs from "fs";
import * as path from "path";
import { hardening } from "../../src/hardening";
import { HttpHealthCheck } from "../../src/remote/health";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { currentPrefix, releasePrefix, VersionedInstallSpec } from "../../src/remote/install";
import { script, sh } from "../../src/remote/shell";
import { restartIfEnabledScript } from "../../src/remote/systemd";
import { renderUnitFile, serviceUnit, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { OtlpSignalEndpoints } from "../../src/topology";
import semver from "semver";
import { DEFAULT_INSTANCE, INSTALL_ROOT, instancePaths } from "./instances";
import { DIAGNOSTICS_OTEL, pinsDiagnosticsOtel, renderPluginFacts, renderPluginInstallScript } from "./plugins";
import { GatewaySettings, pathsOf } from "./schema";
import { deepMerge, JsonObject, sortKeys } from "./settings";

/** The default instance's paths (the single gateway of a host); instancePaths has any instance's. */
export const PATHS = { ...instancePaths(DEFAULT_INSTANCE), installRoot: INSTALL_ROOT } as const;

/** What every instance's unit runs: the release `current` points to, so an upgrade changes no unit file. */
export const CURRENT = currentPrefix(INSTALL_ROOT);

/** The Node a release is installed with and runs on, as NodeRuntime installed it. */
export interface ReleaseNode {
  /** Exact version, e.g. "24.22.3". */
  version: string;
  /** The node binary NodeRuntime provides, e.g. /usr/local/bin/node. */
  path: string;
}

/**
 * A release's folder under /opt/openclaw, e.g. "2026.9.6+node24.22.3": the openclaw version and
 * the Node it runs on. npm builds native modules for the Node that runs it, and the release
 * keeps that Node in its folder (see installSpec), so a rollback puts back both.
 */
export function releaseName(s: GatewaySettings, node: ReleaseNode): string {
  return `${s.version}+node${node.version}`;
}

/** The folder of the release being deployed. */
function releaseDir(s: GatewaySettings, node: ReleaseNode): string {
  return releasePrefix(INSTALL_ROOT, releaseName(s, node));
}

/**
 * What every (re)start of the gateway waits for, on the host itself: readiness (/readyz: started,
 * agents admitted, channels checked) from 2026.3.1, the first release that has it; /health
 * (the process answers) before.
 */
export function healthCheck(s: GatewaySettings): HttpHealthCheck {
  const { unit } = pathsOf(s);
  if (semver.gte(semver.coerce(s.version) ?? "0.0.0", "2026.3.1"))
    return { url: `http://127.0.0.1:${s.port}/readyz`, expect: '"ready": ?true', unit };
  return { url: `http://127.0.0.1:${s.port}/health`, expect: '"ok": ?true', unit };
}

/** The path healthCheck asks, for messages: "/readyz". */
export const readinessPath = (s: GatewaySettings) => new URL(healthCheck(s).url).pathname;

const envTemplate = template<{ vars: { key: string; value: string }[] }>(__dirname, "gateway.env.hbs");
const seedTemplate = template<{ seed: string; stateDir: string; user: string; unit: string }>(__dirname, "seed.sh.hbs");

/**
 * The release's managed-config mode, so neither the gateway nor `openclaw doctor` rewrites the
 * file this program owns (a rewrite would be drift on every refresh): OPENCLAW_CONFIG_READONLY
 * from 2026.9, OPENCLAW_NIX_MODE (the managed-install mode nix-openclaw uses) before it.
 */
export function readOnlyConfigEnv(version: string): string {
  return semver.gte(semver.coerce(version) ?? "0.0.0", "2026.9.0") ? "OPENCLAW_CONFIG_READONLY=1" : "OPENCLAW_NIX_MODE=1";
}

/**
 * The variables the unit sets beside gateway.env: the gateway and its own checkers run with
 * these. PATH starts with the release's own Node (`prefix`: the release run).
 */
export function unitEnvironment(s: GatewaySettings, prefix = CURRENT): string[] {
  const paths = pathsOf(s);
  return [
    `PATH=${prefix}/node/bin:/usr/local/bin:/usr/bin:/bin`,
    `HOME=${paths.stateDir}`,
    `OPENCLAW_STATE_DIR=${paths.stateDir}`,
    `OPENCLAW_CONFIG_PATH=${paths.configFile}`,
    "NODE_ENV=production",
    readOnlyConfigEnv(s.version),
  ];
}

export function unitSpec(s: GatewaySettings): UnitSpec {
  const paths = pathsOf(s);
  return serviceUnit({
    description: s.instance && s.instance !== DEFAULT_INSTANCE ? `OpenClaw Gateway (instance ${s.instance})` : "OpenClaw Gateway",
    documentation: "https://docs.openclaw.ai",
    service: [
      ["User", paths.user],
      ["Group", paths.user],
      ["EnvironmentFile", paths.envFile],
      ...unitEnvironment(s).map((v): [string, string] => ["Environment", v]),
      ["WorkingDirectory", paths.stateDir],
      ["StateDirectory", paths.stateDirectory],
      ["StateDirectoryMode", "0700"],
      { comment: "A crash can leave a stale lock behind that would stop the next start." },
      ["ExecStartPre", `/usr/bin/find ${paths.stateDir} -maxdepth 1 -name gateway.*.lock -delete`],
      { comment: "Through `current`: an upgrade switches the link and restarts the unit (the install step)." },
      ["ExecStart", `${CURRENT}/bin/openclaw gateway --bind ${s.bind} --port ${s.port}`],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      ["TimeoutStopSec", "30"],
      ["MemoryMax", s.memoryMax],
      ["CPUQuota", s.cpuQuota],
      ["TasksMax", "512"],
      ["LimitNOFILE", "65536"],
      ["StandardOutput", "journal"],
      ["StandardError", "journal"],
      ["SyslogIdentifier", paths.syslogIdentifier],
    ],
    // Node runs V8, whose JIT needs writable+executable pages; 2026.9 locks its state with openat2.
    hardening: s.hardening ? hardening({ jit: true, openat2: true }) : [],
  });
}

export function renderUnit(s: GatewaySettings): string {
  return renderUnitFile(unitSpec(s));
}

/** Values the topology supplies, beside the operator's options. */
export interface GatewayPeers {
  /** OTLP/HTTP endpoint the gateway exports to when no signal has its own. */
  otlpEndpoint?: string;
  /** Per-signal URLs (Tempo, the collector for Prometheus, Loki); diagnostics-otel uses a URL ending in
   * /v1/<signal> as it is and prefers it over `otlpEndpoint`. */
  otlpSignals?: OtlpSignalEndpoints;
  /** Origins added to controlUi.allowedOrigins, e.g. the tunnel's public URL. */
  extraOrigins?: string[];
}

/**
 * openclaw.json as an object: safe defaults, the operator's settings over them, the derived keys
 * over both (the schema refuses settings that set one); keys sorted at every level, so the same
 * settings make the same file whatever their order in stack config.
 */
export function gatewayConfig(s: GatewaySettings, peers: GatewayPeers = {}): JsonObject {
  return sortKeys(deepMerge(deepMerge(safeDefaults(s), s.settings), derivedConfig(s, peers))) as JsonObject;
}

/**
 * Safer than the release's own defaults, under the operator's settings (which may change them):
 * direct messages of different senders on different channels never share one session (the
 * release's default shares one across every sender); bound to loopback, the proxy in front is
 * trusted; bound beyond it, failed logins are rate limited per client (10 in a minute, then 5
 * minutes locked out). Each as the release's audit asks.
 */
function safeDefaults(s: GatewaySettings): JsonObject {
  const session = { dmScope: "per-channel-peer" };
  // Bound to loopback, what reaches it is a proxy on this host (cloudflared, a local reverse
  // proxy): its X-Forwarded-For is trusted, so a client is told apart by its own address.
  if (s.bind === "loopback") return { session, gateway: { trustedProxies: ["127.0.0.1", "::1"] } };
  return { session, gateway: { auth: { rateLimit: { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 } } } };
}

/** The keys the topology derives (settings.ts, DERIVED_KEYS); never changed by settings. */
function derivedConfig(s: GatewaySettings, peers: GatewayPeers): JsonObject {
  const allowedOrigins = [...new Set([...s.allowedOrigins, ...(peers.extraOrigins ?? [])])].sort();
  const gateway = { mode: "local", bind: s.bind, port: s.port, auth: { mode: "token" }, controlUi: { allowedOrigins } };
  const accepted = Object.entries(s.audit.accept).sort(([a], [b]) => a.localeCompare(b));
  const security = accepted.length > 0 && {
    security: { audit: { suppressions: accepted.map(([checkId, reason]) => ({ checkId, reason })) } },
  };
  if (!peers.otlpEndpoint) return { gateway, ...security };
  // Pinned, the release's OpenTelemetry exporter plugin reads diagnostics.otel: its entry is switched on with it.
  const exporter = pinsDiagnosticsOtel(s.plugins) && { plugins: { entries: { [DIAGNOSTICS_OTEL.id]: { enabled: true } } } };
  const otel = {
    enabled: true,
    endpoint: peers.otlpEndpoint,
    ...(peers.otlpSignals && {
      tracesEndpoint: peers.otlpSignals.traces,
      metricsEndpoint: peers.otlpSignals.metrics,
      logsEndpoint: peers.otlpSignals.logs,
    }),
    protocol: "http/protobuf",
    // Per instance, so its traces, metrics and logs tell the instances apart.
    serviceName: pathsOf(s).syslogIdentifier,
    traces: true,
    // Without a per-signal URL they would go to the shared endpoint, Tempo's, which refuses them.
    metrics: Boolean(peers.otlpSignals),
    logs: true,
  };
  return { gateway, ...security, diagnostics: { enabled: true, otel }, ...exporter };
}

export function renderConfig(s: GatewaySettings, peers: GatewayPeers = {}): string {
  return JSON.stringify(gatewayConfig(s, peers), null, 2) + "\n";
}

/** How releaseCommand runs the release: which one, on which openclaw.json, in which mode. */
interface ReleaseRun {
  /** The release's folder: releaseDir for the one being deployed, CURRENT for the one that runs. */
  prefix: string;
  /** Shell word for OPENCLAW_CONFIG_PATH. */
  config: string;
  /** false: without the read-only config mode (the migration, on a writable copy). */
  readOnlyConfig?: boolean;
}

/** A release as the unit runs the gateway: its user, its Node, the unit's variables. */
function releaseCommand(s: GatewaySettings, run: ReleaseRun, args: string): string {
  const env = unitEnvironment(s, run.prefix)
    .filter((v) => run.readOnlyConfig !== false || v !== readOnlyConfigEnv(s.version))
    .map((v) => (v.startsWith("OPENCLAW_CONFIG_PATH=") ? `OPENCLAW_CONFIG_PATH=${run.config}` : sh(v)));
  return `runuser -u ${pathsOf(s).user} -- env ${env.join(" ")} ${sh(`${run.prefix}/bin/openclaw`)} ${args}`;
}

/**
 * openclaw.json's step: the release being deployed (fetched before, see the component) checks
 * the candidate with its own `openclaw config validate` (configChecker), as the gateway's user
 * with the unit's variables, before it replaces the file; a refused one leaves the running
 * configuration alone.
 */
export function configFileSpec(s: GatewaySettings): Omit<CheckedFileSpec, "checker"> {
  const paths = pathsOf(s);
  return {
    path: paths.configFile,
    owner: paths.user,
    group: paths.user,
    mode: "0600",
    checkerName: `openclaw ${s.version} config validate`,
    suffix: ".json",
  };
}

/** configFileSpec's checker: the release being deployed, on its Node. */
export function configChecker(s: GatewaySettings, node: ReleaseNode): string {
  return releaseCommand(s, { prefix: releaseDir(s, node), config: `"$candidate"` }, "config validate --json");
}

const auditTemplate = template<{ stateDir: string; user: string; envFile: string; audit: string; node: string; judge: string }>(
  __dirname,
  "audit.sh.hbs",
);
const AUDIT_JUDGE = fs.readFileSync(path.join(__dirname, "templates", "audit-judge.js"), "utf8");

/**
 * The security audit step: the release being deployed audits the new openclaw.json (on stdin)
 * with the unit's whole environment, gateway.env included, before the file replaces the
 * running one. A critical finding fails the step naming its checkId and remediation; the last
 * line printed is the warnings and notes as JSON (auditReport reads it).
 */
export function renderAuditScript(s: GatewaySettings, node: ReleaseNode): string {
  const prefix = releaseDir(s, node);
  const paths = pathsOf(s);
  return auditTemplate({
    stateDir: paths.stateDir,
    user: paths.user,
    envFile: paths.envFile,
    audit: releaseCommand(s, { prefix, config: `"$work/config/openclaw.json"` }, "security audit --json"),
    node: `${prefix}/node/bin/node`,
    judge: AUDIT_JUDGE,
  });
}

/** An audit finding the deploy reports as a warning. */
export interface AuditWarning {
  checkId: string;
  title: string;
}

/** What the audit step's last line reports; nothing when the step printed something else. */
export function auditReport(result: string | undefined): { warnings: AuditWarning[]; notes: string[] } {
  try {
    const parsed = JSON.parse(result ?? "") as { warnings?: AuditWarning[]; notes?: string[] };
    return { warnings: parsed.warnings ?? [], notes: parsed.notes ?? [] };
  } catch {
    return { warnings: [], notes: [] };
  }
}

/**
 * systemd EnvironmentFile: double-quoted values with \ " $ and ` escaped (systemd unescapes
 * all four), so a shell that sources the file sees the same values; sorted for stable diffs.
 */
export function renderEnv(vars: Record<string, string>): string {
  const quoted = Object.keys(vars)
    .sort()
    .map((key) => ({ key, value: `"${vars[key].replace(/[\\"$`]/g, (c) => `\\${c}`)}"` }));
  return envTemplate({ vars: quoted });
}

/** Where an instance's state lives and who owns it. */
export interface StateDir {
  stateDir: string;
  user: string;
  unit: string;
}

/**
 * The seed step: `seed` (a backup tool's restore, run by bash -e) fills the state directory when
 * it is blank and the gateway does not run; the result is the gateway user's, mode 0700.
 */
export function renderSeedScript(seed: string, at: StateDir = PATHS): string {
  return seedTemplate({ seed: seed.trimEnd(), ...at });
}

/**
 * Facts of the seed step, by the seed's own tests: blank when the state directory holds nothing
 * and no gateway runs on it (a gateway that runs on an empty one is as the step left it).
 */
export function renderSeedFacts(at: StateDir = PATHS): string {
  const state = sh(at.stateDir);
  return script(
    `if { [ -d ${state} ] && [ -n "$(find ${state} -mindepth 1 -maxdepth 1 ! -name 'gateway.*.lock' -print -quit)" ]; } || systemctl is-active --quiet ${sh(at.unit)}; then`,
    `  echo state=present`,
    `else`,
    `  echo state=blank`,
    `fi`,
  );
}

/**
 * The release's own migration of the state before its first start, with the gateway stopped:
 * `openclaw doctor --fix --non-interactive`, the repair path the release's updater runs before
 * it accepts a new version. It reads a writable copy of openclaw.json: in the read-only config
 * mode 2026.9's doctor refuses to run at all, and whatever it would change in the file stays in
 * the copy (the file is this program's). Run through `current`, so a rollback runs the old
 * release's. A failed migration fails the activation, which rolls back like a failed health
 * check.
 */
export function migrationScript(s: GatewaySettings): string {
  const doctor = releaseCommand(
    s,
    { prefix: CURRENT, config: `"$copy/openclaw.json"`, readOnlyConfig: false },
    "doctor --fix --non-interactive",
  );
  const paths = pathsOf(s);
  return script(
    `migrated=$(mktemp)`,
    `copy=$(mktemp -d /run/openclaw-migrate.XXXXXX)`,
    `install -m 0600 -o ${paths.user} -g ${paths.user} ${sh(paths.configFile)} "$copy/openclaw.json"`,
    `chown ${paths.user}: "$copy"`,
    `if ! (set -a; . ${sh(paths.envFile)}; set +a; cd ${sh(paths.stateDir)}; ${doctor}) > "$migrated" 2>&1; then`,
    `  echo "openclaw $(readlink ${sh(CURRENT)}): its migration (openclaw doctor --fix --non-interactive) failed:" >&2`,
    `  tail -n 20 "$migrated" >&2; rm -rf "$migrated" "$copy"`,
    `  exit 1`,
    `fi`,
    // What it did, in the journal (tag openclaw-doctor): the deploy's own output keeps only failures.
    `logger -t openclaw-doctor < "$migrated" || true`,
    `rm -rf "$migrated" "$copy"`,
    `echo "openclaw $(readlink ${sh(CURRENT)}): state migrated (openclaw doctor --fix --non-interactive)"`,
  );
}

/**
 * openclaw@version from the npm registry into its own prefix under /opt/openclaw (releaseName),
 * with the Node it is installed by and runs on: a hard link to NodeRuntime's binary in
 * <prefix>/node/bin (a copy when /opt spans file systems), so the release still runs when the
 * runtime moves on. Once it is current, the running gateway is stopped, the release migrates
 * the state, the gateway starts on it and must be ready (healthCheck); else the release that ran
 * before is put back, on the Node it ran on, and started again (no migration: it ran on this
 * state), and the step fails.
 */
export function installSpec(
  s: GatewaySettings,
  registry: string,
  node: ReleaseNode,
  instances: GatewaySettings[] = [s],
): VersionedInstallSpec {
  return {
    tool: "openclaw",
    version: releaseName(s, node),
    root: INSTALL_ROOT,
    fetch: script(
      `node=$(readlink -f ${sh(node.path)})`,
      `[ "$("$node" --version)" = ${sh(`v${node.version}`)} ] || {`,
      `  echo ${sh(`${node.path} is node `)}"$("$node" --version)"${sh(`, not the ${node.version} openclaw ${s.version} is planned on`)} >&2; exit 1; }`,
      `install -d -m 0755 "$partial/node/bin"`,
      `ln "$node" "$partial/node/bin/node" 2>/dev/null || cp "$node" "$partial/node/bin/node"`,
      `PATH="$partial/node/bin:/usr/local/bin:$PATH" npm install --global --prefix "$partial" --registry ${sh(registry)} \\`,
      `  --no-audit --no-fund --no-update-notifier --loglevel=error ${sh(`openclaw@${s.version}`)}`,
    ),
    binary: "bin/openclaw",
    // The step's result, the component's `version`: the openclaw version, as configured.
    report: `echo ${sh(s.version)}`,
    activate: {
      // One instance after the other: each stopped, its state migrated, started and ready.
      // Plugins are installed again by the new release (their openclaw link is the release's) before the start.
      script: instances
        .map((i) => restartIfEnabledScript(pathsOf(i).unit, healthCheck(i), migrationScript(i) + pluginsWhileStopped(i, registry)))
        .join(""),
      // The release that ran before ran on this state: it is started again, not asked to migrate it.
      rollback: instances.map((i) => restartIfEnabledScript(pathsOf(i).unit, healthCheck(i))).join(""),
      answers: readinessPath(s),
    },
  };
}

/**
 * The plugin step's install script for an instance: its pinned plugins installed by the current
 * release, as its unit's user, on a writable copy of openclaw.json (see plugins.ts).
 */
export function pluginInstallScript(s: GatewaySettings, registry: string, pins: GatewaySettings["plugins"] = s.plugins): string {
  const runAs = releaseCommand(s, { prefix: CURRENT, config: `"$copy/openclaw.json"`, readOnlyConfig: false }, "").trimEnd();
  return renderPluginInstallScript(pins, { paths: pathsOf(s), runAs, registry, healthCheck: healthCheck(s) });
}

/** The same inside an activation, with the unit stopped: "" for an instance without plugins. */
function pluginsWhileStopped(s: GatewaySettings, registry: string): string {
  return Object.keys(s.plugins).length > 0 ? pluginInstallScript(s, registry) : "";
}

/** The plugin step's check: what is installed, and with which release (plugins.ts). */
export function pluginFacts(s: GatewaySettings): string {
  return renderPluginFacts(s.plugins, { paths: pathsOf(s) });
}
